/**
 * `scan --history <dir>`: what the in-cluster CronJob runs. Each scan is kept
 * in a directory of its own named by its start time (`2026-05-01T02-00-00.123Z/`
 * holding report.html, report.md and scan.json), compared with the newest
 * earlier run in the same place, and only the newest `--keep` runs are kept.
 *
 * A run is written into a hidden `.partial` directory and renamed when
 * complete, so an interrupted run is never taken as the next baseline; only
 * directories named like runs are ever pruned.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';

const RUN = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z(-\d+)?$/;

/** Check (and create) the history directory before the scan starts. */
export function prepareHistory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new UsageError(`--history ${dir}: cannot create the directory: ${(err as Error).message}`);
  }
  if (!statSync(dir).isDirectory()) throw new UsageError(`--history ${dir}: not a directory`);
}

/** Completed runs in the directory, oldest first. */
export function listRuns(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && RUN.test(e.name))
    .map((e) => e.name)
    .sort(byRunName);
}

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
  const runs = listRuns(dir);
  for (let i = runs.length - 1; i >= 0; i--) {
    const f = join(dir, runs[i]!, 'scan.json');
    if (existsSync(f)) return f;
  }
  return undefined;
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
 * renamed into place; afterwards the oldest runs beyond `keep` are removed.
 * Returns the run's directory and the runs removed.
 */
export function writeRun(dir: string, name: string, keep: number, write: (into: string) => void): { path: string; pruned: string[] } {
  const partial = join(dir, `.${name}.partial`);
  const final = join(dir, name);
  try {
    mkdirSync(partial);
    write(partial);
    renameSync(partial, final);
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    throw err instanceof UsageError ? err : new UsageError(`--history ${dir}: cannot write ${final}: ${(err as Error).message}`);
  }
  const runs = listRuns(dir);
  const pruned = runs.slice(0, Math.max(0, runs.length - keep));
  for (const old of pruned) rmSync(join(dir, old), { recursive: true, force: true });
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
  return { path: final, pruned };
}

const STALE_PARTIAL_MS = 60 * 60 * 1000;
