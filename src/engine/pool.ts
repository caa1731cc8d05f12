/**
 * One copy of each equal string: returns the first instance seen of a string equal to `s`.
 * Findings are kept until their reports are written, and JSON.parse or a template gives every
 * finding its own copy of text many of them share (messages, paths, control ids). Strings are
 * values, so sharing them changes nothing but memory.
 */
export function stringPool(): <T extends string | undefined>(s: T) => T {
  const seen = new Map<string, string>();
  return <T extends string | undefined>(s: T): T => {
    if (typeof s !== 'string') return s;
    const hit = seen.get(s);
    if (hit !== undefined) return hit as T;
    seen.set(s, s);
    return s;
  };
}
