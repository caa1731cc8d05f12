import { flagControl } from '../_shared.ts';

/** The suites CIS 1.2.29 accepts (AEAD, forward secrecy). */
export const STRONG_SUITES = new Set([
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
]);

export default flagControl({
  id: 'apiserver-tls-cipher-suites',
  title: 'API server offers only strong TLS cipher suites',
  severity: 'low',
  component: 'kube-apiserver',
  cis: ['1.2.29'],
  description:
    'With --tls-min-version=VersionTLS13 the suites are fixed by TLS 1.3 and the control passes. Otherwise --tls-cipher-suites on the kube-apiserver mirror pod must be set and list only AEAD suites with forward secrecy; absent, the API server offers Go\'s default list. CIS marks this item Manual.',
  rationale: 'CBC-mode and non-forward-secret suites have a history of practical attacks; restricting the list removes them from every negotiation.',
  remediation:
    'Set `--tls-min-version=VersionTLS13`, or `--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305`, in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notSet: '{{flag}} is not set: the API server offers the Go runtime\'s default cipher suites, not a restricted list.',
    weak: '{{flag}} allows suites outside the strong list: {{weak}}.',
  },
  check: ({ flags }) => {
    if (flags.value('tls-min-version') === 'VersionTLS13') return { status: 'pass', flag: 'tls-min-version' };
    const suites = flags.list('tls-cipher-suites');
    if (!suites || suites.length === 0) return { status: 'fail', messageId: 'notSet', flag: 'tls-cipher-suites', observed: null, expected: 'a list of strong suites' };
    const weak = suites.filter((s) => !STRONG_SUITES.has(s));
    if (weak.length === 0) return { status: 'pass', flag: 'tls-cipher-suites' };
    return { status: 'fail', messageId: 'weak', flag: 'tls-cipher-suites', data: { weak: weak.join(', ') }, observed: suites, expected: [...STRONG_SUITES] };
  },
});
