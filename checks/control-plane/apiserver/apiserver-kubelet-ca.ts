import { flagControl, requireSet } from '../_shared.ts';

export default flagControl({
  id: 'apiserver-kubelet-ca',
  title: "API server verifies kubelets' serving certificates (--kubelet-certificate-authority)",
  severity: 'medium',
  component: 'kube-apiserver',
  cis: ['1.2.5'],
  description: 'Fails when the kube-apiserver mirror pod does not set --kubelet-certificate-authority.',
  rationale:
    "Without it the API server does not verify the kubelet's certificate when it connects for logs, exec and port-forward, so whoever can intercept node traffic can impersonate a kubelet and read or alter those streams.",
  remediation:
    'Have kubelets serve certificates signed by a CA you control (for example serverTLSBootstrap with approved CSRs), then set `--kubelet-certificate-authority=<ca.crt>` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notSet: "Kubelet serving certificates are not verified: {{missing}} not set.",
  },
  check: ({ flags }) => requireSet(flags, ['kubelet-certificate-authority']),
});
