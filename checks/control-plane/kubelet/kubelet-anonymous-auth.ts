import { boolField, kubeletControl } from './_kubelet.ts';

export default kubeletControl({
  id: 'kubelet-anonymous-auth',
  title: 'Kubelets reject anonymous requests',
  severity: 'high',
  cis: ['4.2.1'],
  description: 'authentication.anonymous.enabled must be false in each kubelet\'s effective configuration.',
  rationale:
    'The kubelet API runs commands in containers, streams logs and lists pods. With anonymous authentication on, anyone who reaches port 10250 is system:anonymous, one authorization mistake away from exec in every pod of the node.',
  remediation:
    'Set `authentication: {anonymous: {enabled: false}}` in the KubeletConfiguration of node {{name}} (/var/lib/kubelet/config.yaml with kubeadm, or the node pool settings of a managed service) and restart the kubelet.',
  messages: {
    wrongValue: 'The kubelet accepts anonymous requests: {{field}} is {{value}}; expected {{expected}}.',
  },
  check: (c) => boolField(c, 'authentication.anonymous.enabled', false, undefined),
});
