import { flagControl, requireSet } from '../_shared.ts';

export default flagControl({
  id: 'controller-manager-root-ca',
  title: 'Controller manager publishes the cluster CA to pods (--root-ca-file)',
  severity: 'medium',
  component: 'kube-controller-manager',
  cis: ['1.3.5'],
  description: 'Fails when the kube-controller-manager mirror pod does not set --root-ca-file.',
  rationale:
    'Pods verify the API server with the CA the controller manager publishes (kube-root-ca.crt). Without it, in-cluster clients cannot verify the API server and are pushed to skip verification.',
  remediation: 'Set `--root-ca-file=<ca.crt>` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notSet: 'Pods are not given the cluster CA: {{missing}} not set.',
  },
  check: ({ flags }) => requireSet(flags, ['root-ca-file']),
});
