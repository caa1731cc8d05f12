import { flagControl, requireSet } from '../_shared.ts';

export default flagControl({
  id: 'apiserver-kubelet-client-cert',
  title: 'API server authenticates to kubelets with a client certificate',
  severity: 'high',
  component: 'kube-apiserver',
  cis: ['1.2.4'],
  description: 'Both --kubelet-client-certificate and --kubelet-client-key must be set on the kube-apiserver mirror pod.',
  rationale:
    'Without a client certificate the API server calls kubelets (logs, exec, port-forward, proxy) anonymously, which only works if kubelets accept anonymous requests — and then anyone on the node network can do the same.',
  remediation:
    'Issue the API server a client certificate for kubelets and set `--kubelet-client-certificate=<cert>` and `--kubelet-client-key=<key>` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notSet: 'The API server has no kubelet client credentials: {{missing}} not set.',
  },
  check: ({ flags }) => requireSet(flags, ['kubelet-client-certificate', 'kubelet-client-key']),
});
