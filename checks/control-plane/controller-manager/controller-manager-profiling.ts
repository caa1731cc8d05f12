import { boolFlag, flagControl } from '../_shared.ts';

export default flagControl({
  id: 'controller-manager-profiling',
  title: 'Controller manager profiling is off (--profiling=false)',
  severity: 'low',
  component: 'kube-controller-manager',
  cis: ['1.3.2'],
  description: 'Reads --profiling from the kube-controller-manager mirror pod; it defaults to true, so an absent flag fails.',
  rationale: 'Profiling serves /debug/pprof on the controller manager\'s port, revealing process internals to anyone who can reach and authenticate to it. Production does not need it.',
  remediation: 'Set `--profiling=false` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    wrongValue: 'Profiling endpoints are served: {{flag}} is {{value}} ({{source}}); expected {{expected}}.',
  },
  check: ({ flags }) => boolFlag(flags, 'profiling', false),
});
