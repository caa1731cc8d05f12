/**
 * What `scan` does around the scan itself: static mode (`-f`), waivers
 * (`--waivers`, the defaults), the baseline (`--baseline`), the history
 * directory of the in-cluster CronJob (`--history`, `--keep`) and the exit
 * code for new findings (`--fail-on-new`). Every flag is checked before the
 * cluster (or any file given with -f) is read; the domain work is the
 * engine's (waivers.ts, diff.ts) — this is wiring and I/O.
 */
import { oneLine } from '../report/escape.ts';
import { join } from 'node:path';
import { decodeManifest, snapshotFromFiles, sourcesOf } from '../collect/manifests.ts';
import { applyBaseline, comparisonCounts, diffLine, otherCluster } from '../engine/diff.ts';
import type { ScanResult } from '../engine/result.ts';
import type { Control, ControlOptions } from '../engine/types.ts';
import { applyWaivers, defaultWaivers, loadWaivers, type Waiver } from '../engine/waivers.ts';
import { UsageError } from '../errors.ts';
import { renderChunks } from '../report/index.ts';
import { summaryLine } from '../report/table.ts';
import { evaluateSnapshot } from '../scan.ts';
import { prepareHistory, runStartedAt, scansNewestFirst, RUN_FILES, runName, writeRun } from './history.ts';
import { writeOutput } from './output.ts';
import { readBaseline, type BaselineScan } from './scan-file.ts';
import { SCHEMA_VERSION } from '../engine/result.ts';

export interface WorkflowFlags {
  filename?: string[];
  waivers?: string;
  /** False with --no-default-waivers. */
  defaultWaivers?: boolean;
  baseline?: string;
  failOnNew?: boolean;
  history?: string;
  keep?: number;
  /** --include-passes: list every passing result; without it they are counted per control and namespace. */
  includePasses?: boolean;
  // Flags of `scan` that static mode and --history constrain.
  kubeconfig?: string;
  context?: string;
  kubelet?: boolean;
  disableCompression?: boolean;
  format?: string[];
  output?: string;
  namespace?: string[];
  excludeNamespace?: string[];
}

export interface WorkflowIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin?: NodeJS.ReadableStream;
}

export const DEFAULT_KEEP = 10;

export interface Workflow {
  /** Static mode: the paths given with -f. */
  files?: string[];
  /** Evaluate the manifests (static mode only). */
  scanFiles(controls: readonly Control[], controlOptions: ControlOptions): ScanResult;
  /** Waivers, then the baseline: the result every output is rendered from. */
  finish(result: ScanResult): ScanResult;
  /** With --history: write the run, prune old ones, print the summary line on stdout. */
  record(result: ScanResult): void;
}

