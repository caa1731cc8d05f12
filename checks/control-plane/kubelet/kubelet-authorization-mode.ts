import { field, kubeletControl } from './_kubelet.ts';

export default kubeletControl({
  id: 'kubelet-authorization-mode',
  title: 'Kubelets authorize requests through the API server (authorization.mode: Webhook)',
  severity: 'critical',
  cis: ['4.2.2'],
  description: 'authorization.mode in each kubelet\'s effective configuration must not be AlwaysAllow.',
  rationale: 'With AlwaysAllow, any caller the kubelet authenticates may exec into every container of the node and read its logs and secrets; RBAC is not consulted.',
  remediation: 'Set `authorization: {mode: Webhook}` in the KubeletConfiguration of node {{name}} and restart the kubelet.',
  messages: {
    alwaysAllow: 'The kubelet authorizes every request: {{field}} is AlwaysAllow.',
  },
  check: (c) => {
    const mode = field(c, 'authorization.mode');
    if (typeof mode !== 'string') return { status: 'not-assessed', reason: 'The kubelet configuration does not report authorization.mode.' };
    return mode === 'AlwaysAllow'
      ? { status: 'fail', messageId: 'alwaysAllow', field: 'authorization.mode', observed: mode, expected: 'Webhook' }
      : { status: 'pass', field: 'authorization.mode' };
  },
});
