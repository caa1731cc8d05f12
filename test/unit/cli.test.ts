import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/engine/result.ts';
import { runCli } from '../helpers/io.ts';
import { scanManifests } from '../helpers/scan.ts';
import { scanResultValidator } from '../helpers/schema.ts';
import { exitCodeFor } from '../../src/cli/exit.ts';
import { destinations, parseFormats } from '../../src/cli/output.ts';
import { renderSummary } from '../../src/report/summary.ts';
import { tempDir } from '../helpers/tmp.ts';

const repo = new URL('../../', import.meta.url).pathname;
const tmp = tempDir('k8s-audit-cli-');
const scanFile = join(tmp, 'scan.json');
writeFileSync(scanFile, JSON.stringify(scanManifests(join(repo, 'test/scenarios/demo'))));

afterAll(() => {
  // tmp is left for inspection only when a test failed; vitest cleans nothing itself.
});

/** Invocations that must not touch a cluster: their output and exit code are recorded. */
describe('CLI snapshots', () => {
  const cases: [string, string[]][] = [
    ['unknown flag', ['scan', '--bogus']],
    ['unknown control id', ['scan', '--controls', 'pod-privilegd']],
    ['unknown skip id', ['scan', '--skip-controls', 'nope']],
    ['bad --fail-on', ['scan', '--fail-on', 'severe']],
    ['bad --format', ['scan', '--format', 'pdf']],
    ['several formats to stdout', ['scan', '--format', 'json,md']],
    ['missing kubeconfig', ['scan', '--kubeconfig', '/nonexistent/kubeconfig']],
    ['explain unknown', ['explain', 'privileged']],
    ['explain', ['explain', 'pod-privileged']],
    ['report of a missing file', ['report', '/nonexistent/scan.json']],
    ['unknown command', ['frobnicate']],
  ];
  for (const [name, args] of cases) {
    it(name, async () => {
      const r = await runCli(args);
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toMatchSnapshot();
    });
  }

  it('an empty -n, --exclude-namespace, --controls or --skip-controls is refused, not dropped (it would widen the scan)', async () => {
    for (const [flag, what] of [
      ['-n', 'namespace'],
      ['--exclude-namespace', 'namespace'],
      ['--controls', 'control'],
      ['--skip-controls', 'control'],
      ['--allowed-registries', 'registry'],
    ] as const) {
      const r = await runCli(['scan', '-f', 'test/scenarios/demo', flag, ' , ']);
      expect(r.code, flag).toBe(2);
      expect(r.stderr, flag).toMatch(new RegExp(`^k8s-audit: option .* argument ' , ' is invalid\\. It names no ${what}\\.\\n$`));
    }
  });

  it('no command is a usage error (exit 2, the help on stderr); asking for help is not', async () => {
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^Usage: k8s-audit \[options\] \[command\]/);
    for (const args of [['--help'], ['help'], ['help', 'scan'], ['scan', '--help'], ['--version']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).not.toBe('');
    }
  });

  it("scan --help states the ranges and defaults of --concurrency and --keep, as the README does", async () => {
    const help = (await runCli(['scan', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--concurrency <n> concurrent list requests \(1 to 64, default 6\)/);
    expect(help).toMatch(/--keep <n> with --history: how many scans to keep \(1 to 1000, default 10\)/);
  });

  it('every command takes --debug, as its errors suggest; a parent of -o that is a file is one line and exit 2', async () => {
    const saved = join(tmp, 'for-debug.json');
    expect((await runCli(['scan', '-f', join(repo, 'test/scenarios/demo'), '--format', 'json', '-o', saved, '-q'])).code).toBe(0);
    for (const args of [['controls', '--debug'], ['explain', 'pod-privileged', '--debug'], ['report', saved, '--format', 'summary', '--debug'], ['diff', saved, saved, '--debug']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stderr, args.join(' ')).not.toMatch(/unknown option/);
    }
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    for (const args of [['scan', '-f', join(repo, 'test/scenarios/demo'), '-o', join(file, 'scan.json')], ['report', saved, '-o', join(file, 'r.md')], ['diff', saved, saved, '-o', join(file, 'd.md')]]) {
      const r = await runCli(args);
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr, args[0]).toMatch(/^k8s-audit: cannot write .*a-file\/\S+: E\w+: [^\n]*\n$/);
    }
  });

  it('an -o or --history that cannot be written is refused before the cluster is read, and a path under /proc does not hang', async () => {
    // The server does not answer (port 1): reaching it would be exit 3 after the timeout. A bad -o must be exit 2 first.
    const kubeconfig = join(tmp, 'unreachable.kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    const file = join(tmp, 'not-a-dir');
    writeFileSync(file, '');
    const cases: [string[], RegExp][] = [
      [['-o', join(file, 'scan.json')], /^k8s-audit: cannot write .*not-a-dir\/scan\.json: ENOTDIR: [^\n]*\n$/],
      [['--format', 'json,md', '-o', join(file, 'out/')], /^k8s-audit: cannot write .*not-a-dir\/out\/scan\.json: ENOTDIR: [^\n]*\n$/],
      [['-o', '/proc/k8s-audit-no-such/scan.json'], /^k8s-audit: cannot write \/proc\/k8s-audit-no-such\/scan\.json: ENOENT: [^\n]*\n$/],
      [['--format', 'json,md', '-o', join(tmp, 'taken/')], /^k8s-audit: cannot write .*taken\/scan\.json: EISDIR: [^\n]*\n$/],
      [['--history', join(file, 'runs')], /^k8s-audit: --history .*not-a-dir\/runs: cannot create the directory: ENOTDIR: [^\n]*\n$/],
      [['--history', file], /^k8s-audit: --history .*not-a-dir: not a directory\n$/],
      [['--history', '/proc/k8s-audit-no-such'], /^k8s-audit: --history \/proc\/k8s-audit-no-such: cannot create the directory: ENOENT: [^\n]*\n$/],
      [['--history', '/proc/self'], /^k8s-audit: --history \/proc\/self: cannot write in the directory: E\w+: [^\n]*\n$/],
    ];
    mkdirSync(join(tmp, 'taken/scan.json'), { recursive: true });
    for (const [args, message] of cases) {
      const r = await runCli(['scan', '--kubeconfig', kubeconfig, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    // The same scan with a good -o reaches for the server: exit 3, so exit 2 above came before the cluster.
    const good = await runCli(['scan', '--kubeconfig', kubeconfig, '-o', join(tmp, 'fresh/dir/scan.json')]);
    expect(good.code).toBe(3);
    expect(existsSync(join(tmp, 'fresh/dir')), 'the probe made the directories').toBe(true);
    expect(readdirSync(join(tmp, 'fresh/dir')), 'and left no probe behind').toEqual([]);
  });

  it('-o - is standard output, and a name ending in .sarif.json is SARIF', async () => {
    const demo = join(repo, 'test/scenarios/demo');
    const cwd = process.cwd();
    process.chdir(tmp);
    try {
      const r = await runCli(['scan', '-f', demo, '-o', '-', '-q']);
      expect(JSON.parse(r.stdout).schemaVersion).toMatch(/^1\./);
      const d = await runCli(['diff', scanFile, scanFile, '-o', '-', '--format', 'json']);
      expect(JSON.parse(d.stdout)).toHaveProperty('new');
      expect(existsSync(join(tmp, '-')), 'no file named "-"').toBe(false);
    } finally {
      process.chdir(cwd);
    }
    // `-o -` is standard output as if -o were not given: a table on a terminal (scan), a table for report, JSON when piped.
    const tty = await runCli(['scan', '-f', demo, '-o', '-', '-q'], { tty: true });
    expect(tty.stdout).toMatch(/^\S*┌/);
    expect(tty.stdout).toEqual((await runCli(['scan', '-f', demo, '-q'], { tty: true })).stdout);
    // On a terminal the table already ends with the summary line: it is not printed a second time on stderr.
    expect(`${tty.stdout}${tty.stderr}`.match(/^score /gm)).toHaveLength(1);
    const noisy = await runCli(['scan', '-f', demo], { tty: true });
    expect(`${noisy.stdout}${noisy.stderr}`.match(/^score /gm)).toHaveLength(1);
    const rendered = await runCli(['report', scanFile, '-o', '-']);
    expect(rendered.stdout).toEqual((await runCli(['report', scanFile])).stdout);
    const sarif = join(tmp, 'results.sarif.json');
    expect((await runCli(['scan', '-f', demo, '-o', sarif, '-q'])).code).toBe(0);
    expect(JSON.parse(readFileSync(sarif, 'utf8')).version).toBe('2.1.0');
  });

  it('warns when a SARIF log is over the 10 MB GitHub takes gzipped, and only then', async () => {
    // Image references of random text (a pull request can write anything): each finding repeats them.
    const random = (n: number) => randomBytes(n).toString('base64').replace(/[+/=]/g, 'x').toLowerCase();
    const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: apps}\nspec: {containers: [{name: c, image: "registry.example/${random(1_800_000)}:1"}]}\n`;
    const big = join(tmp, 'big-images.yaml');
    writeFileSync(big, `${pod('a')}---\n${pod('b')}`);
    const out = join(tmp, 'big.sarif');
    const r = await runCli(['scan', '-f', big, '-o', out]);
    expect(r.code).toBe(0);
    const gzipped = gzipSync(readFileSync(out)).length;
    expect(gzipped).toBeGreaterThan(10 * 2 ** 20);
    expect(r.stderr).toMatch(new RegExp(`^k8s-audit: warning: ${out.replace(/[.]/g, '\\.')} is about \\d+\\.\\d MiB gzipped; GitHub code scanning refuses an upload over 10 MB`, 'm'));
    const small = await runCli(['scan', '-f', join(repo, 'test/scenarios/demo'), '-o', join(tmp, 'small.sarif')]);
    expect(small.stderr).not.toMatch(/gzipped/);
  }, 90_000); // two scans, one writing a 25 MB log: on a loaded 2-core machine it took 17 s

  it('--debug prints where the time went, the peak memory and the heap ceiling', async () => {
    const r = await runCli(['scan', '-f', join(repo, 'test/scenarios/demo'), '--format', 'json', '-o', join(tmp, 'debug.json'), '--quiet', '--debug']);
    const timings = JSON.parse(/k8s-audit: timings (\{.*\})/.exec(r.stderr)![1]!) as Record<string, number>;
    expect(Object.keys(timings)).toEqual(expect.arrayContaining(['collectMs', 'evaluateMs', 'renderMs', 'cpuMs', 'maxRssMB', 'heapLimitMB', 'results']));
    expect(timings.heapLimitMB).toBe(Math.round(getHeapStatistics().heap_size_limit / 2 ** 20));
  });

  it('errors are one line without a stack trace, and --debug adds the stack', async () => {
    const r = await runCli(['scan', '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const d = await runCli(['scan', '--kubeconfig', '/nonexistent/kubeconfig', '--debug']);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/\n\s+at /);
  });
});

describe('gzip-compressed outputs and inputs', () => {
  it('-o <file>.gz writes gzip that report, diff and --baseline read as the plain file', async () => {
    const demo = join(repo, 'test/scenarios/demo');
    const gz = join(tmp, 'gz', 'scan.json.gz');
    const plain = join(tmp, 'gz', 'scan.json');
    expect((await runCli(['scan', '-f', demo, '-o', gz])).code).not.toBe(2);
    expect((await runCli(['scan', '-f', demo, '-o', plain])).code).not.toBe(2);
    const bytes = readFileSync(gz);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    const text = gunzipSync(bytes).toString('utf8');
    const validate = scanResultValidator();
    expect(validate(JSON.parse(text)), JSON.stringify(validate.errors)).toBe(true);
    // The same scan but for its start time and duration.
    const strip = (t: string) => t.replace(/"(startedAt|finishedAt|\w+Ms)": [^,\n]+/g, '');
    expect(strip(text)).toBe(strip(readFileSync(plain, 'utf8')));

    const unzipped = join(tmp, 'gz', 'unzipped.json');
    writeFileSync(unzipped, text);
    const fromGz = await runCli(['report', gz, '--format', 'md']);
    const fromPlain = await runCli(['report', unzipped, '--format', 'md']);
    expect(fromGz.code).toBe(0);
    expect(fromGz.stdout).toBe(fromPlain.stdout);
    expect(fromGz.stdout.length).toBeGreaterThan(1000);

    // Two gzip members (as `cat a.gz b.gz` makes): the size in the trailer is only the last one's.
    const twoMembers = join(tmp, 'gz', 'two.json.gz');
    const half = Math.floor(text.length / 2);
    writeFileSync(twoMembers, Buffer.concat([gzipSync(text.slice(0, half)), gzipSync(text.slice(half))]));
    expect((await runCli(['report', twoMembers, '--format', 'md'])).stdout).toBe(fromPlain.stdout);

    const d = await runCli(['diff', gz, unzipped, '--format', 'json']);
    expect(d.code).toBe(0);
    expect(JSON.parse(d.stdout)).toMatchObject({ counts: { new: 0, fixed: 0 } });
    const b = await runCli(['scan', '-f', demo, '--baseline', gz, '-o', join(tmp, 'gz', 'again.json')]);
    expect(b.stderr).toMatch(/^score .*\nwrote /);
    expect(JSON.parse(readFileSync(join(tmp, 'gz', 'again.json'), 'utf8')).baseline).toMatchObject({ new: 0, file: gz });
  });

  it('a damaged gzip file is one line and exit 2', async () => {
    const bad = join(tmp, 'bad.json.gz');
    writeFileSync(bad, Buffer.concat([gzipSync('{"schemaVersion": "5.0"'), Buffer.from('tail')]).subarray(0, 20));
    const r = await runCli(['report', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^k8s-audit: cannot read .*bad\.json\.gz: it starts as gzip but does not decompress \(.+\)\n$/);
    // A trailer that claims 4 GB: refused the same way, without reserving that much first.
    const liar = gzipSync(readFileSync(scanFile));
    liar.writeUInt32LE(0xffffffff, liar.length - 4);
    writeFileSync(join(tmp, 'liar.json.gz'), liar);
    const l = await runCli(['report', join(tmp, 'liar.json.gz')]);
    expect(l.code).toBe(2);
    expect(l.stderr).toMatch(/^k8s-audit: cannot read .*liar\.json\.gz: it starts as gzip but does not decompress \(.+\)\n$/);
  });
});

describe('SARIF for GitHub code scanning', () => {
  it('warns when the run holds more results than GitHub accepts (25,000), and writes it anyway', async () => {
    const demo = JSON.parse(readFileSync(scanFile, 'utf8')) as ScanResult;
    const fail = demo.results.find((r) => r.status === 'fail')!;
    const sized = (n: number): string => {
      const others = demo.results.filter((r) => r.status !== 'fail' && r.status !== 'waived');
      const fails = Array.from({ length: n }, (_, i) => ({ ...fail, subject: { ...fail.subject, name: `w-${i}` }, fingerprint: i.toString(16).padStart(16, '0') }));
      const file = join(tmp, `sarif-${n}.json`);
      writeFileSync(file, JSON.stringify({ ...demo, results: [...others, ...fails] }));
      return file;
    };
    const at = await runCli(['report', sized(25_000), '-o', join(tmp, 'at.sarif')]);
    expect(at.code).toBe(0);
    expect(at.stderr).not.toMatch(/warning/);
    const over = await runCli(['report', sized(25_001), '-o', join(tmp, 'over.sarif')]);
    expect(over.code).toBe(0);
    expect(over.stderr).toMatch(/^k8s-audit: warning: .*over\.sarif holds 25,001 results in its run; GitHub code scanning refuses more than 25,000 \(narrow the scan with -n, --exclude-namespace or --controls\)\n/);
    expect((JSON.parse(readFileSync(join(tmp, 'over.sarif'), 'utf8')) as { runs: { results: unknown[] }[] }).runs[0]!.results).toHaveLength(25_001);
  }, 60_000);
});

describe('kubeconfig problems exit 2 with one line', () => {
  it('malformed kubeconfig', async () => {
    const f = join(tmp, 'broken.kubeconfig');
    writeFileSync(f, 'apiVersion: v1\nclusters: [ {name: x\n');
    const r = await runCli(['scan', '--kubeconfig', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^k8s-audit: invalid kubeconfig .*broken\.kubeconfig/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('unknown context names the available ones', async () => {
    const f = join(tmp, 'ok.kubeconfig');
    writeFileSync(
      f,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: dev, context: {cluster: c, user: u}}]\ncurrent-context: dev\n',
    );
    const r = await runCli(['scan', '--kubeconfig', f, '--context', 'prod']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`k8s-audit: context "prod" not found in ${f} (available: dev)\n`);
  });

  it('a refused connection exits 3', async () => {
    const f = join(tmp, 'ok.kubeconfig');
    const r = await runCli(['scan', '--kubeconfig', f]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^k8s-audit: connection refused by https:\/\/127\.0\.0\.1:1\n$/);
  });
});

describe('report: re-render a saved scan with no cluster', () => {
  it('writes Markdown and HTML that carry the findings', async () => {
    const md = join(tmp, 'out.md');
    const r = await runCli(['report', scanFile, '-o', md]);
    expect(r.code).toBe(0);
    // Markdown escapes punctuation with backslashes; compare on the unescaped text.
    const text = readFileSync(md, 'utf8').replace(/\\(.)/g, '$1');
    const saved = JSON.parse(readFileSync(scanFile, 'utf8'));
    const failing = saved.controls.filter((c: { status: string }) => c.status === 'fail');
    expect(failing.length).toBeGreaterThan(0);
    for (const c of failing) expect(text).toContain(c.id);
    const dir = join(tmp, 'both');
    const r2 = await runCli(['report', scanFile, '--format', 'html,md', '-o', dir]);
    expect(r2.code).toBe(0);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    expect(existsSync(join(dir, 'report.md'))).toBe(true);
  });

  it('re-rendered JSON still validates against the schema', async () => {
    const r = await runCli(['report', scanFile, '--format', 'json']);
    expect(r.code).toBe(0);
    const validate = scanResultValidator();
    expect(validate(JSON.parse(r.stdout))).toBe(true);
  });

  it('renders the CI summary of a saved scan, and writes it beside the full reports', async () => {
    const r = await runCli(['report', scanFile, '--format', 'summary']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(renderSummary(JSON.parse(readFileSync(scanFile, 'utf8')) as ScanResult));
    expect(r.stdout).toMatch(/^## k8s-audit: /);
    const dir = join(tmp, 'with-summary');
    expect((await runCli(['scan', '-f', join(repo, 'test/scenarios/demo'), '--format', 'md,summary', '-o', dir, '--quiet'])).code).not.toBe(2);
    const summary = readFileSync(join(dir, 'report.summary.md'), 'utf8');
    expect(summary).toMatch(/^## k8s-audit: manifests — score /);
    expect(readFileSync(join(dir, 'report.md'), 'utf8').length).toBeGreaterThan(5 * summary.length);
  });

  it('rejects a file that is not a scan result', async () => {
    const f = join(tmp, 'other.json');
    writeFileSync(f, '{"hello": 1}');
    const r = await runCli(['report', f, '--format', 'md']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a k8s-audit scan result/);
  });
});

describe('exit code and output plan (pure)', () => {
  const result = scanManifests(join(repo, 'test/scenarios/demo'));
  it('fails on findings at or above the threshold only', () => {
    expect(exitCodeFor(result, 'none')).toBe(0);
    expect(exitCodeFor(result, 'info')).toBe(1);
    expect(exitCodeFor({ results: result.results.filter((r) => r.severity !== 'critical') }, 'critical')).toBe(0);
    expect(exitCodeFor({ results: result.results.map((r) => ({ ...r, status: r.status === 'fail' ? 'waived' : r.status })) }, 'info')).toBe(0);
  });
  it('maps formats to destinations', () => {
    expect(parseFormats(['json,md', 'html', 'md'])).toEqual(['json', 'md', 'html']);
    expect(destinations(['json'], undefined)).toEqual([{ format: 'json' }]);
    expect(destinations(['html'], 'r.html')).toEqual([{ format: 'html', path: 'r.html' }]);
    expect(destinations(['json', 'html'], 'out').map((d) => d.path)).toEqual(['out/scan.json', 'out/report.html']);
    // Several formats into a path named like one report: refused, not made a directory called out.json.
    expect(() => destinations(['json', 'html'], 'out.json')).toThrow('2 formats need -o <directory>; out.json names a file');
    expect(destinations(['json', 'html'], 'reports.2026-12').map((d) => d.path)).toEqual(['reports.2026-12/scan.json', 'reports.2026-12/report.html']);
  });
});
