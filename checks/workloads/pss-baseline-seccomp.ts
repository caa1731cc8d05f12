import { conflictingAnnotations, containerYaml, podYaml, pssControl, removeFix, setFix } from './_pss.ts';

const LEAF = 'seccompProfile:\n  type: RuntimeDefault';

export default pssControl({
  id: 'pss-baseline-seccomp',
  check: 'seccompProfile_baseline',
  title: 'Pods must not disable seccomp',
  severity: 'medium',
  description:
    'Flags seccompProfile.type Unconfined (anything but RuntimeDefault or Localhost) at the pod level and on every container; before v1.19, the seccomp.security.alpha.kubernetes.io annotations instead (Pod Security Standards, baseline: seccompProfile_baseline).',
  rationale: 'Seccomp filters the system calls a container may make; Unconfined leaves the whole kernel interface open to it.',
  remediation: {
    container: {
      action:
        "Use the runtime's default seccomp profile instead of {{value}} for container {{container}} ({{containerType}}) of {{kind}} {{namespace}}/{{name}} (at {{path}}).",
      snippet: containerYaml(LEAF),
    },
    pod: {
      action: "Use the runtime's default seccomp profile instead of {{value}} in the pod securityContext of {{kind}} {{namespace}}/{{name}} (at {{path}}).",
      snippet: podYaml(LEAF),
    },
    annotation: {
      action:
        'Remove the annotation {{annotation}} (value {{value}}, at {{path}}) from {{kind}} {{namespace}}/{{name}}, and set the seccompProfile field instead, which replaced the annotations in v1.19.',
      snippet: podYaml(LEAF),
    },
  },
  placement: (v) => (v.rule === 'annotation' ? 'annotation' : v.container !== undefined ? 'container' : 'pod'),
  fix: (v, ctx) =>
    v.rule === 'annotation'
      ? removeFix(v)
      : setFix({ path: v.path, value: 'RuntimeDefault' }, ...conflictingAnnotations('seccomp', v, ctx, ['runtime/default', 'docker/default'])),
});
