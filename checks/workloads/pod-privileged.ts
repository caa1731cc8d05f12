import { containerYaml, pssControl, setFix } from './_pss.ts';

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
  remediation: {
    container: {
      action:
        'Stop running container {{container}} ({{containerType}}) of {{kind}} {{namespace}}/{{name}} privileged: set `privileged: false` at {{path}} (or remove it), and add only the capabilities the process needs.',
      snippet: containerYaml('privileged: false'),
    },
  },
  fix: (v) => setFix({ path: v.path, value: false }),
});
