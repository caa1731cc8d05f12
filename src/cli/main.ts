import { getHeapStatistics } from 'node:v8';
import { constants as zlibConstants, deflateRawSync } from 'node:zlib';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { resolveTarget } from '../collect/kubeconfig.ts';
import type { ScanResult } from '../engine/result.ts';
import { diffScans, otherCluster } from '../engine/diff.ts';
import { allControls, getControl, selectControls } from '../engine/registry.ts';
import { EXIT, K8sAuditError, UsageError } from '../errors.ts';
import { oneLine } from '../report/escape.ts';
import { utf8Blocks } from '../report/bytes.ts';
import { renderChunks } from '../report/index.ts';
import { GITHUB_RESULTS_PER_RUN, sarifResultCount } from '../report/sarif.ts';
import { summaryLine } from '../report/table.ts';
import { renderCatalogue, renderExplain } from '../report/catalogue.ts';
import { parseRegistryPattern } from '../model/images.ts';
import { scanCluster } from '../scan.ts';
import { TOOL } from '../version.ts';
import { FAIL_ON, exitCodeFor, exitCodeForNew, type FailOn } from './exit.ts';
import { DIFF_FORMATS, renderDiffChunks, type DiffFormat } from './diff.ts';
import { readBaseline, readScan } from './scan-file.ts';
import { DEFAULT_KEEP, parseKeep, prepareWorkflow, type WorkflowFlags } from './workflow.ts';
import { checkWritable, destinations, formatFromPath, parseFormats, writeOutput } from './output.ts';
import { progressReporter } from './progress.ts';

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Read by `scan -f -`; default process.stdin. */
  stdin?: NodeJS.ReadableStream;
}

const repeatable = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

/**
 * A repeatable option that must name something: `-n ""` (an unset variable in `-n "$NS"`) would otherwise drop out
 * and widen the scan to every namespace, or run every control.
 */
const named =
  (option: 'namespace' | 'control' | 'registry') =>
  (value: string, previous: string[] = []): string[] => {
    const next = repeatable(value, previous);
    if (next.length === previous.length) throw new InvalidArgumentError(`It names no ${option}.`);
    return [...new Set(next)]; // `-n a -n a` lists a once: twice would count every finding in it twice
  };
/** Repeatable paths: never split on commas. */
const paths = (value: string, previous: string[] = []) => [...previous, value];

