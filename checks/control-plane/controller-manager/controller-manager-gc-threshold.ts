import { flagControl, requireSet } from '../_shared.ts';

export default flagControl({
  id: 'controller-manager-gc-threshold',
  title: 'Controller manager garbage-collects terminated pods at a chosen threshold (--terminated-pod-gc-threshold)',
  severity: 'low',
  component: 'kube-controller-manager',
  cis: ['1.3.1'],
  description:
    'Fails when the kube-controller-manager mirror pod does not set --terminated-pod-gc-threshold; the built-in default keeps up to 12500 terminated pods. CIS marks this item Manual: the right value depends on the cluster.',
  rationale: 'Terminated pods pile up in etcd until the threshold is reached; a threshold sized for the cluster keeps etcd and the API server from slowing down under them.',
  remediation: 'Set `--terminated-pod-gc-threshold=<n>` sized for your cluster (for example 10 per node) in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notSet: 'The terminated-pod threshold is left at the default (12500): {{missing}} not set.',
  },
  check: ({ flags }) => requireSet(flags, ['terminated-pod-gc-threshold']),
});
