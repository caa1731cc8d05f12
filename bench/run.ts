// `npm run bench`: k8s-audit against the physical floor of listing the cluster.
//
// For each size (S, M, L; see bench/seed.ts) it starts the test control plane on a
// data dir kept per size (bench/.data/<size>/), seeds it the first time, waits for the
// control plane to go quiet, then measures in one run, alternating:
//   - the floor: bench/floor.ts as its own process — the same kinds listed through the
//     same HTTP stack with the same concurrency and page size, JSON.parse, nothing else;
//   - `k8s-audit scan` end to end as a child process (bin/k8s-audit.js, built by
//     `npm run build`): wall time from spawn to exit, and its own report of collect,
//     evaluate and render times and peak RSS (`--debug` prints them; maxRSS from
//     process.resourceUsage(), cross-checked by polling /proc/<pid>/status VmHWM).
// Then, once per size, what the CronJob runs (`scan --history`, twice: the first run and one
// compared with it) for its time, peak memory and the bytes a run leaves on the volume.
// Writes bench/results/<date>-<size>.json and prints a table with the ratio scan / floor.
//
//   npm run bench                          # S, M and L, 3 rounds each
//   npm run bench -- --sizes S,M --rounds 5
//   npm run bench -- --sizes M --format json,html   # what the scan renders (default json)
//   npm run bench -- --compression         # ask for gzip, as a scan does by default (both the floor and the scan)
//   npm run bench -- --reseed              # wipe the data dirs and seed again
//   npm run bench -- --sizes L --seed-only # prepare a data dir, measure nothing

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import Table from 'cli-table3';
import { allControls, kindsRead } from '../src/engine/registry.ts';
import { HarnessError, REPO_ROOT, down, up, type ClusterInfo } from '../test/cluster/harness.ts';
import { KubeClient } from '../test/cluster/kube.ts';
import { cronJobHeapMiB } from './cronjob.ts';
import type { FloorResult } from './floor.ts';
import type { TypedRun } from './typed.ts';
import { BENCH_CONTROLLERS, PLAN_VERSION, SIZES, planCounts, seed, type SizeName } from './seed.ts';

const BENCH_DIR = resolve(REPO_ROOT, 'bench');
const DATA_DIR = join(BENCH_DIR, '.data');
const RESULTS_DIR = join(BENCH_DIR, 'results');
const CLI = join(REPO_ROOT, 'bin', 'k8s-audit.js');
const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);

interface Args {
  sizes: SizeName[];
  rounds: number;
  format: string;
  reseed: boolean;
  seedOnly: boolean;
  /**
   * Whether the floor and every scan ask for gzip-compressed lists. Off by default: the API server is on the same
   * host, the case kubeconfig's `disable-compression` is for, and compressing takes its CPU from the two cores the
   * scan and the floor run on. On this machine, at M, compression made the floor's listing 0.2–0.9 s slower.
   */
  compression: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { sizes: ['S', 'M', 'L'], rounds: 3, format: 'json', reseed: false, seedOnly: false, compression: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a.startsWith('--sizes')) args.sizes = value().split(',').map((s) => s.trim().toUpperCase()) as SizeName[];
    else if (a.startsWith('--rounds')) args.rounds = Number(value());
    else if (a.startsWith('--format')) args.format = value();
    else if (a === '--reseed') args.reseed = true;
    else if (a === '--seed-only') args.seedOnly = true;
    else if (a === '--compression') args.compression = true;
    else throw new Error(`unknown argument ${a} (use --sizes S,M,L --rounds N --format json --compression --reseed --seed-only)`);
  }
  for (const s of args.sizes) if (!(s in SIZES)) throw new Error(`unknown size ${s}: use S, M or L`);
  if (!Number.isInteger(args.rounds) || args.rounds < 1) throw new Error('--rounds must be a positive integer');
  return args;
}

// ---------------------------------------------------------------------------
// Processes

interface ChildRun {
  code: number | null;
  wallMs: number;
  stdout: string;
  stderr: string;
  /** Highest VmHWM seen while polling /proc/<pid>/status (a lower bound of the true peak). */
  vmHwmMB: number;
}