/** Run the CLI; resolves with the exit code instead of exiting, so tests can call it. */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const debug = argv.includes('--debug');
  let exitCode: number = EXIT.ok;
  const program = new Command()
    .name('k8s-audit')
    .description('Audit the security posture of a live Kubernetes cluster.')
    .version(TOOL.version, '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s.trim().replace(/^error: /, 'k8s-audit: ') + '\n'),
    });

  program
    .command('scan')
    .description('Scan a cluster and report findings.')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or the in-cluster service account)')
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .option('-n, --namespace <ns>', 'limit namespaced objects to this namespace (repeatable)', named('namespace'))
    .option('--exclude-namespace <ns>', 'leave out this namespace (repeatable)', named('namespace'))
    .option('--controls <ids>', 'run only these controls (comma list, repeatable)', named('control'))
    .option('--skip-controls <ids>', 'skip these controls (comma list, repeatable)', named('control'))
    .option('--allowed-registries <registries>', 'registries images may come from, for pod-image-registry: host[:port], host/path-prefix or *.domain (comma list, repeatable)', named('registry'))
    .option('--format <formats>', 'table (default on a terminal), json (default when piped), md, html, sarif, junit, summary (Markdown digest for CI); comma list or repeated', repeatable)
    .option('-o, --output <path>', 'write to this file, or to this directory when several formats are given')
    .option('--include-passes', 'list every passing result in the JSON output; by default passes are counted per control and namespace')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(FAIL_ON).default('none'))
    .option('--concurrency <n>', 'concurrent list requests (1 to 64, default 6)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--concurrency must be an integer from 1 to 64, got "${v}"`);
      return n;
    })
    .option('--kubelet', "also read each node's kubelet configuration through the API server (/configz; needs get nodes/proxy)")
    .option('--no-anonymous-probe', 'do not send the unauthenticated GETs of /version, /api and /api/v1/namespaces')
    .option('--disable-compression', 'do not ask the API server for gzip-compressed lists (faster only where the link to it is very fast; the kubeconfig\'s disable-compression: true does the same)')
    .option('-f, --filename <path>', 'scan manifests instead of a cluster: a YAML/JSON file, a directory (a tree, or a kustomization), - for stdin (repeatable)', paths)
    .option('--waivers <file>', 'waivers (YAML): control ids, subject (kind, namespace, name; exact or glob), owner, reason, expires')
    .option('--no-default-waivers', "do not apply k8s-audit's default waivers (for Kubernetes' own namespaces)")
    .option('--baseline <scan.json>', 'compare with an earlier scan: findings are marked new or unchanged, fixed ones listed')
    .option('--fail-on-new', 'with --baseline or --history: exit 1 only for new findings at or above --fail-on (any severity without --fail-on)')
    .option('--history <dir>', 'keep this scan in <dir>/<start time>/ (report.html, report.md.gz, report.summary.md, scan.json.gz), compare it with the previous one there, print one summary line')
    .option('--keep <n>', `with --history: how many scans to keep (1 to 1000, default ${DEFAULT_KEEP})`, parseKeep)
    .option('-q, --quiet', 'no progress and no summary on stderr')
    .option('--debug', 'show stack traces on errors; timings and peak memory on stderr')
    .action(async (opts: ScanFlags) => {
      exitCode = await scanCommand(opts, io);
    });

  program
    .command('controls')
    .description('List the controls k8s-audit runs.')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'md']).default('table'))
    .option('--debug', 'show stack traces on errors')
    .action((opts: { format: 'table' | 'json' | 'md' }) => {
      io.stdout.write(renderCatalogue(allControls(), opts.format));
    });

  program
    .command('explain')
    .description('Explain one control: what it checks, why, how to fix it.')
    .argument('<control-id>')
    .option('--debug', 'show stack traces on errors')
    .action((id: string) => {
      io.stdout.write(renderExplain(getControl(id)));
    });

  program
    .command('report')
    .description('Render a saved scan (scan.json) again, with no cluster.')
    .argument('<scan.json>')
    .option('--format <formats>', 'html, md, json, sarif, junit, summary or table (default: from the output file name; JSON to a file without a known extension; table on stdout)', repeatable)
    .option('-o, --output <path>', 'write to this file, or to this directory when several formats are given')
    .option('--debug', 'show stack traces on errors')
    .action((file: string, opts: { format?: string[]; output?: string }) => {
      const result = readScan(file);
      emit(result, opts.format, opts.output, io);
    });

  program
    .command('diff')
    .description('Compare two saved scans: new, fixed and unchanged findings.')
    .argument('<before.json>')
    .argument('<after.json>')
    .addOption(new Option('--format <format>', 'output format (default: from the output file name, .md or .json, else table; md: shortened to fit a pull-request comment)').choices(DIFF_FORMATS))
    .option('-o, --output <path>', 'write to this file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a new failing finding is at or above this severity').choices(FAIL_ON).default('none'))
    .option('--debug', 'show stack traces on errors')
    .action((before: string, after: string, opts: { format?: DiffFormat; output?: string; failOn: FailOn }) => {
      const [earlier, later] = [readBaseline(before), readScan(after)];
      const elsewhere = otherCluster(earlier, later);
      if (elsewhere) io.stderr.write(`k8s-audit: warning: ${oneLine(elsewhere)}\n`);
      const d = diffScans(earlier, later, { before, after });
      const fromPath = opts.output ? formatFromPath(opts.output) : undefined;
      const format: DiffFormat = opts.format ?? (DIFF_FORMATS as readonly string[]).find((f) => f === fromPath) as DiffFormat | undefined ?? 'table';
      const chunks = renderDiffChunks(d, format);
      if (opts.output && opts.output !== '-') writeOutput(opts.output, chunks);
      else for (const chunk of chunks) io.stdout.write(chunk);
      exitCode = exitCodeFor({ results: d.new.filter((r) => r.status === 'fail') }, opts.failOn);
    });

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" to commander; they exit 0. Help shown because no command was given
      // (`k8s-audit` alone: commander.help with a non-zero exit code) is a usage error, not a scan that passed.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
      if (err.code === 'commander.help') return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return EXIT.usage;
    }
    if (err instanceof K8sAuditError) {
      io.stderr.write(`k8s-audit: ${oneLine(err.message)}\n`);
      if (debug) io.stderr.write(`${err.stack}\n`);
      return err.exitCode;
    }
    io.stderr.write(`k8s-audit: internal error: ${oneLine((err as Error).message ?? String(err))}${debug ? '' : ' (run with --debug for details)'}\n`);
    if (debug) io.stderr.write(`${(err as Error).stack}\n`);
    return 4;
  }
}

