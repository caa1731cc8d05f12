import { pssControl, securityContextSnippet } from './_pss.ts';

export default pssControl({
  id: 'pss-restricted-run-as-non-root',
  check: 'runAsNonRoot',
  title: 'Containers must be required to run as a non-root user',
  severity: 'medium',
  description:
    'Flags runAsNonRoot: false at the pod level or on any container, and every container that neither sets runAsNonRoot: true nor inherits it from the pod (Pod Security Standards, restricted: runAsNonRoot). Pods with hostUsers: false are exempt from v1.35.',
  rationale: 'With runAsNonRoot the kubelet refuses to start a container as UID 0; without it, an image built to run as root does, and root in a container is one kernel bug away from root on the node.',
  cis: ['5.2.7'],
  remediation:
    "Set `runAsNonRoot: true` at `{{path}}` — or once in the pod's securityContext, which its containers inherit — in {{kind}} {{namespace}}/{{name}}. Give the container a non-root runAsUser if its image's USER is root:\n\n{{snippet}}\n\n{{apply}}",
  fix: (v) => ({ op: 'set', value: true, snippet: securityContextSnippet(v, 'runAsNonRoot: true') }),
});
