import { flagControl } from '../_shared.ts';

export default flagControl({
  id: 'controller-manager-rotate-kubelet-server-cert',
  title: 'Controller manager does not disable kubelet serving-certificate rotation',
  severity: 'low',
  component: 'kube-controller-manager',
  cis: ['1.3.6'],
  description: 'Fails when --feature-gates on the kube-controller-manager mirror pod sets RotateKubeletServerCertificate=false (the gate is on by default).',
  rationale: 'Rotation lets kubelets replace their serving certificates before they expire, through CSRs the cluster can check, instead of long-lived certificates copied onto nodes.',
  remediation: 'Remove `RotateKubeletServerCertificate=false` from `--feature-gates` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    disabled: '{{flag}} turns RotateKubeletServerCertificate off.',
  },
  check: ({ flags }) =>
    flags.featureGates().get('RotateKubeletServerCertificate') === false
      ? { status: 'fail', messageId: 'disabled', flag: 'feature-gates', observed: 'RotateKubeletServerCertificate=false', expected: 'not disabled' }
      : { status: 'pass', flag: 'feature-gates' },
});
