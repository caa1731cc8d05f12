import { boolFlag, flagControl } from '../_shared.ts';

export default flagControl({
  id: 'scheduler-profiling',
  title: 'Scheduler profiling is off (--profiling=false)',
  severity: 'low',
  component: 'kube-scheduler',
  // --profiling is one of the deprecated flags the scheduler ignores when --config is given.
  configFileReplacesFlags: 'config',
  cis: ['1.4.1'],
  description:
    'Reads --profiling from the kube-scheduler mirror pod; it defaults to true, so an absent flag fails. With --config, the scheduler ignores --profiling and the setting (enableProfiling, which defaults to true) lives in a file the API cannot show: not assessed, whatever the flag says.',
  rationale: 'Profiling serves /debug/pprof on the scheduler\'s port, revealing process internals. Production does not need it.',
  remediation: 'Set `--profiling=false` (or `enableProfiling: false` in its KubeSchedulerConfiguration) in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    wrongValue: 'Profiling endpoints are served: {{flag}} is {{value}} ({{source}}); expected {{expected}}.',
  },
  check: ({ flags }) => boolFlag(flags, 'profiling', false),
});
