import { flagControl, requireSet, sourceText } from '../_shared.ts';

export default flagControl({
  id: 'controller-manager-gc-threshold',
  title: 'Controller manager garbage-collects terminated pods at a chosen threshold (--terminated-pod-gc-threshold)',
  severity: 'low',
  component: 'kube-controller-manager',
  cis: ['1.3.1'],
  description:
    'Fails when the kube-controller-manager mirror pod does not set --terminated-pod-gc-threshold (the built-in default keeps up to 12500 terminated pods), and when it sets 0 or less, which turns the terminated-pod garbage collector off. CIS marks this item Manual: the right value depends on the cluster.',
  rationale: 'Terminated pods pile up in etcd until the threshold is reached; a threshold sized for the cluster keeps etcd and the API server from slowing down under them.',
  remediation: 'Set `--terminated-pod-gc-threshold=<n>` sized for your cluster (for example 10 per node) in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notSet: 'The terminated-pod threshold is left at the default (12500): {{missing}} not set.',
    disabled: '{{flag}} is {{value}} ({{source}}): at 0 or less the terminated-pod garbage collector is off, and terminated pods are never deleted.',
  },
  check: ({ flags }) => {
    const set = requireSet(flags, ['terminated-pod-gc-threshold']);
    if (set.status !== 'pass') return set;
    const e = flags.effective('terminated-pod-gc-threshold');
    const n = Number(e.value);
    if (Number.isInteger(n) && n > 0) return set;
    return { status: 'fail', messageId: 'disabled', flag: 'terminated-pod-gc-threshold', data: { value: e.value ?? '', source: sourceText(e) }, observed: e.value, expected: 'a positive number' };
  },
});
