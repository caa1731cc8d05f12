import { flagControl } from '../_shared.ts';
import { admissionRule } from './_admission.ts';

export default flagControl({
  id: 'apiserver-admission-always-admit',
  title: 'API server does not run the AlwaysAdmit admission plugin',
  severity: 'high',
  component: 'kube-apiserver',
  cis: ['1.2.10'],
  description:
    'Fails when --enable-admission-plugins (or the deprecated --admission-control) on the kube-apiserver mirror pod names AlwaysAdmit.',
  rationale:
    'AlwaysAdmit is a deprecated plugin that admits every request, which defeats the purpose of admission control for everything configured after it.',
  remediation:
    'Remove AlwaysAdmit from `--enable-admission-plugins` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    enabled: 'The AlwaysAdmit admission plugin runs: {{how}}.',
  },
  check: ({ flags }) => admissionRule(flags, 'AlwaysAdmit', 'disabled'),
});
