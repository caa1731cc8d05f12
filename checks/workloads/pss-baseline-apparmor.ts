import { pssControl, securityContextSnippet } from './_pss.ts';

export default pssControl({
  id: 'pss-baseline-apparmor',
  check: 'appArmorProfile',
  title: 'Pods must not disable AppArmor',
  severity: 'medium',
  description:
    'Flags securityContext.appArmorProfile.type other than RuntimeDefault or Localhost, at the pod level and on every container, and container.apparmor.security.beta.kubernetes.io/* annotations other than runtime/default or localhost/* (Pod Security Standards, baseline: appArmorProfile).',
  rationale: "AppArmor confines what a container may touch on the node; an Unconfined profile removes that layer.",
  remediation:
    "Confine {{where}} of {{kind}} {{namespace}}/{{name}} with the runtime's default AppArmor profile (or a Localhost profile) instead of \"{{value}}\" at `{{path}}`:\n\n{{snippet}}\n\n{{apply}}",
  fix: (v) =>
    v.rule === 'annotation'
      ? { op: 'remove', snippet: `# delete the annotation ${String(v.data.annotation)}, or set it to runtime/default`, test: { at: v.path, value: String(v.data.value) } }
      : { op: 'set', value: 'RuntimeDefault', snippet: securityContextSnippet(v, 'appArmorProfile:\n  type: RuntimeDefault') },
});
