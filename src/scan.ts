import { collect, type ProgressEvent } from './collect/cluster.ts';
import { collectExtras, type ExtrasOptions } from './collect/extras.ts';
import type { Target } from './collect/kubeconfig.ts';
import { SCHEMA_VERSION, type ScanResult } from './engine/result.ts';
import { kindsRead } from './engine/registry.ts';
import { evaluate, type PassMode } from './engine/run.ts';
import { INSIGHT_PROVIDERS, computeInsights } from './engine/insights.ts';
import type { Control, ControlOptions } from './engine/types.ts';
import type { Snapshot } from './model/snapshot.ts';
import { KIND_KEYS } from './collect/kinds.ts';
import { TOOL } from './version.ts';

export interface ScanOptions {
  controls: readonly Control[];
  namespaces?: string[];
  excludeNamespaces?: string[];
  controlOptions?: ControlOptions;
  concurrency?: number;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Extra live reads after the object lists (src/collect/extras.ts): the anonymous probe, the
   * kubeconfig facts, kube-proxy's ConfigMap and, with `kubelet`, each node's /configz.
   * Absent: none are made, and the controls that need them report not-assessed.
   */
  extras?: Omit<ExtrasOptions, 'nodes'>;
  /**
   * `count`: passing results are counted per control and namespace (ScanResult.passes) instead of
   * listed one by one in ScanResult.results; the summary and control counts are the same. Default `list`.
   */
  passes?: PassMode;
}

/** Collect from a live cluster and evaluate: the whole scan, minus rendering. */
export async function scanCluster(target: Target, opts: ScanOptions): Promise<ScanResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const collected = await collect(target, {
    kinds: kindsRead(opts.controls),
    ...(opts.namespaces?.length ? { namespaces: opts.namespaces } : {}),
    ...(opts.excludeNamespaces?.length ? { excludeNamespaces: opts.excludeNamespaces } : {}),
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  let snapshot = collected.snapshot;
  if (opts.extras) {
    const nodes = snapshot.list('nodes').map((n) => n.metadata.name);
    snapshot = snapshot.withExtras(await collectExtras(target, { ...opts.extras, nodes, ...(opts.concurrency ? { concurrency: opts.concurrency } : {}) }));
  }
  const collectMs = performance.now() - t0;
  const result = evaluateSnapshot(snapshot, opts, startedAt, collectMs);
  result.scan.server = target.server;
  if (target.context) result.scan.context = target.context;
  if (target.cluster) result.scan.cluster = target.cluster;
  if (collected.identity) result.scan.identity = collected.identity;
  result.scan.durationMs = Math.round(performance.now() - t0);
  return result;
}

/** Evaluate a snapshot (from a cluster or from manifests) into a ScanResult. */
export function evaluateSnapshot(snapshot: Snapshot, opts: ScanOptions, startedAt = new Date(), collectMs = 0): ScanResult {
  const t1 = performance.now();
  const evaluation = evaluate(snapshot, opts.controls, opts.controlOptions ?? {}, { passes: opts.passes ?? 'list' });
  const read = new Set(kindsRead(opts.controls));
  // Insights run only over kinds the enabled controls already read: no extra listing.
  const insights = computeInsights(snapshot, INSIGHT_PROVIDERS.filter((p) => p.reads.every((k) => read.has(k))));
  const evaluateMs = performance.now() - t1;
  const result: ScanResult = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: TOOL.name, version: TOOL.version },
    scan: {
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(collectMs + evaluateMs),
      timings: { collectMs: Math.round(collectMs), evaluateMs: Math.round(evaluateMs) },
      source: snapshot.source,
      collection: KIND_KEYS.filter((k) => read.has(k)).map((k) => snapshot.collection[k]),
    },
    summary: evaluation.summary,
    controls: evaluation.controls,
    results: evaluation.results,
  };
  if (evaluation.passes) result.passes = evaluation.passes;
  if (Object.keys(insights.insights).length) result.insights = insights.insights;
  if (insights.skipped.length) result.insightsSkipped = insights.skipped;
  if (snapshot.serverVersion) result.scan.serverVersion = snapshot.serverVersion;
  if (opts.namespaces?.length) result.scan.namespaces = opts.namespaces;
  if (opts.excludeNamespaces?.length) result.scan.excludedNamespaces = opts.excludeNamespaces;
  return result;
}
