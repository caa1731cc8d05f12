import { field, kubeletControl } from './_kubelet.ts';

/** The suites CIS 4.2.12 accepts for the kubelet. */
const CIS_SUITES = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
];

/**
 * Accepted in the list: CIS's suites, under either of the names the kubelet accepts for the ChaCha20-Poly1305 ones
 * (Go's own, `…_CHACHA20_POLY1305_SHA256`, and the legacy name CIS uses: component-base cli/flag
 * ciphersuites_flag.go), and the TLS 1.3 suites, which the kubelet accepts by name but Go does not let anyone
 * configure (it always offers them, all strong).
 */
const KUBELET_STRONG_SUITES = new Set([
  ...CIS_SUITES,
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
]);

export default kubeletControl({
  id: 'kubelet-tls-cipher-suites',
  title: 'Kubelets offer only strong TLS cipher suites',
  severity: 'low',
  cis: ['4.2.12'],
  description:
    'With tlsMinVersion VersionTLS13 the control passes. Otherwise tlsCipherSuites in each kubelet\'s effective configuration must be set and list only ECDHE suites with AES-GCM or ChaCha20-Poly1305. CIS marks this item Manual.',
  rationale: 'CBC-mode and non-forward-secret suites have a history of practical attacks; restricting the list removes them from every connection to the kubelet.',
  remediation:
    'Set `tlsCipherSuites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305]` (or `tlsMinVersion: VersionTLS13`) in the KubeletConfiguration of node {{name}}.',
  messages: {
    notSet: '{{field}} is not set: the kubelet offers the Go runtime\'s default cipher suites.',
    weak: '{{field}} allows suites outside the strong list: {{weak}}.',
  },
  check: (c) => {
    if (field(c, 'tlsMinVersion') === 'VersionTLS13') return { status: 'pass', field: 'tlsMinVersion' };
    const suites = field(c, 'tlsCipherSuites');
    if (!Array.isArray(suites) || suites.length === 0) return { status: 'fail', messageId: 'notSet', field: 'tlsCipherSuites', observed: null, expected: CIS_SUITES };
    const weak = suites.filter((s) => !KUBELET_STRONG_SUITES.has(String(s)));
    return weak.length === 0
      ? { status: 'pass', field: 'tlsCipherSuites' }
      : { status: 'fail', messageId: 'weak', field: 'tlsCipherSuites', data: { weak: weak.join(', ') }, observed: suites, expected: CIS_SUITES };
  },
});