/** Validate the flags and read every input that is not the cluster: waivers, baseline, history, manifests from stdin. */
export async function prepareWorkflow(flags: WorkflowFlags, io: WorkflowIo): Promise<Workflow> {
  const files = flags.filename?.length ? flags.filename : undefined;
  if (files) {
    for (const [flag, given] of [
      ['--kubeconfig', flags.kubeconfig],
      ['--context', flags.context],
      ['--kubelet', flags.kubelet],
      ['--disable-compression', flags.disableCompression],
    ] as const) {
      if (given) throw new UsageError(`${flag} reads a live cluster; it cannot be combined with -f (a static scan of manifests)`);
    }
    if (files.filter((f) => f === '-').length > 1) throw new UsageError('-f - (standard input) can be given once');
  }
  if (flags.keep !== undefined && !flags.history) throw new UsageError('--keep needs --history');
  if (flags.history) {
    if (flags.output || flags.format?.length) throw new UsageError('--history writes report.html, report.md.gz, report.summary.md and scan.json.gz itself; leave out -o and --format');
    if (flags.baseline) throw new UsageError('--history compares with the previous scan in its directory; leave out --baseline');
  }
  if (flags.failOnNew && !flags.baseline && !flags.history) throw new UsageError('--fail-on-new needs --baseline <scan.json> or --history <dir>');

  const waivers: Waiver[] = [...(flags.waivers ? loadWaivers(flags.waivers) : []), ...(flags.defaultWaivers === false ? [] : defaultWaivers())];

  // Only the findings of the earlier scan, compacted (readBaseline): a --history run holds it while it scans.
  let baseline: { result: BaselineScan; file: string } | undefined;
  if (flags.baseline) baseline = { result: readBaseline(flags.baseline), file: flags.baseline };
  if (flags.history) {
    prepareHistory(flags.history);
    // The newest earlier run that can be read. A damaged one must not stop every later run: it is skipped, with a
    // warning; when none can be read, the comparison is with nothing, so every finding counts as new.
    const earlier = scansNewestFirst(flags.history);
    for (const previous of earlier) {
      try {
        baseline = { result: readBaseline(previous), file: previous };
        break;
      } catch (err) {
        io.stderr.write(`k8s-audit: warning: the earlier scan ${oneLine(previous)} cannot be used as a baseline (${oneLine((err as Error).message)}); trying the one before\n`);
      }
    }
    if (earlier.length > 0 && !baseline) {
      io.stderr.write('k8s-audit: warning: no earlier scan in the history can be read; every finding counts as new\n');
      baseline = { result: { schemaVersion: SCHEMA_VERSION, scan: { startedAt: runStartedAt(earlier[0]!) }, results: [] }, file: earlier[0]! };
    }
  }

  const stdin = files?.includes('-') ? await readAll(io.stdin ?? process.stdin) : undefined;

  return {
    ...(files ? { files } : {}),
    scanFiles(controls, controlOptions) {
      if (!files) throw new Error('scanFiles without -f');
      const startedAt = new Date();
      const t0 = performance.now();
      const snapshot = snapshotFromFiles(files, {
        ...(stdin !== undefined ? { stdin } : {}),
        ...(flags.namespace?.length ? { namespaces: flags.namespace } : {}),
        ...(flags.excludeNamespace?.length ? { excludeNamespaces: flags.excludeNamespace } : {}),
        warn: (line) => io.stderr.write(`k8s-audit: warning: ${oneLine(line)}\n`),
      });
      const result = evaluateSnapshot(
        snapshot,
        {
          controls,
          controlOptions,
          passes: flags.includePasses ? 'list' : 'count',
          ...(flags.namespace?.length ? { namespaces: flags.namespace } : {}),
          ...(flags.excludeNamespace?.length ? { excludeNamespaces: flags.excludeNamespace } : {}),
        },
        startedAt,
        performance.now() - t0,
      );
      result.scan.files = files;
      const sources = sourcesOf(snapshot);
      if (Object.keys(sources).length) result.scan.sources = sources;
      return result;
    },
    finish(result) {
      let out = applyWaivers(result, waivers, new Date(result.scan.startedAt));
      if (baseline) {
        const elsewhere = otherCluster(baseline.result, out);
        if (elsewhere) io.stderr.write(`k8s-audit: warning: ${oneLine(baseline.file)}: ${oneLine(elsewhere)}\n`);
        out = applyBaseline(out, baseline.result, baseline.file);
      }
      return out;
    },
    record(result) {
      const dir = flags.history;
      if (!dir) return;
      const name = runName(dir, result.scan.startedAt);
      const { path, full } = writeRun(dir, name, flags.keep ?? DEFAULT_KEEP, (into) => {
        // scan.json first: the HTML and Markdown reports share one view of the findings (buildView), built for the
        // first and kept for the second, and the JSON needs none, so it is not written while that view is held.
        writeOutput(join(into, RUN_FILES.json), renderChunks(result, 'json'));
        writeOutput(join(into, RUN_FILES.summary), renderChunks(result, 'summary')); // a few KB: the run at a glance, uncompressed
        writeOutput(join(into, RUN_FILES.html), renderChunks(result, 'html'));
        writeOutput(join(into, RUN_FILES.md), renderChunks(result, 'md'));
      });
      if (full) io.stderr.write(`k8s-audit: warning: --history ${oneLine(dir)}: the volume filled up before --keep runs; only the newest earlier run was kept to make room: give it more room or lower --keep\n`);
      const compared = result.baseline ? diffLine(comparisonCounts(result.baseline)) : 'no earlier scan to compare with';
      io.stdout.write(`k8s-audit ${result.scan.startedAt}: ${summaryLine(result)}; ${compared}; wrote ${path}\n`);
    },
  };
}

/** The most standard input `scan -f -` reads: below the longest string Node.js can make (0x1fffffe8 characters). */
const STDIN_MAX_BYTES = 512_000_000;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    const chunk = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    size += chunk.length;
    // Stop reading at once: leaving the loop destroys the stream.
    if (size > STDIN_MAX_BYTES) throw new UsageError('standard input holds more than 512 MB, more than k8s-audit reads: split the manifests into files and give them (or their directory) to -f');
    chunks.push(chunk);
  }
  return decodeManifest(Buffer.concat(chunks));
}

/** `--keep`: how many runs --history keeps. */
export function parseKeep(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError(`--keep must be an integer from 1 to 1000, got "${v}"`);
  return n;
}
