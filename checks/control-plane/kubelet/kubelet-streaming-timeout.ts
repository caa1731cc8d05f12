import { field, kubeletControl } from './_kubelet.ts';

/** Whether a Go duration string is zero ("0", "0s", "0m0s"). */
function isZeroDuration(d: string): boolean {
  return /^(0+(\.0+)?(ns|us|µs|ms|s|m|h)?)+$/.test(d.trim());
}

export default kubeletControl({
  id: 'kubelet-streaming-timeout',
  title: 'Kubelets close idle streaming connections (streamingConnectionIdleTimeout not 0)',
  severity: 'low',
  cis: ['4.2.5'],
  description: 'streamingConnectionIdleTimeout in each kubelet\'s effective configuration must not be 0 (omitted means the default, 4h).',
  rationale: 'exec, attach and port-forward sessions that never time out pile up and can be left open for an attacker, or exhaust the node.',
  remediation: 'Set `streamingConnectionIdleTimeout: 5m` (or another non-zero duration) in the KubeletConfiguration of node {{name}} and restart the kubelet.',
  messages: {
    zero: 'Idle exec and port-forward connections never time out: {{field}} is {{value}}.',
  },
  check: (c) => {
    const t = field(c, 'streamingConnectionIdleTimeout');
    if (t === undefined) return { status: 'pass', field: 'streamingConnectionIdleTimeout' };
    if (typeof t === 'string' && !isZeroDuration(t)) return { status: 'pass', field: 'streamingConnectionIdleTimeout' };
    return { status: 'fail', messageId: 'zero', field: 'streamingConnectionIdleTimeout', data: { value: String(t) }, observed: t, expected: 'a non-zero duration' };
  },
});
