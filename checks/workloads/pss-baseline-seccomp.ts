import { pssControl, securityContextSnippet } from './_pss.ts';

export default pssControl({
  id: 'pss-baseline-seccomp',
  check: 'seccompProfile_baseline',
  title: 'Pods must not disable seccomp',
  severity: 'medium',
  description:
    'Flags seccompProfile.type Unconfined (anything but RuntimeDefault or Localhost) at the pod level and on every container; before v1.19, the seccomp.security.alpha.kubernetes.io annotations instead (Pod Security Standards, baseline: seccompProfile_baseline).',
  rationale: 'Seccomp filters the system calls a container may make; Unconfined leaves the whole kernel interface open to it.',
  cis: ['5.6.2'],
  remediation:
    "Use the runtime's default seccomp profile instead of \"{{value}}\" ({{where}} of {{kind}} {{namespace}}/{{name}}, `{{path}}`):\n\n{{snippet}}\n\n{{apply}}",
  fix: (v) =>
    v.rule === 'annotation'
      ? { op: 'remove', snippet: `# delete the annotation ${String(v.data.annotation)}; set securityContext.seccompProfile.type: RuntimeDefault`, test: { at: v.path, value: String(v.data.value) } }
      : { op: 'set', value: 'RuntimeDefault', snippet: securityContextSnippet(v, 'seccompProfile:\n  type: RuntimeDefault') },
});
