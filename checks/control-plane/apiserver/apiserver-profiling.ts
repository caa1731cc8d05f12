import { boolFlag, flagControl } from '../_shared.ts';

export default flagControl({
  id: 'apiserver-profiling',
  title: 'API server profiling is off (--profiling=false)',
  severity: 'low',
  component: 'kube-apiserver',
  cis: ['1.2.15'],
  description: 'Reads --profiling from the kube-apiserver mirror pod; it defaults to true, so an absent flag fails.',
  rationale:
    'Profiling serves /debug/pprof, which reveals details of the running process and lets callers with access trigger CPU-heavy profiles. It is a debugging aid, not something a production API server needs.',
  remediation: 'Set `--profiling=false` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    wrongValue: 'Profiling endpoints are served: {{flag}} is {{value}} ({{source}}); expected {{expected}}.',
  },
  check: ({ flags }) => boolFlag(flags, 'profiling', false),
});
