import { CONTROLS } from '../../checks/index.ts';
import type { KindKey } from '../collect/kinds.ts';
import { UsageError } from '../errors.ts';
import type { Control } from './types.ts';

const byId = new Map(CONTROLS.map((c) => [c.meta.id, c]));

export function allControls(): readonly Control[] {
  return CONTROLS;
}

export function getControl(id: string): Control {
  const c = byId.get(id);
  if (!c) throw new UsageError(unknownIdMessage(id));
  return c;
}

function unknownIdMessage(id: string): string {
  const near = [...byId.keys()]
    .map((k) => [k, distance(id, k)] as const)
    .sort((a, b) => a[1] - b[1])
    .filter(([, d]) => d <= Math.max(2, Math.floor(id.length / 3)))
    .slice(0, 3)
    .map(([k]) => k);
  return `unknown control id "${id}"${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; \`k8s-audit controls\` lists them`;
}

/** Controls selected by `--controls` and `--skip-controls`; every id must exist. */
export function selectControls(include?: string[], skip?: string[]): Control[] {
  for (const id of [...(include ?? []), ...(skip ?? [])]) getControl(id);
  const skipSet = new Set(skip ?? []);
  const base = include && include.length > 0 ? include.map(getControl) : [...CONTROLS];
  return base.filter((c) => !skipSet.has(c.meta.id));
}

/** The kinds a set of controls reads: what the collector lists. */
export function kindsRead(controls: readonly Control[]): KindKey[] {
  return [...new Set(controls.flatMap((c) => c.reads))].sort();
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}
