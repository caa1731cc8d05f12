import { defineControl } from '../../src/engine/types.ts';
import { WORKLOAD_KINDS } from '../../src/model/workloads.ts';
import { capabilitiesOf, capabilityName } from './_capabilities.ts';
import { applyVia, containerPatch, judgeLinuxContainers, workloadRemediations } from './_remediation.ts';

export default defineControl({
  meta: {
    id: 'pod-capability-net-raw',
    title: 'Containers do not keep the NET_RAW capability',
    area: 'workloads',
    severity: 'medium',
    description:
      'Flags every init, regular and ephemeral container that keeps NET_RAW: its securityContext.capabilities.drop names neither NET_RAW nor ALL (container runtimes grant NET_RAW by default), it adds NET_RAW or ALL back, or it is privileged (a privileged container has every capability). Names are read as every runtime reads them: in any case; an added CAP_NET_RAW counts as NET_RAW (CRI-O grants it), but a dropped CAP_NET_RAW does not count as dropped (containerd prefixes every name with CAP_ and so drops CAP_CAP_NET_RAW, which is nothing). Windows pods are not applicable.',
    rationale:
      'NET_RAW lets a process open raw sockets: forge packets, spoof addresses on the pod network and answer ARP or DNS in place of others. Few applications need it (ping is the usual one, and ping sockets no longer do).',
    ...workloadRemediations({
      action: 'Drop NET_RAW (or ALL) in the securityContext of container {{container}} of {{kind}} {{namespace}}/{{name}}, and do not add it back',
    }),
    references: {
      cis: ['5.2.8'],
      links: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container'],
    },
    messages: {
      kept: 'Container "{{container}}" ({{containerType}}) keeps NET_RAW: {{reason}}.',
    },
  },
  reads: WORKLOAD_KINDS,
  evaluate(snapshot, report) {
    judgeLinuxContainers(snapshot, report, 'Windows pod: Linux capabilities do not apply', (w, c) => {
      const caps = capabilitiesOf(c.container);
      const privileged = c.container.securityContext?.privileged === true;
      const added = caps.add.filter((n) => n === 'NET_RAW' || n === 'ALL');
      const dropped = caps.drop.includes('NET_RAW') || caps.drop.includes('ALL');
      if (!privileged && added.length === 0 && dropped) return false;
      const reason = privileged
        ? 'it is privileged, which grants every capability'
        : added.length
          ? `capabilities.add names ${added.join(' and ')}`
          : caps.drop.includes('CAP_NET_RAW')
            ? 'capabilities.drop names CAP_NET_RAW, which containerd reads as CAP_CAP_NET_RAW and so drops nothing (write NET_RAW)'
            : 'capabilities.drop names neither NET_RAW nor ALL, and the runtime grants it by default';
      // The lists are replaced whole by a strategic-merge patch: keep the other entries as written.
      const drop = dropped ? caps.rawDrop : [...caps.rawDrop, 'NET_RAW'];
      const add = caps.rawAdd.filter((x) => !['NET_RAW', 'ALL'].includes(capabilityName(x)));
      const capabilities: Record<string, unknown> = { drop, ...(added.length ? { add: add.length ? add : null } : {}) };
      report.fail(w.subject, {
        messageId: 'kept',
        remediationId: applyVia(w, c),
        data: { containerType: c.type, reason, ...containerPatch(w, c, { securityContext: { ...(privileged ? { privileged: false } : {}), capabilities } }) },
        path: `${c.path}.securityContext.${privileged ? 'privileged' : added.length ? 'capabilities.add' : 'capabilities.drop'}`,
        container: c.container.name,
        observed: privileged ? { privileged: true } : { add: caps.rawAdd, drop: caps.rawDrop },
        expected: 'NET_RAW (or ALL) dropped, and not added',
      });
      return true;
    });
  },
});
