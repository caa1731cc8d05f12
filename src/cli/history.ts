/**
 * `scan --history <dir>`: what the in-cluster CronJob runs. Each scan is kept
 * in a directory of its own named by its start time (`2026-05-01T02-00-00.123Z/`
 * holding report.html, report.md.gz, report.summary.md and scan.json.gz:
 * RUN_FILES), compared with
 * the newest earlier run in the same place, and only the newest `--keep` runs
 * are kept.
 *
 * The JSON and the Markdown are gzipped: at 10,000 Pods they are 130 and 60 MB
 * as text and 6 and 2 MB compressed, and ten runs must fit the CronJob's volume.
 * The HTML report compresses its own findings (see report/html.ts) and still
 * opens from the volume in a browser as it is.
 *
 * A run is written into a hidden `.partial` directory and renamed when
 * complete, so an interrupted run is never taken as the next baseline; only
 * directories named like runs are ever pruned.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.ts';
import { makeDirectories } from './output.ts';

/** The files of one run. Runs written before the JSON was compressed hold `scan.json`, which is still read. */
export const RUN_FILES = { json: 'scan.json.gz', html: 'report.html', md: 'report.md.gz', summary: 'report.summary.md' } as const;

const RUN = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z(-\d+)?$/;

/** Check (and create) the history directory before the scan starts. */
export function prepareHistory(dir: string): void {
  try {
    makeDirectories(dir);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(e.code === 'ENOTDIR' && existsSync(dir) ? `--history ${dir}: not a directory` : `--history ${dir}: cannot create the directory: ${e.message}`);
  }
  // Each run is written into a directory of its own: check now that one can be made, not after the scan.
  const probe = join(dir, `.probe.${process.pid}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
  } catch (err) {
    throw new UsageError(`--history ${dir}: cannot write in the directory: ${(err as Error).message}`);
  }
}

/**
 * Completed runs in the directory, oldest first. A run dated more than ten minutes after `now` was written by a
 * clock set ahead: by name it would stay the newest run for good — every later run's baseline, and never pruned —
 * so it counts as older than every other run.
 */
export function listRuns(dir: string, now = Date.now()): string[] {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && RUN.test(e.name))
    .map((e) => e.name)
    .sort(byRunName);
  const ahead = (name: string) => Date.parse(startOf(name)) > now + FUTURE_MS;
  return [...names.filter(ahead), ...names.filter((n) => !ahead(n))];
}

const FUTURE_MS = 10 * 60 * 1000;

/** Run names sort by time; same-millisecond suffixes (`-2`) after the plain name. */
function byRunName(a: string, b: string): number {
  const [ta, sa] = splitRun(a);
  const [tb, sb] = splitRun(b);
  return ta < tb ? -1 : ta > tb ? 1 : sa - sb;
}

function splitRun(name: string): [string, number] {
  const m = /^(.*Z)(?:-(\d+))?$/.exec(name)!;
  return [m[1]!, m[2] ? Number(m[2]) : 0];
}

/** The scan.json of the newest completed run, if any. */
export function latestScan(dir: string): string | undefined {
  return scansNewestFirst(dir)[0];
}

/** The scan.json of every completed run, newest first. */
export function scansNewestFirst(dir: string): string[] {
  const out: string[] = [];
  const runs = listRuns(dir);
  for (let i = runs.length - 1; i >= 0; i--) {
    const file = [RUN_FILES.json, 'scan.json'].map((f) => join(dir, runs[i]!, f)).find((f) => existsSync(f));
    if (file) out.push(file);
  }
  return out;
}

/** When the run whose scan.json is `file` started, from its directory's name (runName's inverse). */
export function runStartedAt(file: string): string {
  return startOf(basename(dirname(file)));
}

/** A run's start time (ISO 8601) from its name. */
function startOf(name: string): string {
  const [time] = splitRun(name);
  return time.replace(/T(\d\d)-(\d\d)-/, 'T$1:$2:');
}

/** A fresh run directory name for a scan started at `startedAt` (ISO 8601). */
export function runName(dir: string, startedAt: string): string {
  const base = startedAt.replace(/:/g, '-');
  if (!RUN.test(base)) throw new Error(`unexpected start time ${startedAt}`);
  let name = base;
  for (let n = 2; existsSync(join(dir, name)) || existsSync(join(dir, `.${name}.partial`)); n++) name = `${base}-${n}`;
  return name;
}

/**
 * Write one run: `write(partialDir)` fills a hidden directory that is then
 * renamed into place. The oldest runs beyond `keep` are removed, as logrotate
 * rotates: first down to `keep - 1` to make room (the newest run, the baseline,
 * stays until the new one is in place), so that the volume never has to hold
 * more than `keep` runs, and a full volume does not fail every run after it;
 * then to `keep`. Returns the run's directory and the runs removed.
 */
export function writeRun(dir: string, name: string, keep: number, write: (into: string) => void): { path: string; pruned: string[]; full?: boolean } {
  const partial = join(dir, `.${name}.partial`);
  const final = join(dir, name);
  const pruned = prune(dir, Math.max(1, keep - 1));
  const attempt = () => {
    try {
      mkdirSync(partial);
      write(partial);
      renameSync(partial, final);
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      throw err;
    }
  };
  let full = false;
  try {
    try {
      attempt();
    } catch (err) {
      // A volume that holds fewer than --keep runs fills up before pruning makes room, and would fail every run
      // from then on: keep only the newest run (the baseline) and try once more.
      if (!isFull(err) || listRuns(dir).length <= 1) throw err;
      pruned.push(...prune(dir, 1));
      full = true;
      attempt();
    }
  } catch (err) {
    // By now at most the newest earlier run is left, which every --keep keeps while a run is written: only more room helps.
    const why = !isFull(err) ? '' : listRuns(dir).length === 0 ? ' (the volume cannot hold one run: give it more room)' : ' (the volume is full with only the newest earlier run kept, the baseline: give it room for two runs)';
    throw err instanceof UsageError ? new UsageError(`${err.message}${why}`, { cause: err }) : new UsageError(`--history ${dir}: cannot write ${final}: ${(err as Error).message}${why}`);
  }
  pruned.push(...prune(dir, keep));
  // Left-overs of runs killed mid-write, once they are clearly not being written any more.
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const m = /^\.(.+)\.partial$/.exec(e.name);
    if (!e.isDirectory() || !m || !RUN.test(m[1]!)) continue;
    const p = join(dir, e.name);
    if (Date.now() - statSync(p).mtimeMs > STALE_PARTIAL_MS) {
      rmSync(p, { recursive: true, force: true });
      pruned.push(e.name);
    }
  }
  return full ? { path: final, pruned, full } : { path: final, pruned };
}

/** Out of space or quota, however deep the cause. */
function isFull(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) if (e.code === 'ENOSPC' || e.code === 'EDQUOT') return true;
  return false;
}

const STALE_PARTIAL_MS = 60 * 60 * 1000;

/** Remove the oldest runs until `keep` are left; returns their names. */
function prune(dir: string, keep: number): string[] {
  const runs = listRuns(dir);
  const old = runs.slice(0, Math.max(0, runs.length - keep));
  for (const run of old) rmSync(join(dir, run), { recursive: true, force: true });
  return old;
}
