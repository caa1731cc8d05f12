/**
 * Run `fn` with these environment variables set (undefined: unset), then put
 * back what was there, whether it resolves or throws.
 */
export function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) if (x === undefined) delete process.env[k];
      else process.env[k] = x;
  };
  set(vars);
  return fn().finally(() => set(saved));
}
