import { field, kubeletControl } from './_kubelet.ts';

export default kubeletControl({
  id: 'kubelet-read-only-port',
  title: 'Kubelets do not serve the unauthenticated read-only port (readOnlyPort: 0)',
  severity: 'high',
  cis: ['4.2.4'],
  description: 'readOnlyPort in each kubelet\'s effective configuration must be 0 (omitted means 0).',
  rationale: 'The read-only port (historically 10255) serves pod specs, environment variables included, and metrics without any authentication or authorization.',
  remediation: 'Set `readOnlyPort: 0` in the KubeletConfiguration of node {{name}} and restart the kubelet.',
  messages: {
    open: 'The kubelet serves an unauthenticated read-only API on port {{port}} ({{field}}).',
  },
  check: (c) => {
    const port = field(c, 'readOnlyPort');
    if (port === undefined || port === 0) return { status: 'pass', field: 'readOnlyPort' };
    return { status: 'fail', messageId: 'open', field: 'readOnlyPort', data: { port: String(port) }, observed: port, expected: 0 };
  },
});
