import { pssControl, securityContextSnippet } from './_pss.ts';

export default pssControl({
  id: 'pss-restricted-seccomp',
  check: 'seccompProfile_restricted',
  title: 'Pods must run with the RuntimeDefault or a Localhost seccomp profile',
  severity: 'medium',
  description:
    'Flags a seccompProfile.type other than RuntimeDefault or Localhost at the pod level or on any container, and every container that sets none while the pod sets none either (Pod Security Standards, restricted: seccompProfile_restricted, from v1.19). Windows pods are exempt from v1.25.',
  rationale: "Without a seccomp profile most runtimes run containers Unconfined: every system call, including rarely needed and exploit-prone ones, is open.",
  cis: ['5.6.2'],
  remediation:
    "Set the seccomp profile to RuntimeDefault (or a Localhost profile) at `{{path}}` — or once in the pod's securityContext, which its containers inherit — in {{kind}} {{namespace}}/{{name}}:\n\n{{snippet}}\n\n{{apply}}",
  fix: (v) => ({ op: 'set', value: 'RuntimeDefault', snippet: securityContextSnippet(v, 'seccompProfile:\n  type: RuntimeDefault') }),
});
