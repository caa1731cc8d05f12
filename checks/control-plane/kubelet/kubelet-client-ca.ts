import { field, kubeletControl } from './_kubelet.ts';

export default kubeletControl({
  id: 'kubelet-client-ca',
  title: 'Kubelets verify client certificates (authentication.x509.clientCAFile)',
  severity: 'high',
  cis: ['4.2.3'],
  description: 'authentication.x509.clientCAFile must be set in each kubelet\'s effective configuration.',
  rationale: 'Without a client CA the kubelet cannot authenticate the API server\'s client certificate, so requests either fail or fall back to anonymous.',
  remediation: 'Set `authentication: {x509: {clientCAFile: /etc/kubernetes/pki/ca.crt}}` in the KubeletConfiguration of node {{name}} and restart the kubelet.',
  messages: {
    notSet: 'The kubelet verifies no client certificates: {{field}} is not set.',
  },
  check: (c) => {
    const ca = field(c, 'authentication.x509.clientCAFile');
    return typeof ca === 'string' && ca.length > 0
      ? { status: 'pass', field: 'authentication.x509.clientCAFile' }
      : { status: 'fail', messageId: 'notSet', field: 'authentication.x509.clientCAFile', observed: null, expected: 'a CA file' };
  },
});
