import { containerYaml, pssControl, setFix } from './_pss.ts';

export default pssControl({
  id: 'pss-restricted-proc-mount',
  check: 'procMount_restricted',
  title: 'Containers must keep the default /proc masks, even in a user namespace',
  severity: 'medium',
  description:
    'Flags every container whose securityContext.procMount is set to anything but Default, whether or not the pod runs in a user namespace (Pod Security Standards, restricted: procMount_restricted, from v1.35; before, the baseline procMount check applied to every pod).',
  rationale: 'An Unmasked /proc exposes kernel and host information the runtime otherwise hides, even when the container runs in its own user namespace.',
  remediation: {
    container: {
      action: 'Set `procMount: Default` (or remove the field) for container {{container}} ({{containerType}}) of {{kind}} {{namespace}}/{{name}} (at {{path}}).',
      snippet: containerYaml('procMount: Default'),
    },
  },
  fix: (v) => setFix({ path: v.path, value: 'Default' }),
});
