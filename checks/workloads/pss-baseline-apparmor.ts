import { conflictingAnnotations, containerYaml, podYaml, pssControl, removeFix, setFix } from './_pss.ts';

const LEAF = 'appArmorProfile:\n  type: RuntimeDefault';

export default pssControl({
  id: 'pss-baseline-apparmor',
  check: 'appArmorProfile',
  title: 'Pods must not disable AppArmor',
  severity: 'medium',
  description:
    'Flags securityContext.appArmorProfile.type other than RuntimeDefault or Localhost, at the pod level and on every container, and container.apparmor.security.beta.kubernetes.io/* annotations other than runtime/default or localhost/* (Pod Security Standards, baseline: appArmorProfile).',
  rationale: 'AppArmor confines what a container may touch on the node; an Unconfined profile removes that layer.',
  remediation: {
    container: {
      action:
        "Confine container {{container}} ({{containerType}}) of {{kind}} {{namespace}}/{{name}} with the runtime's default AppArmor profile (or a Localhost profile) instead of {{value}} at {{path}}.",
      snippet: containerYaml(LEAF),
    },
    pod: {
      action:
        "Confine the pods of {{kind}} {{namespace}}/{{name}} with the runtime's default AppArmor profile (or a Localhost profile) instead of {{value}} at {{path}}; containers inherit it.",
      snippet: podYaml(LEAF),
    },
    annotation: {
      action:
        'Remove the annotation {{annotation}} (value {{value}}, at {{path}}) from {{kind}} {{namespace}}/{{name}}, or set it to runtime/default; better, use the appArmorProfile field, which replaced the annotation in v1.30.',
      snippet: '# delete the annotation {{annotation}}',
    },
  },
  placement: (v) => (v.rule === 'annotation' ? 'annotation' : v.container !== undefined ? 'container' : 'pod'),
  fix: (v, ctx) =>
    v.rule === 'annotation'
      ? removeFix(v)
      : setFix({ path: v.path, value: 'RuntimeDefault' }, ...conflictingAnnotations('apparmor', v, ctx, ['runtime/default'])),
});
