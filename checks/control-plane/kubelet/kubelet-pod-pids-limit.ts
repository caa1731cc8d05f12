import { field, kubeletControl } from './_kubelet.ts';

export default kubeletControl({
  id: 'kubelet-pod-pids-limit',
  title: 'Kubelets limit the processes of each pod (podPidsLimit)',
  severity: 'low',
  cis: ['4.2.13'],
  description: 'podPidsLimit in each kubelet\'s effective configuration must be a positive number (the default, -1, means unlimited); Windows nodes, where the kubelet cannot enforce it, are not applicable. CIS marks this item Manual.',
  rationale: 'Without a limit, one pod running a fork bomb exhausts the node\'s process IDs and takes down every other pod and the kubelet with it.',
  remediation: 'Set `podPidsLimit: 4096` (or a value sized for your workloads) in the KubeletConfiguration of node {{name}} and restart the kubelet.',
  messages: {
    unlimited: 'Pods may start unlimited processes: {{field}} is {{value}}.',
  },
  linuxOnly: 'The kubelet enforces podPidsLimit through the pids cgroup of each pod, which a Windows node does not have.',
  check: (c) => {
    const n = field(c, 'podPidsLimit');
    if (typeof n === 'number' && n > 0) return { status: 'pass', field: 'podPidsLimit' };
    return { status: 'fail', messageId: 'unlimited', field: 'podPidsLimit', data: { value: n === undefined ? 'not set (unlimited)' : String(n) }, observed: n ?? null, expected: '> 0' };
  },
});
