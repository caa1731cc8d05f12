import { containerSnippet, pssControl } from './_pss.ts';

export default pssControl({
  id: 'pss-restricted-privilege-escalation',
  check: 'allowPrivilegeEscalation',
  title: 'Containers must set allowPrivilegeEscalation: false',
  severity: 'medium',
  description:
    'Flags every init, regular and ephemeral container whose securityContext.allowPrivilegeEscalation is not explicitly false: unset counts, since it defaults to true (Pod Security Standards, restricted: allowPrivilegeEscalation). Windows pods are exempt from v1.25.',
  rationale: 'Without no_new_privs, a process in the container can gain privileges through set-user-ID binaries or file capabilities.',
  cis: ['5.2.6'],
  remediation:
    'Set `allowPrivilegeEscalation: false` for {{where}} of {{kind}} {{namespace}}/{{name}} (`{{path}}`); unset, it defaults to true:\n\n{{snippet}}\n\n{{apply}}',
  fix: (v) => ({ op: 'set', value: false, snippet: containerSnippet(v, 'allowPrivilegeEscalation: false') }),
});
