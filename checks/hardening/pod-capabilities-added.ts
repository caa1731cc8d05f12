import { defineControl } from '../../src/engine/types.ts';
import { WORKLOAD_KINDS } from '../../src/model/workloads.ts';
import { capabilitiesOf } from './_capabilities.ts';
import { applyVia, containerPatch, judgeLinuxContainers, workloadRemediations } from './_remediation.ts';

export default defineControl({
  meta: {
    id: 'pod-capabilities-added',
    title: 'Containers add no capabilities',
    area: 'workloads',
    severity: 'low',
    description:
      'Flags every init, regular and ephemeral container whose securityContext.capabilities.add names any capability, NET_BIND_SERVICE included (the restricted Pod Security Standard allows that one; this recommendation does not). Windows pods are not applicable. Where a workload needs one, record it with a waiver: an accepted risk, visible in every report.',
    rationale:
      'Each added capability hands the process a piece of root\'s power (SYS_ADMIN nearly all of it, NET_ADMIN the node\'s network configuration, SYS_PTRACE other processes). Keeping additions to the few workloads that need them, on the record, keeps that power rare.',
    ...workloadRemediations({
      action: 'Remove capabilities.add from the securityContext of container {{container}} of {{kind}} {{namespace}}/{{name}} (it adds {{added}}), or record why it needs them with a waiver',
    }),
    references: {
      cis: ['5.2.9'],
      links: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container'],
    },
    messages: {
      added: 'Container "{{container}}" ({{containerType}}) adds {{added}}.',
    },
  },
  reads: WORKLOAD_KINDS,
  evaluate(snapshot, report) {
    judgeLinuxContainers(snapshot, report, 'Windows pod: Linux capabilities do not apply', (w, c) => {
      const caps = capabilitiesOf(c.container);
      if (caps.add.length === 0) return false;
      report.fail(w.subject, {
        messageId: 'added',
        remediationId: applyVia(w, c),
        data: { containerType: c.type, added: caps.add.join(', '), ...containerPatch(w, c, { securityContext: { capabilities: { add: null } } }) },
        path: `${c.path}.securityContext.capabilities.add`,
        container: c.container.name,
        observed: caps.rawAdd,
        expected: [],
      });
      return true;
    });
  },
});
