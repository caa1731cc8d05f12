import type { KindKey } from '../collect/kinds.ts';
import { PendingDataError, type Snapshot } from '../model/snapshot.ts';
import { WHO_CAN_PROVIDER } from '../model/rbac.ts';
import { networkIsolation } from '../model/network.ts';
import { PSA_POSTURE_PROVIDER } from '../model/psa-posture.ts';
import { NODE_INVENTORY_PROVIDER } from '../model/managed.ts';

/**
 * Insights: analyses a report shows beside the findings (who can do what, the
 * network isolation of each namespace, the PSA posture of each namespace).
 * They are pure functions of the snapshot, like controls, and land in
 * ScanResult.insights so that renderers never compute anything.
 *
 * Each area adds its own provider to INSIGHT_PROVIDERS and its own slot to
 * `Insights` (typed in that area's model file).
 */
export interface Insights {
  [key: string]: unknown;
}

export interface InsightProvider {
  key: string;
  /** Kinds the analysis needs; it is skipped (and says so) when any is unreadable. */
  reads: readonly KindKey[];
  compute(snapshot: Snapshot): unknown;
}

export const INSIGHT_PROVIDERS: InsightProvider[] = [WHO_CAN_PROVIDER, networkIsolation, PSA_POSTURE_PROVIDER, NODE_INVENTORY_PROVIDER];

export interface InsightsOutput {
  insights: Insights;
  /** Providers that could not run, with the reason. */
  skipped: { key: string; reason: string }[];
}

/**
 * Compute one insight on a snapshot taken mid-collection (SnapshotInput.pending), as
 * runEarly does for controls: `undefined` when it needed something still being
 * collected (it is computed again at the end), else its outcome, the same as on the
 * finished snapshot.
 */
export function computeInsightEarly(snapshot: Snapshot, provider: InsightProvider): { value: unknown } | { skipped: string } | undefined {
  try {
    const out = computeInsights(snapshot, [provider]);
    return provider.key in out.insights ? { value: out.insights[provider.key] } : { skipped: out.skipped[0]!.reason };
  } catch (err) {
    if (err instanceof PendingDataError) return undefined;
    throw err;
  }
}

export function computeInsights(
  snapshot: Snapshot,
  providers: readonly InsightProvider[] = INSIGHT_PROVIDERS,
  /** Outcomes computed early (computeInsightEarly), by provider key; these providers are not run again. */
  early?: ReadonlyMap<string, { value: unknown } | { skipped: string }>,
): InsightsOutput {
  const insights: Insights = {};
  const skipped: { key: string; reason: string }[] = [];
  for (const p of providers) {
    const done = early?.get(p.key);
    if (done) {
      if ('value' in done) insights[p.key] = done.value;
      else skipped.push({ key: p.key, reason: done.skipped });
      continue;
    }
    const missing = p.reads.filter((k) => !['ok', 'not-found', 'static'].includes(snapshot.collection[k].state));
    if (missing.length) {
      skipped.push({ key: p.key, reason: `could not read ${missing.join(', ')}` });
      continue;
    }
    insights[p.key] = p.compute(snapshot);
  }
  return { insights, skipped };
}
