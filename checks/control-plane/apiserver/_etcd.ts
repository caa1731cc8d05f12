import type { ComponentFlags } from '../../../src/model/flags.ts';
import type { Verdict } from '../_shared.ts';

/** The --etcd-servers endpoints that are plain HTTP: traffic to etcd there is neither encrypted nor authenticated by certificates. */
export function plaintextEtcdServers(flags: ComponentFlags): string[] {
  return (flags.list('etcd-servers') ?? []).filter((s) => s.toLowerCase().startsWith('http://'));
}

/** A verdict for plain-HTTP etcd endpoints (message `plaintext` with {{servers}}), or undefined when all use TLS or a socket. */
export function plaintextVerdict(flags: ComponentFlags): Verdict | undefined {
  const plain = plaintextEtcdServers(flags);
  if (plain.length === 0) return undefined;
  return { status: 'fail', messageId: 'plaintext', flag: 'etcd-servers', data: { servers: plain.join(', ') }, observed: plain, expected: 'https:// endpoints' };
}
