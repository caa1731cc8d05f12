import { pssControl, securityContextSnippet } from './_pss.ts';

export default pssControl({
  id: 'pss-restricted-run-as-user',
  check: 'runAsUser',
  title: 'Containers must not run as UID 0',
  severity: 'medium',
  description:
    'Flags runAsUser: 0 at the pod level and on every init, regular and ephemeral container (Pod Security Standards, restricted: runAsUser, from v1.23). Pods with hostUsers: false are exempt from v1.35.',
  rationale: 'UID 0 in a container is root on the node unless a user namespace remaps it; a container escape then lands as root.',
  cis: ['5.2.7'],
  remediation:
    'Run {{where}} of {{kind}} {{namespace}}/{{name}} as a non-zero UID instead of `runAsUser: 0` (`{{path}}`), one its image can run as:\n\n{{snippet}}\n\n{{apply}}',
  fix: (v) => ({ op: 'none', snippet: securityContextSnippet(v, 'runAsUser: 10001\nrunAsNonRoot: true') }),
});
