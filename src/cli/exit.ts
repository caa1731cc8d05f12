import type { ScanResult } from '../engine/result.ts';
import { SEVERITIES, type Severity } from '../engine/types.ts';
import { EXIT } from '../errors.ts';

export const FAIL_ON = [...SEVERITIES, 'none'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/**
 * The exit code of a completed scan: 1 when a failing (not waived) result is
 * at or above the threshold, else 0. `none` never fails on findings.
 */
export function exitCodeFor(result: Pick<ScanResult, 'results'>, failOn: FailOn): number {
  if (failOn === 'none') return EXIT.ok;
  const limit = SEVERITIES.indexOf(failOn);
  const hit = result.results.some((r) => r.status === 'fail' && SEVERITIES.indexOf(r.severity as Severity) <= limit);
  return hit ? EXIT.findings : EXIT.ok;
}

/**
 * `--fail-on-new`: like exitCodeFor, counting only failing results the
 * baseline did not have (`change: 'new'`). Without a threshold (`none`), any
 * new failing result counts.
 */
export function exitCodeForNew(result: Pick<ScanResult, 'results'>, failOn: FailOn): number {
  return exitCodeFor({ results: result.results.filter((r) => r.change === 'new') }, failOn === 'none' ? 'info' : failOn);
}
