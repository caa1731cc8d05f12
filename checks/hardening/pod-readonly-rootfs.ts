import { defineControl } from '../../src/engine/types.ts';
import { WORKLOAD_KINDS } from '../../src/model/workloads.ts';
import { applyVia, containerPatch, judgeLinuxContainers, workloadRemediations } from './_remediation.ts';

export default defineControl({
  meta: {
    id: 'pod-readonly-rootfs',
    title: 'Containers run with a read-only root filesystem',
    area: 'workloads',
    severity: 'medium',
    description:
      'Flags every init, regular and ephemeral container whose securityContext.readOnlyRootFilesystem is not true (unset counts as writable: that is the runtime default). There is no pod-level setting. Windows pods (spec.os.name: windows) are not applicable: the API server refuses the field for them.',
    rationale:
      'A writable root filesystem lets an intruder drop tools and binaries, or alter the application, inside the container. A read-only one, with emptyDir volumes only where the application writes, keeps the image as built.',
    ...workloadRemediations({
      action:
        'Set readOnlyRootFilesystem: true in the securityContext of container {{container}} of {{kind}} {{namespace}}/{{name}}, and mount an emptyDir volume at each directory it must write to (for example /tmp)',
    }),
    references: {
      cis: ['5.6.3'],
      links: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
    },
    messages: {
      writable: 'Container "{{container}}" ({{containerType}}) has a writable root filesystem (readOnlyRootFilesystem is {{observedText}}).',
    },
  },
  reads: WORKLOAD_KINDS,
  evaluate(snapshot, report) {
    judgeLinuxContainers(snapshot, report, 'Windows pod: readOnlyRootFilesystem is not supported on Windows', (w, c) => {
      const value = c.container.securityContext?.readOnlyRootFilesystem;
      if (value === true) return false;
      report.fail(w.subject, {
        messageId: 'writable',
        remediationId: applyVia(w, c),
        data: {
          containerType: c.type,
          observedText: value === undefined ? 'unset' : String(value),
          ...containerPatch(w, c, { securityContext: { readOnlyRootFilesystem: true } }),
        },
        path: `${c.path}.securityContext.readOnlyRootFilesystem`,
        container: c.container.name,
        observed: value ?? null,
        expected: true,
      });
      return true;
    });
  },
});
