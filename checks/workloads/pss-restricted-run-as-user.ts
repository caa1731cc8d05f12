import { NO_FIX, containerYaml, podYaml, pssControl } from './_pss.ts';

export default pssControl({
  id: 'pss-restricted-run-as-user',
  check: 'runAsUser',
  title: 'Containers must not run as UID 0',
  severity: 'medium',
  description:
    'Flags runAsUser: 0 at the pod level and on every init, regular and ephemeral container (Pod Security Standards, restricted: runAsUser, from v1.23). Pods with hostUsers: false are exempt from v1.35.',
  rationale: 'UID 0 in a container is root on the node unless a user namespace remaps it; a container escape then lands as root.',
  cis: ['5.2.7'],
  remediation: {
    container: {
      action:
        'Run container {{container}} ({{containerType}}) of {{kind}} {{namespace}}/{{name}} as a non-zero UID its image can run as, instead of `runAsUser: 0` at {{path}}.',
      snippet: containerYaml('runAsUser: 10001\nrunAsNonRoot: true'),
    },
    pod: {
      action: 'Run the pods of {{kind}} {{namespace}}/{{name}} as a non-zero UID their images can run as, instead of `runAsUser: 0` at {{path}}.',
      snippet: podYaml('runAsUser: 10001\nrunAsNonRoot: true'),
    },
  },
  fix: () => NO_FIX,
});
