import { boolField, kubeletControl } from './_kubelet.ts';

export default kubeletControl({
  id: 'kubelet-rotate-certificates',
  title: 'Kubelets rotate their client certificates (rotateCertificates: true)',
  severity: 'medium',
  cis: ['4.2.10'],
  description: 'rotateCertificates in each kubelet\'s effective configuration must be true (omitted means false).',
  rationale: 'Without rotation the kubelet\'s client certificate expires and the node drops out of the cluster, which tempts operators into long-lived certificates that are never revoked.',
  remediation: 'Set `rotateCertificates: true` in the KubeletConfiguration of node {{name}} and restart the kubelet.',
  messages: {
    wrongValue: 'The kubelet does not rotate its client certificate: {{field}} is {{value}}; expected {{expected}}.',
  },
  check: (c) => boolField(c, 'rotateCertificates', true, false),
});