function runChild(args: string[]): Promise<ChildRun> {
  return new Promise((resolveRun, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hwm = 0;
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]) / 1024);
      } catch {
        /* gone */
      }
    }, 20);
    child.on('error', (e) => {
      clearInterval(poll);
      reject(e);
    });
    child.on('exit', (code) => {
      clearInterval(poll);
      resolveRun({ code, wallMs: performance.now() - t0, stdout, stderr, vmHwmMB: Math.round(hwm) });
    });
  });
}

/** CPU seconds used so far by the given pids (utime + stime from /proc/<pid>/stat). */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* gone */
    }
  }
  return ticks / 100;
}

/** Wait until the control plane has used under 30% of a core for three seconds in a row (or 180 s passed). At L its steady state is about 20%: the API server and the controller-manager keep caches of 80,000 objects. */
async function settle(cluster: ClusterInfo): Promise<number> {
  const pids = Object.values(cluster.pids);
  const t0 = performance.now();
  let quiet = 0;
  let last = cpuSeconds(pids);
  while (quiet < 3 && performance.now() - t0 < 180_000) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuSeconds(pids);
    quiet = now - last < 0.3 ? quiet + 1 : 0;
    last = now;
  }
  return (performance.now() - t0) / 1000;
}

// ---------------------------------------------------------------------------
// Measurements

interface ScanRun {
  wallMs: number;
  collectMs: number;
  /** Evaluation after collection ended. */
  evaluateMs: number;
  /** Evaluation done while the last list was still being read (inside collectMs). */
  earlyEvaluateMs: number;
  /** Waivers and baseline comparison, between evaluation and rendering. */
  waiversMs: number;
  renderMs: number;
  /** CPU time of the scan process (user + system, all threads), from its --debug timings. */
  cpuMs: number;
  /** CPU time the API server and etcd spent while the scan ran. */
  serverCpuMs: number;
  maxRssMB: number;
  vmHwmMB: number;
  /** Results listed in the output (passes are counted, not listed, by default). */
  results: number;
  /** Size of scan.json. */
  outputMB: number;
  load1: number;
}

interface FloorRun extends FloorResult {
  wallMs: number;
  /** CPU time the API server and etcd spent while the floor ran. */
  serverCpuMs: number;
  load1: number;
}

/** `--disable-compression` for the floor and the scans unless the bench runs with --compression. */
const transport = (compression: boolean) => (compression ? [] : ['--disable-compression']);

async function runFloor(kubeconfig: string, kinds: string[], server: number[], compression: boolean): Promise<FloorRun> {
  const load1 = loadavg()[0]!;
  const cpu0 = cpuSeconds(server);
  const r = await runChild([join(BENCH_DIR, 'floor.ts'), kubeconfig, 'admin', kinds.join(','), ...transport(compression)]);
  const serverCpuMs = Math.round((cpuSeconds(server) - cpu0) * 1000);
  if (r.code !== 0) throw new Error(`floor failed (exit ${r.code}): ${r.stderr.trim()}`);
  return { ...(JSON.parse(r.stdout) as FloorResult), wallMs: Math.round(r.wallMs), serverCpuMs, load1 };
}

async function runScan(kubeconfig: string, format: string, outDir: string, server: number[], compression: boolean): Promise<ScanRun> {
  const load1 = loadavg()[0]!;
  const cpu0 = cpuSeconds(server);
  const out = join(outDir, format.includes(',') ? '' : `scan.${format === 'md' ? 'md' : format}`);
  const r = await runChild([CLI, 'scan', '--kubeconfig', kubeconfig, '--context', 'admin', '--format', format, '-o', out, '--quiet', '--debug', ...transport(compression)]);
  // Exit 0 or 1 (findings at --fail-on) are both a completed scan.
  const serverCpuMs = Math.round((cpuSeconds(server) - cpu0) * 1000);
  if (r.code !== 0 && r.code !== 1) throw new Error(`scan failed (exit ${r.code}): ${r.stderr.trim()}`);
  const m = /k8s-audit: timings (\{.*\})/.exec(r.stderr);
  if (!m) throw new Error(`scan printed no timings: ${r.stderr.trim()}`);
  const { results, earlyEvaluateMs = 0, waiversMs = 0, ...t } = JSON.parse(m[1]!) as {
    collectMs: number;
    evaluateMs: number;
    earlyEvaluateMs?: number;
    waiversMs?: number;
    renderMs: number;
    cpuMs: number;
    maxRssMB: number;
    results: number;
  };
  // At L the JSON is over 512 MB: more than one JavaScript string can hold, so only its size is read here.
  const json = join(outDir, 'scan.json');
  const outputMB = format.split(',').includes('json') && existsSync(json) ? Math.round(statSync(json).size / 2 ** 20) : 0;
  return { wallMs: Math.round(r.wallMs), ...t, earlyEvaluateMs, waiversMs, serverCpuMs, vmHwmMB: r.vmHwmMB, results, outputMB, load1 };
}

