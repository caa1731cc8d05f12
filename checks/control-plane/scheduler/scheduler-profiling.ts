import { boolFlag, flagControl } from '../_shared.ts';

export default flagControl({
  id: 'scheduler-profiling',
  title: 'Scheduler profiling is off (--profiling=false)',
  severity: 'low',
  component: 'kube-scheduler',
  cis: ['1.4.1'],
  description:
    'Reads --profiling from the kube-scheduler mirror pod; it defaults to true, so an absent flag fails. With --config and no --profiling flag, the setting (enableProfiling) lives in a file the API cannot show: not assessed.',
  rationale: 'Profiling serves /debug/pprof on the scheduler\'s port, revealing process internals. Production does not need it.',
  remediation: 'Set `--profiling=false` (or `enableProfiling: false` in its KubeSchedulerConfiguration) in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    wrongValue: 'Profiling endpoints are served: {{flag}} is {{value}} ({{source}}); expected {{expected}}.',
  },
  check: ({ flags }) => boolFlag(flags, 'profiling', false, { configFlags: ['config'] }),
});
