/** mulberry32: a small, fast, seedable PRNG, so every generated test case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Helpers the oracle generators share, on top of one seeded stream. */
export function seeded(seed: number) {
  const next = prng(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  /** Between min and max distinct items of the list, in random order. */
  const some = <T>(list: readonly T[], min: number, max: number): T[] => {
    const n = min + int(max - min + 1);
    const pool = [...list];
    const out: T[] = [];
    while (out.length < n && pool.length > 0) out.push(pool.splice(int(pool.length), 1)[0]!);
    return out;
  };
  return { next, int, pick, some, chance: (p: number) => next() < p };
}