interface ScanFlags extends WorkflowFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string[];
  excludeNamespace?: string[];
  controls?: string[];
  skipControls?: string[];
  allowedRegistries?: string[];
  format?: string[];
  output?: string;
  failOn: FailOn;
  concurrency?: number;
  kubelet?: boolean;
  anonymousProbe?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

async function scanCommand(opts: ScanFlags, io: Io): Promise<number> {
  const controls = selectControls(opts.controls, opts.skipControls);
  if (controls.length === 0) throw new UsageError('no controls left to run after --controls/--skip-controls');
  // Validate every flag and read every input but the cluster (waivers, baseline, history, stdin) before touching it.
  const workflow = await prepareWorkflow(opts, io);
  const plan = opts.history ? [] : outputPlan(opts.format, opts.output, io);
  for (const d of plan) if (d.path) checkWritable(d.path); // before the scan, which may take minutes, not after it
  for (const r of opts.allowedRegistries ?? []) {
    if (!parseRegistryPattern(r)) throw new UsageError(`--allowed-registries: "${r}" is not a registry host[:port], host/path prefix or *.domain`);
  }
  const controlOptions = opts.allowedRegistries?.length ? { allowedRegistries: opts.allowedRegistries } : {};
  const scanned = workflow.files ? workflow.scanFiles(controls, controlOptions) : await liveScan(opts, io, controls);
  const finishStart = performance.now();
  const result = workflow.finish(scanned);
  const waiversMs = Math.round(performance.now() - finishStart);
  const renderStart = performance.now(); // rendering includes the reports --history writes
  workflow.record(result);
  writePlan(result, plan, io);
  if (opts.debug) {
    // For the benchmark (bench/run.ts) and for users sizing a scan: where the time went (waiversMs: waivers
    // and the baseline comparison, between evaluation and rendering), and peak memory.
    const cpu = process.cpuUsage(); // every thread of the process: the garbage collector's helpers too
    const timings = {
      ...result.scan.timings,
      waiversMs,
      renderMs: Math.round(performance.now() - renderStart),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      // The ceiling the scan ran under: in a container, Node sizes it from the memory limit (see the README's CronJob sizing).
      heapLimitMB: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
      // V8 flags the process runs with (the launcher adds --max-semi-space-size unless one is chosen).
      nodeFlags: [...process.execArgv, ...(process.env.NODE_OPTIONS ? [`NODE_OPTIONS=${process.env.NODE_OPTIONS}`] : [])],
      results: result.results.length,
    };
    io.stderr.write(`k8s-audit: timings ${JSON.stringify(timings)}\n`);
  }
  if (!opts.quiet && (plan.some((d) => d.path) || io.stderr.isTTY)) {
    // A table shown on the terminal already ends with this line, and so does the line --history prints on stdout:
    // once is enough.
    const onTerminal = io.stdout.isTTY === true && (opts.history !== undefined || plan.some((d) => !d.path && d.format === 'table'));
    if (!onTerminal) io.stderr.write(summaryLine(result) + '\n');
    for (const d of plan) if (d.path) io.stderr.write(`wrote ${d.path}\n`);
  }
  if (!opts.failOnNew) return exitCodeFor(result, opts.failOn);
  // --fail-on-new with nothing to compare with (the first run of a --history directory): nothing was seen before, so
  // every failing finding is new, as when no earlier run can be read. A gate must not pass its first run unseen.
  return result.baseline ? exitCodeForNew(result, opts.failOn) : exitCodeFor(result, opts.failOn === 'none' ? 'info' : opts.failOn);
}

async function liveScan(opts: ScanFlags, io: Io, controls: ReturnType<typeof selectControls>): Promise<ScanResult> {
  const target = await resolveTarget({ ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) });
  if (opts.disableCompression) target.disableCompression = true;
  const showProgress = !opts.quiet && io.stderr.isTTY === true;
  return scanCluster(target, {
    controls,
    passes: opts.includePasses ? 'list' : 'count',
    ...(opts.namespace ? { namespaces: opts.namespace } : {}),
    ...(opts.excludeNamespace ? { excludeNamespaces: opts.excludeNamespace } : {}),
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    ...(opts.allowedRegistries?.length ? { controlOptions: { allowedRegistries: opts.allowedRegistries } } : {}),
    ...(showProgress ? { onProgress: progressReporter(io.stderr) } : {}),
    extras: { kubelet: opts.kubelet === true, anonymousProbe: opts.anonymousProbe !== false },
  });
}