/** One `scan --history` run, as the CronJob makes it (HTML, Markdown and JSON, compressed; compared with the run before). */
interface HistoryRun {
  /** Whether an earlier run was there to compare with (read as the baseline). */
  withBaseline: boolean;
  wallMs: number;
  renderMs: number;
  cpuMs: number;
  maxRssMB: number;
  /** What the run left on the volume, per file and in all. */
  files: Record<string, number>;
  runMB: number;
  /** The heap ceiling it ran under (cronJobHeapMiB). */
  heapCeilingMiB: number;
}

async function runHistory(kubeconfig: string, dir: string, compression: boolean): Promise<HistoryRun> {
  const before = existsSync(dir) ? readdirSync(dir) : [];
  const heap = cronJobHeapMiB();
  const r = await runChild([`--max-old-space-size=${heap}`, CLI, 'scan', '--kubeconfig', kubeconfig, '--context', 'admin', '--history', dir, '--debug', ...transport(compression)]);
  if (r.code !== 0 && r.code !== 1) throw new Error(`scan --history failed under the CronJob's ${heap} MiB heap (exit ${r.code}): ${r.stderr.trim().slice(-2000)}`);
  const m = /k8s-audit: timings (\{.*\})/.exec(r.stderr);
  if (!m) throw new Error(`scan --history printed no timings: ${r.stderr.trim()}`);
  const t = JSON.parse(m[1]!) as { renderMs: number; cpuMs: number; maxRssMB: number };
  const run = readdirSync(dir).filter((n) => !before.includes(n) && !n.startsWith('.'));
  if (run.length !== 1) throw new Error(`scan --history left ${run.length} new runs in ${dir}`);
  const files: Record<string, number> = {};
  for (const f of readdirSync(join(dir, run[0]!))) files[f] = statSync(join(dir, run[0]!, f)).size;
  const bytes = Object.values(files).reduce((a, b) => a + b, 0);
  return { withBaseline: before.length > 0, wallMs: Math.round(r.wallMs), renderMs: t.renderMs, cpuMs: t.cpuMs, maxRssMB: t.maxRssMB, files, runMB: Math.round((bytes / 2 ** 20) * 10) / 10, heapCeilingMiB: heap };
}

