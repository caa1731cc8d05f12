import type { ComponentFlags } from '../../../src/model/flags.ts';
import { sourceText, type Verdict } from '../_shared.ts';

/**
 * A passing TLS verdict of etcd, checked against the URLs it listens on: on an http:// (or unix://) URL etcd
 * ignores its certificates and client-certificate authentication, and says so in its log. Absent, the flag is
 * etcd's default, http://localhost:2379 for clients and :2380 for peers. Message: `plainUrl` with {{urls}},
 * {{flag}}, {{source}}.
 */
export function overTlsOnly(verdict: Verdict, flags: ComponentFlags, flag: 'listen-client-urls' | 'listen-peer-urls'): Verdict {
  if (verdict.status !== 'pass') return verdict;
  const e = flags.effective(flag);
  const urls = (e.value ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const plain = urls.filter((u) => !/^(https|unixs):\/\//i.test(u));
  if (plain.length === 0) return verdict;
  return { status: 'fail', messageId: 'plainUrl', flag, data: { urls: plain.join(', '), source: sourceText(e) }, observed: urls, expected: 'https:// (or unixs://) URLs only' };
}