function outputPlan(formatFlags: string[] | undefined, output: string | undefined, io: Io) {
  let formats = parseFormats(formatFlags ?? []);
  if (formats.length === 0) {
    // `-o -` is standard output, as with no -o: a table on a terminal, JSON when piped.
    const file = output && output !== '-' ? output : undefined;
    const fromPath = file ? formatFromPath(file) : undefined;
    formats = [fromPath ?? (file || !io.stdout.isTTY ? 'json' : 'table')];
  }
  return destinations(formats, output);
}

function writePlan(result: ScanResult, plan: ReturnType<typeof destinations>, io: Io) {
  for (const d of plan) {
    let tooMany = false;
    if (d.format === 'sarif') {
      const n = sarifResultCount(result);
      if (n > GITHUB_RESULTS_PER_RUN) {
        tooMany = true;
        io.stderr.write(
          `k8s-audit: warning: ${d.path ?? 'the SARIF log'} holds ${n.toLocaleString('en')} results in its run; GitHub code scanning refuses more than ${GITHUB_RESULTS_PER_RUN.toLocaleString('en')} (narrow the scan with -n, --exclude-namespace or --controls)\n`,
        );
      }
    }
    // JSON and HTML go out in pieces: at scale they are the largest things a scan writes, and at
    // 50,000 Pods the JSON (about 500 MB) is more than one JavaScript string can hold at all.
    const chunks = renderChunks(result, d.format, { color: !d.path && io.stdout.isTTY === true && !process.env.NO_COLOR });
    const counted = d.format === 'sarif' && !tooMany ? countBytes(chunks) : undefined;
    if (d.path) writeOutput(d.path, counted?.chunks ?? chunks);
    else for (const chunk of counted?.chunks ?? chunks) io.stdout.write(chunk);
    // GitHub refuses a SARIF upload over 10 MB gzipped (the whole upload). Only a log over 10 MB can be, so only then
    // is it compressed again, as the upload compresses it, to know.
    if (counted && counted.bytes() > GITHUB_SARIF_GZIP_BYTES) {
      const gzipped = gzipSize(renderChunks(result, 'sarif'));
      if (gzipped > GITHUB_SARIF_GZIP_BYTES) {
        io.stderr.write(
          `k8s-audit: warning: ${d.path ?? 'the SARIF log'} is about ${(gzipped / 2 ** 20).toFixed(1)} MiB gzipped; GitHub code scanning refuses an upload over 10 MB (narrow the scan with -n, --exclude-namespace or --controls)\n`,
        );
      }
    }
  }
}

const GITHUB_SARIF_GZIP_BYTES = 10 * 2 ** 20;

/** The pieces as they are, and the UTF-8 bytes they came to once consumed. */
function countBytes(chunks: Iterable<string>): { chunks: Iterable<string>; bytes: () => number } {
  let bytes = 0;
  return {
    chunks: (function* () {
      for (const c of chunks) {
        bytes += Buffer.byteLength(c, 'utf8');
        yield c;
      }
    })(),
    bytes: () => bytes,
  };
}

/**
 * The size of text given in pieces, gzipped at zlib's default level as an upload would be, without holding it whole:
 * each megabyte is compressed on its own, so the estimate runs a few per cent above one gzip stream ("about").
 */
function gzipSize(chunks: Iterable<string>): number {
  let size = 18; // gzip's header and trailer
  const deflate = (block: Uint8Array, flush: number) => (size += deflateRawSync(block, { finishFlush: flush }).length);
  for (const block of utf8Blocks(chunks)) deflate(block, zlibConstants.Z_SYNC_FLUSH);
  deflate(new Uint8Array(0), zlibConstants.Z_FINISH);
  return size;
}

function emit(result: ScanResult, formatFlags: string[] | undefined, output: string | undefined, io: Io) {
  writePlan(result, outputPlan(formatFlags ?? (output && output !== '-' ? [] : ['table']), output, io), io);
}