/** Node start-up plus loading the CLI's modules: `k8s-audit --version`. */
async function runStartup(): Promise<number> {
  const r = await runChild([CLI, '--version']);
  return r.wallMs;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// ---------------------------------------------------------------------------
// One size

interface SizeResult {
  schema: 1;
  date: string;
  size: SizeName;
  machine: { cpus: number; cpuModel: string; memGB: number; node: string; platform: string };
  plan: Record<string, number>;
  kinds: string[];
  objects: number;
  bytes: number;
  seed: { reused: boolean; seconds?: number };
  rounds: number;
  format: string;
  /** Whether the floor and the scans asked for gzip (`--compression`); results before this field did not. */
  compression: boolean;
  floor: FloorRun[];
  scan: ScanRun[];
  startupMs: number[];
  /** Listing every Pod with @kubernetes/client-node's typed CoreV1Api against plain JSON (bench/typed.ts), alternating. */
  typedClient: TypedRun[];
  /** What the CronJob runs, twice into one directory: the first run, then one compared with it (memory and volume sizing). */
  history: HistoryRun[];
  median: {
    floorListMs: number;
    floorWallMs: number;
    floorMaxRssMB: number;
    scanWallMs: number;
    collectMs: number;
    evaluateMs: number;
    earlyEvaluateMs: number;
    waiversMs: number;
    renderMs: number;
    maxRssMB: number;
    startupMs: number;
    /** CPU time of the floor's process and of the scan's (user + system, all threads). */
    floorCpuMs: number;
    scanCpuMs: number;
    /** CPU time the API server and etcd spent during the floor, and during the scan. */
    floorServerCpuMs: number;
    scanServerCpuMs: number;
  };
  /** scan wall time / floor wall time: both processes, start-up included. */
  ratio: number;
  /** scan CPU time / floor CPU time (their own processes): less at the mercy of a shared machine than wall time. */
  cpuRatio: number;
  /** scan wall time / the floor's listing time alone (no process start-up). */
  ratioToListing: number;
  /** scan / floor of each round (the two run back to back): how much the ratio moves within one run. */
  roundRatios: number[];
  /** (evaluate + waivers + render) / scan wall time: what the scan adds after collection. */
  evaluateRenderShare: number;
  perThousandObjects: { floorMs: number; scanMs: number; scanMinusStartupMs: number };
}

async function benchSize(size: SizeName, args: Args, kinds: string[]): Promise<SizeResult | undefined> {
  const spec = SIZES[size];
  const sizeDir = join(DATA_DIR, size);
  const stateDir = join(sizeDir, 'cluster');
  const marker = join(sizeDir, 'seed.json');
  mkdirSync(sizeDir, { recursive: true });
  let seeded = false;
  if (existsSync(marker) && !args.reseed) {
    const m = JSON.parse(readFileSync(marker, 'utf8')) as { planVersion?: number };
    seeded = m.planVersion === PLAN_VERSION;
    if (!seeded) log(`${size}: data dir was seeded by plan version ${m.planVersion}; seeding again`);
  }
  if (!seeded) rmSync(marker, { force: true });

  const cluster = await up({
    stateDir,
    keepData: seeded,
    log: (l) => log(`${size}: ${l}`),
    controllerManagerArgs: [`--controllers=${BENCH_CONTROLLERS.join(',')}`],
    watchPid: process.pid,
    readyTimeoutMs: 180_000,
  });
  stopOnSignal = stateDir;
  try {
    let seedSeconds: number | undefined;
    if (!seeded) {
      log(`${size}: seeding ${JSON.stringify(planCounts(spec))}`);
      const r = await seed(cluster.kubeconfigPath, spec, { log: (l) => log(`${size}: ${l}`) });
      seedSeconds = r.seconds;
      writeFileSync(marker, JSON.stringify({ planVersion: PLAN_VERSION, size, seededAt: new Date().toISOString(), seconds: Math.round(r.seconds), counts: r.counts }, null, 2) + '\n');
    } else {
      log(`${size}: reusing the seeded data in ${stateDir}`);
    }
    await checkPods(cluster, planCounts(spec).pods!);
    if (args.seedOnly) return undefined;
    const settled = await settle(cluster);
    log(`${size}: control plane quiet after ${settled.toFixed(0)} s`);

    const outDir = mkdtempSync(join(tmpdir(), 'k8s-audit-bench-'));
    const floors: FloorRun[] = [];
    const scans: ScanRun[] = [];
    const startups: number[] = [];
    const typed: TypedRun[] = [];
    const history: HistoryRun[] = [];
    try {
      // One unmeasured pass of each warms the API server's caches and the OS page cache.
      // The API server's and etcd's CPU time is read around each run (the controller-manager's is left out).
      const server = [cluster.pids['kube-apiserver'], cluster.pids.etcd].filter((p): p is number => typeof p === 'number');
      await runFloor(cluster.kubeconfigPath, kinds, server, args.compression);
      await runScan(cluster.kubeconfigPath, args.format, outDir, server, args.compression);
      for (let round = 1; round <= args.rounds; round++) {
        const f = await runFloor(cluster.kubeconfigPath, kinds, server, args.compression);
        const s = await runScan(cluster.kubeconfigPath, args.format, outDir, server, args.compression);
        startups.push(Math.round(await runStartup()));
        floors.push(f);
        scans.push(s);
        log(
          `${size} round ${round}: floor ${f.wallMs} ms (listing ${f.listMs} ms, ${f.objects} objects, ${f.maxRssMB} MB, CPU ${f.cpuMs} ms + server ${f.serverCpuMs} ms); ` +
            `scan ${s.wallMs} ms (collect ${s.collectMs}, evaluate ${s.evaluateMs} (+${s.earlyEvaluateMs} during collection), render ${s.renderMs}; ${s.maxRssMB} MB, CPU ${s.cpuMs} ms + server ${s.serverCpuMs} ms); load ${s.load1.toFixed(1)}`,
        );
      }
      // The typed client's decoding of the largest list against plain JSON, each in its own process.
      for (let i = 0; i < 2; i++) {
        for (const variant of ['plain', 'typed'] as const) {
          const r = await runChild(['--expose-gc', join(BENCH_DIR, 'typed.ts'), cluster.kubeconfigPath, 'admin', variant]);
          if (r.code !== 0) throw new Error(`typed.ts ${variant} failed: ${r.stderr.trim()}`);
          typed.push(JSON.parse(r.stdout) as TypedRun);
        }
      }
      const t = (v: string) => typed.filter((x) => x.variant === v);
      log(`${size} pods listed typed vs plain: ${t('typed').map((x) => `${x.listMs} ms / ${x.cpuMs} ms CPU / ${x.retainedMB} MB`).join(', ')} vs ${t('plain').map((x) => `${x.listMs} ms / ${x.cpuMs} ms CPU / ${x.retainedMB} MB`).join(', ')}`);
      // The CronJob's run: the first into an empty history, then one compared with it.
      for (let i = 0; i < 2; i++) history.push(await runHistory(cluster.kubeconfigPath, join(outDir, 'history'), args.compression));
      log(`${size} --history runs: ${history.map((h) => `${h.withBaseline ? 'with an earlier run' : 'first'} ${h.wallMs} ms, ${h.maxRssMB} MB, ${h.runMB} MB written`).join('; ')}`);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }

    const objects = floors[0]!.objects;
    const med = {
      floorListMs: median(floors.map((f) => f.listMs)),
      floorWallMs: median(floors.map((f) => f.wallMs)),
      floorMaxRssMB: median(floors.map((f) => f.maxRssMB)),
      scanWallMs: median(scans.map((s) => s.wallMs)),
      collectMs: median(scans.map((s) => s.collectMs)),
      evaluateMs: median(scans.map((s) => s.evaluateMs)),
      earlyEvaluateMs: median(scans.map((s) => s.earlyEvaluateMs)),
      waiversMs: median(scans.map((s) => s.waiversMs)),
      renderMs: median(scans.map((s) => s.renderMs)),
      maxRssMB: Math.max(...scans.map((s) => s.maxRssMB)),
      startupMs: median(startups),
      floorCpuMs: median(floors.map((f) => f.cpuMs)),
      floorServerCpuMs: median(floors.map((f) => f.serverCpuMs)),
      scanCpuMs: median(scans.map((s) => s.cpuMs)),
      scanServerCpuMs: median(scans.map((s) => s.serverCpuMs)),
    };
    const per = (ms: number) => Math.round((ms / objects) * 1000 * 10) / 10;
    return {
      schema: 1,
      date: new Date().toISOString(),
      size,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memGB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}` },
      plan: planCounts(spec),
      kinds,
      objects,
      bytes: floors[0]!.bytes,
      seed: seedSeconds === undefined ? { reused: true } : { reused: false, seconds: Math.round(seedSeconds) },
      rounds: args.rounds,
      format: args.format,
      compression: args.compression,
      floor: floors,
      scan: scans,
      startupMs: startups,
      typedClient: typed,
      history,
      median: med,
      ratio: round2(med.scanWallMs / med.floorWallMs),
      roundRatios: scans.map((sc, i) => round2(sc.wallMs / floors[i]!.wallMs)),
      ratioToListing: round2(med.scanWallMs / med.floorListMs),
      // CPU time of the scan's process against the floor's: steadier than wall time on a shared machine.
      cpuRatio: round2(med.scanCpuMs / med.floorCpuMs),
      // Everything after collection: evaluation, waivers, rendering.
      evaluateRenderShare: round2((med.evaluateMs + med.waiversMs + med.renderMs) / med.scanWallMs),
      perThousandObjects: { floorMs: per(med.floorWallMs), scanMs: per(med.scanWallMs), scanMinusStartupMs: per(med.scanWallMs - med.startupMs) },
    };
  } finally {
    await down(stateDir, { keepData: true });
    stopOnSignal = undefined;
    log(`${size}: cluster stopped (data kept in ${stateDir})`);
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The seeded Pods are all there (a data dir from an interrupted seed would not be marked seeded, but check anyway). */
async function checkPods(cluster: ClusterInfo, expected: number): Promise<void> {
  const client = KubeClient.fromKubeconfig(cluster.kubeconfigPath, 'admin');
  try {
    const body = await client.call('GET', '/api/v1/pods', { query: { limit: 1 } });
    const n = (body.items?.length ?? 0) + (body.metadata?.remainingItemCount ?? 0);
    if (n < expected) throw new Error(`the cluster holds ${n} Pods, the plan ${expected}: run with --reseed`);
  } finally {
    client.close();
  }
}

// ---------------------------------------------------------------------------
// Output

function printTable(results: SizeResult[]): void {
  const t = new Table({
    head: ['size', 'objects', 'floor', 'scan', 'scan / floor', 'collect', 'evaluate (+ early)', 'waivers', 'render', 'after collect', 'peak RSS', 'floor RSS', 'ms / 1k obj'],
    style: { head: [], border: [] },
  });
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  for (const r of results) {
    const m = r.median;
    t.push([
      r.size,
      r.objects.toLocaleString('en'),
      s(m.floorWallMs),
      s(m.scanWallMs),
      `${r.ratio.toFixed(2)}×`,
      s(m.collectMs),
      `${s(m.evaluateMs)} (+ ${s(m.earlyEvaluateMs)})`,
      s(m.waiversMs),
      s(m.renderMs),
      `${Math.round(r.evaluateRenderShare * 100)}%`,
      `${m.maxRssMB} MB`,
      `${m.floorMaxRssMB} MB`,
      `${r.perThousandObjects.scanMs} (floor ${r.perThousandObjects.floorMs})`,
    ]);
  }
  process.stdout.write(t.toString() + '\n');
  process.stdout.write('floor and scan are wall times of their own processes (medians); scan / floor against the listing alone: ' + results.map((r) => `${r.size} ${r.ratioToListing.toFixed(2)}×`).join(', ') + '\n');
  process.stdout.write('scan / floor round by round: ' + results.map((r) => `${r.size} ${r.roundRatios.map((x) => `${x.toFixed(2)}×`).join(' ')}`).join(', ') + '\n');
  process.stdout.write(
    'CPU time, process (+ API server and etcd): ' +
      results.map((r) => `${r.size} floor ${s(r.median.floorCpuMs)} (+ ${s(r.median.floorServerCpuMs)}), scan ${s(r.median.scanCpuMs)} (+ ${s(r.median.scanServerCpuMs)}), scan / floor ${r.cpuRatio.toFixed(2)}×`).join('; ') +
      '\n',
  );
  process.stdout.write(
    'CronJob (scan --history), first run / with an earlier run: ' +
      results.map((r) => `${r.size} ${r.history.map((h) => `${s(h.wallMs)}, ${h.maxRssMB} MB`).join(' / ')}, ${r.history[0]?.runMB ?? 0} MB written a run`).join('; ') +
      '\n',
  );
}

let stopOnSignal: string | undefined;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run bench` (it builds first)');
  const kinds = kindsRead(allControls());
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping the cluster`);
      const dir = stopOnSignal;
      (dir ? down(dir, { keepData: true }) : Promise.resolve()).finally(() => process.exit(130));
    });
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GB, node ${process.version}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const results: SizeResult[] = [];
  for (const size of args.sizes) {
    const r = await benchSize(size, args, kinds);
    if (!r) continue;
    const file = join(RESULTS_DIR, `${r.date.slice(0, 10)}-${size}.json`);
    writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
    log(`${size}: wrote ${file.slice(REPO_ROOT.length + 1)}`);
    results.push(r);
  }
  if (results.length) printTable(results);
}

main().catch((err: unknown) => {
  log(err instanceof HarnessError && err.detail ? `${err.message}\n${err.detail}` : `failed: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
