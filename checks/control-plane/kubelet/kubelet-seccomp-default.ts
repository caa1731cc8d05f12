import { boolField, kubeletControl } from './_kubelet.ts';

export default kubeletControl({
  id: 'kubelet-seccomp-default',
  title: 'Kubelets apply the RuntimeDefault seccomp profile by default (seccompDefault: true)',
  severity: 'medium',
  cis: ['4.2.14'],
  description: 'seccompDefault in each kubelet\'s effective configuration must be true (omitted means false); Windows nodes, which have no seccomp, are not applicable. CIS marks this item Manual.',
  rationale: 'Without it, every container that does not ask for a seccomp profile runs unconfined, with the whole kernel system-call surface open to it.',
  remediation: 'Set `seccompDefault: true` in the KubeletConfiguration of node {{name}} and restart the kubelet, after checking that workloads run under RuntimeDefault.',
  messages: {
    wrongValue: 'Containers without a seccomp profile run unconfined: {{field}} is {{value}}; expected {{expected}}.',
  },
  linuxOnly: 'A Windows node has no seccomp: the kubelet applies seccompDefault to Linux containers only.',
  check: (c) => boolField(c, 'seccompDefault', true, false),
});
