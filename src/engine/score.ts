import type { Result, ScoreEntry, StatusCounts } from './result.ts';
import type { Severity } from './types.ts';

/**
 * The score, in one place.
 *
 * Every control that assessed something contributes its pass rate — passing
 * subjects over passing and failing ones — weighted by its severity:
 *
 *     score = 100 × Σ_c weight(c) × pass(c) / (pass(c) + fail(c))  /  Σ_c weight(c)
 *
 * over the controls with at least one pass or fail, rounded to one decimal.
 * Weighting per control (not per result) keeps a control with ten thousand
 * subjects from drowning out one with three. `waived`, `not-assessed` and
 * `not-applicable` results are left out: a waiver is an accepted risk, not a
 * pass, and what could not be seen is never counted as passing (the report
 * shows both next to the score). With nothing assessed the score is null ("n/a").
 *
 * The same function scores the whole scan, one area or one namespace, by being
 * given that slice of the results.
 */
export const SEVERITY_WEIGHTS: Record<Severity, number> = {
  critical: 10,
  high: 6,
  medium: 3,
  low: 1,
  info: 0,
};

export const GRADES: [min: number, grade: string][] = [
  [90, 'A'],
  [80, 'B'],
  [70, 'C'],
  [60, 'D'],
  [0, 'F'],
];

export function gradeOf(score: number | null): string {
  if (score === null) return 'n/a';
  return GRADES.find(([min]) => score >= min)![1];
}

/**
 * What score() reads: a result, or a number of results of one control with the
 * same status (`count`, default 1) — passes counted rather than listed
 * (ScanResult.passes) score exactly as that many pass results.
 */
export type ScoreInput = Pick<Result, 'controlId' | 'status' | 'severity'> & { count?: number };

export function score(
  results: Iterable<ScoreInput>,
  /** A control's own severity. A finding may carry a raised or lowered severity; the control's weight does not change with it. */
  controlSeverity?: (controlId: string) => Severity | undefined,
): ScoreEntry {
  const perControl = new Map<string, { weight: number; pass: number; fail: number }>();
  let pass = 0;
  let fail = 0;
  for (const r of results) {
    if (r.status !== 'pass' && r.status !== 'fail') continue;
    const n = r.count ?? 1;
    let c = perControl.get(r.controlId);
    if (!c) perControl.set(r.controlId, (c = { weight: SEVERITY_WEIGHTS[controlSeverity?.(r.controlId) ?? r.severity], pass: 0, fail: 0 }));
    if (r.status === 'pass') {
      c.pass += n;
      pass += n;
    } else {
      c.fail += n;
      fail += n;
    }
  }
  // Summed in control-id order, whatever order the input came in: the same digits for listed and counted passes.
  let weighted = 0;
  let total = 0;
  for (const id of [...perControl.keys()].sort(cmpId)) {
    const c = perControl.get(id)!;
    if (c.pass + c.fail === 0) continue;
    weighted += (c.weight * c.pass) / (c.pass + c.fail);
    total += c.weight;
  }
  const s = total === 0 ? null : Math.round((1000 * weighted) / total) / 10;
  return { score: s, grade: gradeOf(s), pass, fail };
}

function cmpId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function emptyCounts(): StatusCounts {
  return { pass: 0, fail: 0, waived: 0, 'not-assessed': 0, 'not-applicable': 0 };
}

/** How many controls the score is taken over: those with at least one passing or failing subject. */
export function scoredControls(controls: readonly { counts: StatusCounts }[]): number {
  return controls.filter((c) => c.counts.pass + c.counts.fail > 0).length;
}
