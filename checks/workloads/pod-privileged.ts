import { containerSnippet, pssControl } from './_pss.ts';

export default pssControl({
  id: 'pod-privileged',
  check: 'privileged',
  title: 'Containers must not run privileged',
  severity: 'critical',
  description:
    'Flags every init, regular and ephemeral container with securityContext.privileged: true (Pod Security Standards, baseline: privileged). An explicit false, or no setting, passes.',
  rationale:
    "A privileged container has every capability and the host's devices, and no seccomp, AppArmor or SELinux confinement: taking over the node is one command away.",
  cis: ['5.2.2'],
  remediation:
    'Remove `privileged: true` from {{where}} of {{kind}} {{namespace}}/{{name}} (`{{path}}`), or set it to false, and grant only the capabilities the container needs:\n\n{{snippet}}\n\n{{apply}}',
  fix: (v) => ({ op: 'set', value: false, snippet: containerSnippet(v, 'privileged: false') }),
});
