import { defineControl } from '../../src/engine/types.ts';
import { WORKLOAD_KINDS, containersOf, workloads } from '../../src/model/workloads.ts';

export default defineControl({
  meta: {
    id: 'pod-privileged',
    title: 'Containers must not run privileged',
    area: 'workloads',
    severity: 'critical',
    description:
      'Flags every init, regular and ephemeral container with securityContext.privileged: true. An explicit false, or no setting, passes.',
    rationale:
      'A privileged container has all capabilities and the host\'s devices; escaping to the node is one command away. The Pod Security Standards forbid it from the baseline level up.',
    remediation:
      'Remove `privileged: true` from container "{{container}}" of {{kind}} {{namespace}}/{{name}} (at `{{path}}`), and grant only the capabilities it needs:\n\nsecurityContext:\n  privileged: false\n  capabilities:\n    drop: ["ALL"]',
    references: {
      cis: ['5.2.2'],
      pss: ['privileged'],
      links: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/'],
    },
    messages: {
      privileged: 'Container "{{container}}" ({{containerType}}) runs privileged.',
    },
  },
  reads: WORKLOAD_KINDS,
  evaluate(snapshot, report) {
    for (const w of workloads(snapshot)) {
      let failed = false;
      for (const c of containersOf(w.podSpec, w.specPath)) {
        if (c.container.securityContext?.privileged === true) {
          failed = true;
          report.fail(w.subject, {
            messageId: 'privileged',
            data: { containerType: c.type },
            path: `${c.path}.securityContext.privileged`,
            container: c.container.name,
            observed: true,
            expected: false,
          });
        }
      }
      if (!failed) report.pass(w.subject);
    }
  },
});
