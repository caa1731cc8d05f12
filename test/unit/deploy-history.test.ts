// What the CronJob does in its pod: scan --history <dir> --keep <n>.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { listRuns, runName, writeRun } from '../../src/cli/history.ts';
import type { ScanResult } from '../../src/engine/result.ts';
import { runCli } from '../helpers/io.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir('k8s-audit-history-');

function manifests(privileged: string[]): string {
  const f = join(tmp, `m-${privileged.join('-') || 'none'}.yaml`);
  writeFileSync(
    f,
    ['a', 'b', 'c']
      .map(
        (n) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${n}, namespace: team }
spec:
  selector: { matchLabels: { app: ${n} } }
  template:
    metadata: { labels: { app: ${n} } }
    spec:
      containers: [{ name: main, image: registry.example/${n}:1.0, securityContext: { privileged: ${privileged.includes(n)} } }]
`,
      )
      .join('---\n'),
  );
  return f;
}

async function cronRun(dir: string, file: string, keep?: number) {
  return runCli(['scan', '-f', file, '--controls', 'pod-privileged', '--history', dir, ...(keep ? ['--keep', String(keep)] : [])]);
}

describe('scan --history', () => {
  it('writes the four reports per run, compares each run with the previous one and prints one line', async () => {
    const dir = join(tmp, 'reports');
    const first = await cronRun(dir, manifests(['a', 'b']));
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    const runs1 = listRuns(dir);
    expect(runs1).toHaveLength(1);
    expect(readdirSync(join(dir, runs1[0]!)).sort()).toEqual(['report.html', 'report.md.gz', 'report.summary.md', 'scan.json.gz']);
    expect(readFileSync(join(dir, runs1[0]!, 'report.summary.md'), 'utf8')).toMatch(/^## k8s-audit: manifests — score /);
    expect(gunzipSync(readFileSync(join(dir, runs1[0]!, 'report.md.gz'))).toString('utf8')).toMatch(/^# /);
    expect(first.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(first.stdout).toMatch(/^k8s-audit \S+Z: score .*; no earlier scan to compare with; wrote .*reports\/\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z\n$/);

    const second = await cronRun(dir, manifests(['a', 'c']));
    expect(second.code).toBe(0);
    const runs2 = listRuns(dir);
    expect(runs2).toHaveLength(2);
    expect(second.stdout).toMatch(/; 1 new, 1 unchanged, 1 fixed since \S+; wrote /);
    const latest = JSON.parse(gunzipSync(readFileSync(join(dir, runs2[1]!, 'scan.json.gz'))).toString('utf8')) as ScanResult;
    expect(latest.baseline).toMatchObject({ file: join(dir, runs2[0]!, 'scan.json.gz'), new: 1, unchanged: 1 });
    expect(latest.baseline!.fixed.map((f) => f.subject.name)).toEqual(['b']);
    expect(latest.results.find((r) => r.subject.name === 'c' && r.status === 'fail')?.change).toBe('new');
    // The run at a glance says what changed since the run before.
    const summary = readFileSync(join(dir, runs2[1]!, 'report.summary.md'), 'utf8');
    expect(summary).toContain('**1 new**, 1 unchanged, 1 fixed');
    expect(summary).toContain('### New since the baseline (1)');
  });

  it('compares with a run an earlier version wrote (an uncompressed scan.json)', async () => {
    const dir = join(tmp, 'legacy');
    await cronRun(dir, manifests(['a', 'b']));
    const [old] = listRuns(dir);
    const json = gunzipSync(readFileSync(join(dir, old!, 'scan.json.gz')));
    writeFileSync(join(dir, old!, 'scan.json'), json);
    renameSync(join(dir, old!, 'scan.json.gz'), join(tmp, 'legacy-moved.gz'));
    const r = await cronRun(dir, manifests(['a', 'c']));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/; 1 new, 1 unchanged, 1 fixed since /);
  });

  it('makes room before writing: never more than --keep runs, and the newest stays until the next is written', async () => {
    const dir = join(tmp, 'room');
    const file = manifests(['a']);
    for (let i = 0; i < 3; i++) expect((await cronRun(dir, file, 3)).code).toBe(0);
    const before = listRuns(dir);
    expect(before).toHaveLength(3);
    // Later than the runs just written (runs dated ten minutes ahead of the clock count as the oldest).
    const [t1, t2, t3] = [1, 2, 3].map((m) => new Date(Date.now() + m * 60_000).toISOString());
    const name = (t: string) => t.replace(/:/g, '-');
    let seen: string[] = [];
    const w = writeRun(dir, runName(dir, t1!), 3, () => {
      seen = listRuns(dir);
    });
    expect(seen).toEqual(before.slice(1)); // while writing: keep - 1 runs
    expect(w.pruned).toEqual([before[0]]);
    expect(listRuns(dir)).toEqual([...before.slice(1), name(t1!)]);
    // A volume full even with only the newest earlier run kept: the run fails with one line that says so, the room
    // made stays made (the baseline is kept), and the next run can go on.
    expect(() =>
      writeRun(dir, runName(dir, t2!), 3, () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }),
    ).toThrow(
      new RegExp(
        `^--history .*: cannot write .*${name(t2!).replace(/\./g, '\\.')}: ENOSPC: no space left on device, write \\(the volume is full with only the newest earlier run kept, the baseline: give it room for two runs\\)$`,
      ),
    );
    expect(listRuns(dir)).toEqual([name(t1!)]);
    expect(readdirSync(dir).filter((n) => n.endsWith('.partial'))).toEqual([]);
    // Full with no earlier run at all: no --keep would help, and the message does not suggest one.
    const empty = join(tmp, 'empty-full');
    mkdirSync(empty);
    expect(() =>
      writeRun(empty, runName(empty, t2!), 3, () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }),
    ).toThrow(/: ENOSPC: no space left on device, write \(the volume cannot hold one run: give it more room\)$/);
    // --keep 1: the only run stays while the next is written.
    const one = writeRun(dir, runName(dir, t3!), 1, () => {
      seen = listRuns(dir);
    });
    expect(seen).toEqual([name(t1!)]);
    expect(listRuns(dir)).toEqual([name(t3!)]);
    expect(one.pruned).toEqual([name(t1!)]);
  });

  it('a volume that fills up before it holds --keep runs: the newest earlier run is kept, the older ones make room', async () => {
    const dir = join(tmp, 'small');
    const file = manifests(['a']);
    for (let i = 0; i < 3; i++) expect((await cronRun(dir, file, 10)).code).toBe(0);
    const before = listRuns(dir);
    const next = new Date(Date.now() + 60_000).toISOString();
    let writes = 0;
    // The first write finds the volume full (it holds 3 runs of the 10 kept); pruning to keep - 1 made no room.
    const w = writeRun(dir, runName(dir, next), 10, (into) => {
      if (writes++ === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      writeFileSync(join(into, 'scan.json.gz'), 'x');
    });
    expect(writes).toBe(2);
    expect(w.full).toBe(true);
    expect(w.pruned).toEqual(before.slice(0, 2));
    expect(listRuns(dir)).toEqual([before[2], next.replace(/:/g, '-')]);
    expect(readdirSync(dir).filter((n) => n.endsWith('.partial'))).toEqual([]);
    // Another error than a full volume is not retried, and prunes nothing more.
    expect(() =>
      writeRun(dir, runName(dir, new Date(Date.now() + 120_000).toISOString()), 10, () => {
        throw Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES', syscall: 'open' });
      }),
    ).toThrow(/EACCES: permission denied, open$/);
    expect(listRuns(dir)).toHaveLength(2);
  });

  it('keeps the newest --keep runs and touches nothing else in the directory', async () => {
    const dir = join(tmp, 'pruned');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    mkdirSync(join(dir, 'archive'));
    const file = manifests(['a']);
    for (let i = 0; i < 4; i++) expect((await cronRun(dir, file, 2)).code).toBe(0);
    const runs = listRuns(dir);
    expect(runs).toHaveLength(2);
    expect(readdirSync(dir).sort()).toEqual([...runs, 'archive', 'notes.txt'].sort());
  });

  it('never takes an interrupted run as the baseline, and clears it once it is stale', async () => {
    const dir = join(tmp, 'partial');
    const file = manifests(['a']);
    await cronRun(dir, file);
    // A run killed mid-write: newer than the completed one, with a scan.json that says nothing failed.
    const killed = join(dir, '.2999-01-01T00-00-00.000Z.partial');
    mkdirSync(killed);
    writeFileSync(join(killed, 'scan.json.gz'), '{"truncated":');
    const r = await cronRun(dir, file);
    expect(r.stdout).toMatch(/0 new, 1 unchanged, 0 fixed/);
    expect(existsSync(killed)).toBe(true); // too recent to be called stale
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(killed, old, old);
    await cronRun(dir, file);
    expect(existsSync(killed)).toBe(false);
  });

  it('a damaged earlier scan is skipped for the one before it; with none readable, every finding counts as new', async () => {
    const dir = join(tmp, 'damaged');
    const file = manifests(['a']);
    await cronRun(dir, file);
    await new Promise((r) => setTimeout(r, 5)); // two runs, two start times
    await cronRun(dir, file);
    const [first, second] = listRuns(dir);
    writeFileSync(join(dir, second!, 'scan.json.gz'), 'not json');
    const r = await cronRun(dir, file);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^k8s-audit: warning: the earlier scan \\S*${second}\\S* cannot be used as a baseline \\(.*is not JSON.*\\); trying the one before\n$`));
    expect(r.stdout).toContain(`0 new, 1 unchanged, 0 fixed since ${first!.replace(/T(\d\d)-(\d\d)-/, 'T$1:$2:')}`);
    // Every earlier run damaged: nothing to compare with, so the finding is new, and --fail-on-new fails on it.
    for (const run of listRuns(dir)) writeFileSync(join(dir, run, 'scan.json.gz'), 'not json');
    const none = await runCli(['scan', '-f', file, '--controls', 'pod-privileged', '--history', dir, '--fail-on-new']);
    expect(none.stderr).toMatch(/k8s-audit: warning: no earlier scan in the history can be read; every finding counts as new\n$/);
    expect(none.stdout).toMatch(/1 new, 0 unchanged, 0 fixed since /);
    expect(none.code).toBe(1);
  });

  it('the first run of a history (nothing earlier to compare with) counts every failing finding as new for --fail-on-new', async () => {
    // A CI job gating with `--history <cache> --fail-on-new` must not pass its first run, with nothing seen before,
    // while the same job with every earlier run unreadable fails (the test above): nothing was there before either way.
    const dir = join(tmp, 'first-gate');
    const file = manifests(['a']);
    const first = await runCli(['scan', '-f', file, '--controls', 'pod-privileged', '--history', dir, '--fail-on-new', '--fail-on', 'critical']);
    expect(first.stdout).toMatch(/; no earlier scan to compare with; wrote /);
    expect(first.code).toBe(1);
    // The second run compares with the first: the same finding is unchanged, and the gate passes.
    const second = await runCli(['scan', '-f', file, '--controls', 'pod-privileged', '--history', dir, '--fail-on-new', '--fail-on', 'critical']);
    expect(second.stdout).toMatch(/; 0 new, 1 unchanged, 0 fixed since /);
    expect(second.code).toBe(0);
    // Nothing failing on a first run: nothing new either.
    const clean = await runCli(['scan', '-f', manifests([]), '--controls', 'pod-privileged', '--history', join(tmp, 'first-clean'), '--fail-on-new']);
    expect(clean.code).toBe(0);
  });

  it("on a terminal the summary line is printed once: the run's own line on stdout already carries it", async () => {
    // As for a table on a terminal (6b10bfa): `scan --history <dir>` run by hand printed the score line twice, in the
    // run's line on stdout and again on stderr.
    const dir = join(tmp, 'terminal');
    const r = await runCli(['scan', '-f', manifests(['a']), '--controls', 'pod-privileged', '--history', dir], { tty: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^k8s-audit \S+: score .*; no earlier scan to compare with; wrote /);
    expect(`${r.stdout}${r.stderr}`.match(/score \d/g)).toHaveLength(1);
  });

  it('a run dated in the future (a clock set ahead) is taken for the oldest: not the baseline, and pruned first', async () => {
    const dir = join(tmp, 'skew');
    const file = manifests(['a']);
    await cronRun(dir, file);
    const [real] = listRuns(dir);
    const ahead = `${new Date(Date.now() + 365 * 86400_000).toISOString().replace(/:/g, '-')}`;
    cpSync(join(dir, real!), join(dir, ahead), { recursive: true });
    expect(listRuns(dir)).toEqual([ahead, real]);
    const fixedFile = manifests([]);
    const r = await cronRun(dir, fixedFile, 2);
    // Compared with the real run before it, not the one from the future.
    expect(r.stdout).toContain(`0 new, 0 unchanged, 1 fixed since ${real!.replace(/T(\d\d)-(\d\d)-/, 'T$1:$2:')}`);
    const runs = listRuns(dir);
    expect(runs).toHaveLength(2);
    expect(runs).not.toContain(ahead);
    expect(runs[0]).toBe(real);
  });

  it('flag combinations that make no sense exit 2 before scanning', async () => {
    const file = manifests([]);
    const cases: [string[], string][] = [
      [['--history', join(tmp, 'x'), '-o', join(tmp, 'x.json')], '--history writes report.html, report.md.gz, report.summary.md and scan.json.gz itself; leave out -o and --format'],
      [['--history', join(tmp, 'x'), '--baseline', join(tmp, 'x.json')], '--history compares with the previous scan in its directory; leave out --baseline'],
      [['--keep', '3'], '--keep needs --history'],
      [['--history', join(tmp, 'x'), '--keep', '0'], '--keep must be an integer from 1 to 1000, got "0"'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['scan', '-f', file, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(`k8s-audit: ${message}\n`);
    }
  });

  it('run names sort by time and never collide', () => {
    const dir = join(tmp, 'names');
    mkdirSync(dir, { recursive: true });
    const a = runName(dir, '2026-05-01T02:00:00.000Z');
    expect(a).toBe('2026-05-01T02-00-00.000Z');
    mkdirSync(join(dir, a));
    const b = runName(dir, '2026-05-01T02:00:00.000Z');
    expect(b).toBe('2026-05-01T02-00-00.000Z-2');
    mkdirSync(join(dir, b));
    mkdirSync(join(dir, '2026-04-30T23-59-59.999Z'));
    expect(listRuns(dir)).toEqual(['2026-04-30T23-59-59.999Z', a, b]);
  });
});
