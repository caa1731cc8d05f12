import { conflictingAnnotations, containerYaml, podYaml, pssControl, setFix } from './_pss.ts';

const LEAF = 'seccompProfile:\n  type: RuntimeDefault';

export default pssControl({
  id: 'pss-restricted-seccomp',
  check: 'seccompProfile_restricted',
  title: 'Pods must run with the RuntimeDefault or a Localhost seccomp profile',
  severity: 'medium',
  description:
    'Flags a seccompProfile.type other than RuntimeDefault or Localhost at the pod level or on any container, and every container that sets none while the pod sets none either (Pod Security Standards, restricted: seccompProfile_restricted, from v1.19). Windows pods are exempt from v1.25.',
  rationale: 'Without a seccomp profile most runtimes run containers Unconfined: every system call, including rarely needed and exploit-prone ones, is open.',
  cis: ['5.6.2'],
  remediation: {
    container: {
      action:
        "Give container {{container}} ({{containerType}}) of {{kind}} {{namespace}}/{{name}} the RuntimeDefault seccomp profile (or a Localhost one) at {{path}} — or set it once in the pod's securityContext, which containers without their own inherit.",
      snippet: containerYaml(LEAF),
    },
    pod: {
      action: 'Give the pods of {{kind}} {{namespace}}/{{name}} the RuntimeDefault seccomp profile (or a Localhost one) at {{path}}; containers inherit it.',
      snippet: podYaml(LEAF),
    },
  },
  fix: (v, ctx) => setFix({ path: v.path, value: 'RuntimeDefault' }, ...conflictingAnnotations('seccomp', v, ctx, ['runtime/default', 'docker/default'])),
});
