import { collect, type ProgressEvent } from './collect/cluster.ts';
import { collectExtras, type ExtrasOptions, type SnapshotExtras } from './collect/extras.ts';
import type { Target } from './collect/kubeconfig.ts';
import { SCHEMA_VERSION, type ScanResult } from './engine/result.ts';
import { kindsRead } from './engine/registry.ts';
import { evaluate, runEarly, type ControlRun, type PassMode } from './engine/run.ts';
import { INSIGHT_PROVIDERS, computeInsightEarly, computeInsights } from './engine/insights.ts';
import type { Control, ControlOptions } from './engine/types.ts';
import type { K8sObject } from './model/k8s.ts';
import { Snapshot, type KindCollection, type ServerVersion, type SnapshotInput } from './model/snapshot.ts';
import { KIND_KEYS, type KindKey } from './collect/kinds.ts';
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
  /**
   * Evaluate what can be evaluated while the last list is still being read (EarlyEvaluation
   * below; the result is the same either way). Default true; false runs every control after
   * collection, as tests of the equivalence do.
   */
  overlap?: boolean;
  /** Called with the finished snapshot before it is evaluated (tests compare against a plain evaluation of it). */
  onSnapshot?: (snapshot: Snapshot) => void;
}

/** Collect from a live cluster and evaluate: the whole scan, minus rendering. */
export async function scanCluster(target: Target, opts: ScanOptions): Promise<ScanResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const kinds = kindsRead(opts.controls);
  const early = new EarlyEvaluation(opts, kinds, !!opts.extras);
  // The extra reads run beside the lists, as soon as the nodes they probe are known.
  let extras: Promise<SnapshotExtras> | undefined;
  const startExtras = (nodes: string[]) => {
    if (!opts.extras || extras) return;
    extras = collectExtras(target, { ...opts.extras, nodes, ...(opts.concurrency ? { concurrency: opts.concurrency } : {}) });
    extras.then((e) => early.extrasDone(e)).catch(() => {}); // a failure surfaces where `extras` is awaited below
  };
  let collected;
  try {
    collected = await collect(target, {
      kinds,
      ...(opts.namespaces?.length ? { namespaces: opts.namespaces } : {}),
      ...(opts.excludeNamespaces?.length ? { excludeNamespaces: opts.excludeNamespaces } : {}),
      ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      onConnected: (serverVersion) => {
        early.connected(serverVersion);
        // Only once the server has answered: an unreachable one is reported without extra requests in flight.
        if (!kinds.includes('nodes')) startExtras([]);
      },
      onKind: (kind, objects, collection) => {
        if (kind === 'nodes') startExtras((objects ?? []).map((n) => n.metadata.name));
        early.kindDone(kind, objects, collection);
      },
    });
  } finally {
    early.stop();
  }
  let snapshot = collected.snapshot;
  if (opts.extras) {
    startExtras(snapshot.list('nodes').map((n) => n.metadata.name));
    snapshot = snapshot.withExtras(await extras!);
  }
  const collectMs = performance.now() - t0;
  opts.onSnapshot?.(snapshot);
  const result = evaluateSnapshot(snapshot, opts, startedAt, collectMs, early.outcome());
  result.scan.server = target.server;
  if (target.context) result.scan.context = target.context;
  if (target.cluster) result.scan.cluster = target.cluster;
  if (collected.identity) result.scan.identity = collected.identity;
  result.scan.durationMs = Math.round(performance.now() - t0);
  return result;
}

/** Controls and insights already evaluated while the lists were still being read. */
interface EarlyOutcome {
  controls: ReadonlyMap<Control, ControlRun>;
  insights: ReadonlyMap<string, { value: unknown } | { skipped: string }>;
  /** Time spent evaluating them (inside the collection's wall time). */
  ms: number;
}

/**
 * Evaluation overlapped with collection. Listing a large cluster is mostly waiting for
 * the last pages of its longest list (Pods: read page after page); the other kinds are
 * done long before. Once every kind but one is in, the controls and insights that
 * read only what is in (the extra reads included, if they are) run one at a time in
 * the event loop's idle turns, on a snapshot whose unfinished kind throws when touched
 * (SnapshotInput.pending). A control that touches it anyway — through a model helper,
 * say — is simply run again on the finished snapshot (runEarly); one that does not
 * saw exactly the data it will see at the end, so its results are the ones it would
 * give then. The outcome is the same scan, sooner.
 */
