/**
 * IPv4/IPv6 addresses and CIDRs as the NetworkPolicy API reads them, for the
 * few questions the network controls ask: does a block cover every address,
 * does it contain an address, does an `except` cover that address.
 *
 * IPv4 and IPv6 are separate spaces: `::/0` does not contain 169.254.169.254
 * (an IPv4 packet never matches an IPv6 rule), unlike node:net's BlockList,
 * which maps every IPv4 address into IPv6. The one exception is a block
 * written in the IPv4-mapped range (`::ffff:a.b.c.d/96+n`): Go's net.IPNet,
 * which the API server and Go-based network plugins parse CIDRs with, reads it
 * as the IPv4 block `a.b.c.d/n`, and so does this module.
 */

export type IpFamily = 4 | 6;

export interface Ip {
  family: IpFamily;
  value: bigint;
}

export interface Cidr {
  family: IpFamily;
  /** The network address (host bits cleared). */
  network: bigint;
  prefix: number;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    // The API server parses "sloppily": leading zeros are accepted as decimal.
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  if (s.includes('%')) return undefined; // zones have no place in a CIDR
  let head = s;
  let tailV4: bigint | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.') && lastColon >= 0) {
    tailV4 = parseV4(s.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const group = (h: string) => (h === '' ? [] : h.split(':'));
  const left = group(halves[0]!);
  const right = halves.length === 2 ? group(halves[1]!) : [];
  const groups = halves.length === 2 ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  if (groups.length !== 8 || (halves.length === 2 && left.length + right.length > 7)) return undefined;
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) v = (v & ~0xffffffffn) | tailV4;
  return v;
}

export function parseIp(s: string): Ip | undefined {
  const t = s.trim();
  if (t.includes(':')) {
    const v = parseV6(t);
    return v === undefined ? undefined : { family: 6, value: v };
  }
  const v = parseV4(t);
  return v === undefined ? undefined : { family: 4, value: v };
}

export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(s.slice(0, slash));
  const prefixText = s.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const bits = BITS[ip.family];
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  return { family: ip.family, network: (ip.value >> hostBits) << hostBits, prefix };
}

const V4_MAPPED = 0xffffn << 32n;

/** The IPv4 block a CIDR in the IPv4-mapped IPv6 range stands for, as Go reads it. */
function asV4(cidr: Cidr): Cidr | undefined {
  if (cidr.family !== 6 || cidr.prefix < 96 || cidr.network >> 32n !== 0xffffn) return undefined;
  return { family: 4, network: cidr.network - V4_MAPPED, prefix: cidr.prefix - 96 };
}

export function cidrContains(cidr: Cidr, ip: Ip): boolean {
  if (cidr.family !== ip.family) {
    const v4 = ip.family === 4 ? asV4(cidr) : undefined;
    return v4 ? cidrContains(v4, ip) : false;
  }
  const hostBits = BigInt(BITS[cidr.family] - cidr.prefix);
  return ip.value >> hostBits === cidr.network >> hostBits;
}

/**
 * A block of every address of a family: `0.0.0.0/0`, `::/0`, or
 * `::ffff:0.0.0.0/96` (every IPv4 address, as Go reads it).
 */
export function isWholeSpace(cidr: Cidr): boolean {
  return cidr.prefix === 0 || asV4(cidr)?.prefix === 0;
}

/** An ipBlock as the API reads it: a CIDR, minus the CIDRs of `except`. */
export interface Block {
  cidr: string;
  except: readonly string[];
}

/** The first and last address of a CIDR, in the family it stands for (an IPv4-mapped block is IPv4, as Go reads it). */
function rangeOf(cidr: Cidr): { family: IpFamily; lo: bigint; hi: bigint } {
  const c = asV4(cidr) ?? cidr;
  const size = 1n << BigInt(BITS[c.family] - c.prefix);
  return { family: c.family, lo: c.network, hi: c.network + size - 1n };
}

/**
 * The address families whose every address the blocks admit together: peers of a rule are ORed, so
 * `0.0.0.0/1` and `128.0.0.0/1` admit every IPv4 address as `0.0.0.0/0` does; an `except` takes out what it
 * names from its own block only. Blocks that do not parse admit nothing.
 */
export function wholeSpaceFamilies(blocks: readonly Block[]): Set<IpFamily> {
  const ranges: Record<IpFamily, [bigint, bigint][]> = { 4: [], 6: [] };
  for (const b of blocks) {
    const c = parseCidr(b.cidr);
    if (!c) continue;
    const r = rangeOf(c);
    let pieces: [bigint, bigint][] = [[r.lo, r.hi]];
    for (const e of b.except) {
      const x = parseCidr(e);
      if (!x) continue;
      const cut = rangeOf(x);
      if (cut.family !== r.family) continue;
      pieces = pieces.flatMap(([lo, hi]): [bigint, bigint][] => {
        if (cut.hi < lo || cut.lo > hi) return [[lo, hi]];
        const out: [bigint, bigint][] = [];
        if (cut.lo > lo) out.push([lo, cut.lo - 1n]);
        if (cut.hi < hi) out.push([cut.hi + 1n, hi]);
        return out;
      });
    }
    ranges[r.family].push(...pieces);
  }
  const out = new Set<IpFamily>();
  for (const family of [4, 6] as const) {
    const sorted = ranges[family].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let next = 0n; // the first address not yet covered
    for (const [lo, hi] of sorted) {
      if (lo > next) break;
      if (hi + 1n > next) next = hi + 1n;
    }
    if (next === 1n << BigInt(BITS[family])) out.add(family);
  }
  return out;
}
