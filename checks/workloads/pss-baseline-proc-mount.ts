import { containerYaml, pssControl, setFix } from './_pss.ts';

export default pssControl({
  id: 'pss-baseline-proc-mount',
  check: 'procMount',
  title: 'Containers must keep the default /proc masks',
  severity: 'medium',
  description:
    'Flags every container whose securityContext.procMount is set to anything but Default (Pod Security Standards, baseline: procMount). From v1.35 the baseline level allows any value in pods with hostUsers: false; the restricted control pss-restricted-proc-mount does not.',
  rationale: 'The runtime masks /proc paths that leak host information or allow kernel tuning; an Unmasked /proc exposes them to the container.',
  remediation: {
    container: {
      action: 'Set `procMount: Default` (or remove the field) for container {{container}} ({{containerType}}) of {{kind}} {{namespace}}/{{name}} (at {{path}}).',
      snippet: containerYaml('procMount: Default'),
    },
  },
  fix: (v) => setFix({ path: v.path, value: 'Default' }),
});