class EarlyEvaluation {
  readonly #opts: ScanOptions;
  readonly #pending: Set<KindKey>;
  readonly #objects: Partial<Record<KindKey, K8sObject[]>> = {};
  readonly #collection: Partial<Record<KindKey, KindCollection>> = {};
  readonly #controls = new Map<Control, ControlRun>();
  readonly #insights = new Map<string, { value: unknown } | { skipped: string }>();
  #serverVersion: ServerVersion | undefined;
  #extrasPending: boolean;
  #extras: SnapshotExtras | undefined;
  #queue: (() => void)[] | undefined;
  #stopped = false;
  #ms = 0;

  constructor(opts: ScanOptions, kinds: readonly KindKey[], extras: boolean) {
    this.#opts = opts;
    this.#pending = new Set(kinds);
    this.#extrasPending = extras;
  }

  connected(serverVersion: ServerVersion | undefined): void {
    this.#serverVersion = serverVersion;
  }

  kindDone(kind: KindKey, objects: readonly K8sObject[] | undefined, collection: KindCollection): void {
    this.#pending.delete(kind);
    if (objects) this.#objects[kind] = objects as K8sObject[];
    this.#collection[kind] = collection;
    this.#maybeStart();
  }

  extrasDone(extras: SnapshotExtras): void {
    this.#extrasPending = false;
    this.#extras = extras;
  }

  stop(): void {
    this.#stopped = true;
    this.#queue = []; // what is left runs at the end; let the mid-collection snapshot go
  }

  outcome(): EarlyOutcome {
    return { controls: this.#controls, insights: this.#insights, ms: Math.round(this.#ms) };
  }

  /** Once, when a single kind is left: queue what can run without it (and without the extra reads, if they are not in yet). */
  #maybeStart(): void {
    if (this.#queue || this.#stopped || this.#opts.overlap === false || this.#pending.size !== 1) return;
    const pending = [...this.#pending];
    const input: SnapshotInput = { source: 'cluster', objects: this.#objects, collection: this.#collection, pending: { kinds: pending, extras: this.#extrasPending } };
    if (this.#serverVersion) input.serverVersion = this.#serverVersion;
    if (this.#opts.namespaces?.length) input.namespaces = this.#opts.namespaces;
    if (this.#opts.excludeNamespaces?.length) input.excludedNamespaces = this.#opts.excludeNamespaces;
    if (this.#extras) input.extras = this.#extras;
    const snapshot = new Snapshot(input);
    const options = this.#opts.controlOptions ?? {};
    const mode = this.#opts.passes ?? 'list';
    const read = new Set(kindsRead(this.#opts.controls));
    this.#queue = [];
    for (const control of this.#opts.controls) {
      if (control.reads.some((k) => this.#pending.has(k))) continue;
      this.#queue.push(() => {
        const run = runEarly(control, snapshot, options, mode);
        if (run) this.#controls.set(control, run);
      });
    }
    for (const provider of enabledInsights(read)) {
      if (provider.reads.some((k) => this.#pending.has(k))) continue;
      this.#queue.push(() => {
        const out = computeInsightEarly(snapshot, provider);
        if (out) this.#insights.set(provider.key, out);
      });
    }
    setImmediate(() => this.#step());
  }

  /** One control or insight per turn of the event loop, so that arriving pages are read in between. */
  #step(): void {
    const next = this.#queue?.shift();
    if (!next || this.#stopped) return;
    const t = performance.now();
    next();
    this.#ms += performance.now() - t;
    setImmediate(() => this.#step());
  }
}

function enabledInsights(read: ReadonlySet<KindKey>) {
  // Insights run only over kinds the enabled controls already read: no extra listing.
  return INSIGHT_PROVIDERS.filter((p) => p.reads.every((k) => read.has(k)));
}

/** Evaluate a snapshot (from a cluster or from manifests) into a ScanResult. */
export function evaluateSnapshot(snapshot: Snapshot, opts: ScanOptions, startedAt = new Date(), collectMs = 0, early?: EarlyOutcome): ScanResult {
  const t1 = performance.now();
  const evaluation = evaluate(snapshot, opts.controls, opts.controlOptions ?? {}, { passes: opts.passes ?? 'list', ...(early ? { early: early.controls } : {}) });
  const read = new Set(kindsRead(opts.controls));
  const insights = computeInsights(snapshot, enabledInsights(read), early?.insights);
  const evaluateMs = performance.now() - t1;
  const result: ScanResult = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: TOOL.name, version: TOOL.version },
    scan: {
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(collectMs + evaluateMs),
      timings: { collectMs: Math.round(collectMs), evaluateMs: Math.round(evaluateMs), ...(early ? { earlyEvaluateMs: early.ms } : {}) },
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
