import { field, kubeletControl } from './_kubelet.ts';

export default kubeletControl({
  id: 'kubelet-server-cert-rotation',
  title: 'Kubelets do not disable serving-certificate rotation (RotateKubeletServerCertificate)',
  severity: 'low',
  cis: ['4.2.11'],
  description: 'featureGates.RotateKubeletServerCertificate must not be false in each kubelet\'s effective configuration.',
  rationale: 'Serving-certificate rotation lets kubelets obtain CA-signed serving certificates through CSRs, which the API server can then verify (--kubelet-certificate-authority).',
  remediation: 'Remove `RotateKubeletServerCertificate: false` from featureGates in the KubeletConfiguration of node {{name}}, and consider `serverTLSBootstrap: true`.',
  messages: {
    disabled: 'The kubelet turns serving-certificate rotation off: {{field}} is false.',
  },
  check: (c) =>
    field(c, 'featureGates.RotateKubeletServerCertificate') === false
      ? { status: 'fail', messageId: 'disabled', field: 'featureGates.RotateKubeletServerCertificate', observed: false, expected: true }
      : { status: 'pass', field: 'featureGates' },
});
