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
