import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseManifests, snapshotFromObjects } from '../../src/collect/manifests.ts';
import { DEFAULT_WAIVER_OWNER } from '../../src/engine/default-waivers.ts';
import { allControls, selectControls } from '../../src/engine/registry.ts';
import type { ScanResult } from '../../src/engine/result.ts';
import { summarize } from '../../src/engine/run.ts';
import { WAIVER_EXPIRED_ID, applyWaivers, covers, defaultWaivers, globMatch, isExpired, parseWaivers } from '../../src/engine/waivers.ts';
import { UsageError } from '../../src/errors.ts';
import { evaluateSnapshot } from '../../src/scan.ts';
import { runCli } from '../helpers/io.ts';
import { scanResultValidator } from '../helpers/schema.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir('k8s-audit-waivers-');

const WORKLOADS = `
apiVersion: v1
kind: Namespace
metadata: { name: payments, labels: { pod-security.kubernetes.io/enforce: restricted } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: payments }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers: [{ name: api, image: registry.example/api:1.0, securityContext: { privileged: true } }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api-canary, namespace: payments }
spec:
  selector: { matchLabels: { app: api-canary } }
  template:
    metadata: { labels: { app: api-canary } }
    spec:
      containers: [{ name: api, image: registry.example/api:1.1, securityContext: { privileged: true } }]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: kube-system }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      containers: [{ name: agent, image: registry.example/agent:2.0, securityContext: { privileged: true }, volumeMounts: [{ name: docker, mountPath: /var/run/docker.sock }] }]
      volumes: [{ name: docker, hostPath: { path: /var/run/docker.sock } }]
`;

const NOW = new Date('2026-03-15T12:00:00Z');

function scan(): ScanResult {
  const snapshot = snapshotFromObjects(parseManifests(WORKLOADS, 'workloads.yaml'), { asCluster: true, serverVersion: { gitVersion: 'v1.37.2', major: '1', minor: '37' } });
  return evaluateSnapshot(snapshot, { controls: selectControls(['pod-privileged', 'pod-hostpath-sensitive', 'namespace-psa-enforce']) }, NOW);
}

function privileged(r: ScanResult, name: string) {
  return r.results.find((x) => x.controlId === 'pod-privileged' && x.subject.name === name && (x.status === 'fail' || x.status === 'waived'))!;
}

function expectUsage(text: string, message: RegExp) {
  let err: unknown;
  try {
    parseWaivers(text, 'waivers.yaml');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(UsageError);
  const m = (err as Error).message;
  expect(m).toMatch(message);
  expect(m.split('\n')).toHaveLength(1);
}

describe('waiver file validation', () => {
  const valid = (extra = '') => `waivers:\n  - controls: [pod-privileged]\n    subject: { namespace: payments, name: api }\n    owner: alice\n    reason: vendor image needs it until 2.0\n    expires: 2026-06-30\n${extra}`;

  it('aliases to nothing, alias bombs and timestamps that are not a plain date are one line (exit 2), not a crash or a shifted date', () => {
    expectUsage('waivers:\n  - *nope\n', /^waivers\.yaml: invalid YAML: Unresolved alias/);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`), 'waivers: []'].join('\n');
    expectUsage(bomb, /^waivers\.yaml: invalid YAML: Excessive alias count/);
    // 23:00 at UTC-5 is the next day in UTC: neither day is what a waiver of that date means.
    expectUsage(valid().replace('expires: 2026-06-30', 'expires: !!timestamp 2026-06-30T23:00:00-05:00'), /malformed "expires" .*expected a date as YYYY-MM-DD/);
    expectUsage(`%YAML 1.1\n---\n${valid().replace('expires: 2026-06-30', 'expires: 2026-06-30 10:00:00')}`, /malformed "expires"/);
    // A date-only timestamp is that day.
    expect(parseWaivers(valid().replace('expires: 2026-06-30', 'expires: !!timestamp 2026-06-30'), 'waivers.yaml')[0]!.expires).toBe('2026-06-30');
  });

  it('reads the documented form and a bare list', () => {
    const a = parseWaivers(valid(), 'waivers.yaml');
    expect(a).toEqual([
      { id: 'waivers.yaml#1', controls: ['pod-privileged'], subject: { namespace: 'payments', name: 'api' }, owner: 'alice', reason: 'vendor image needs it until 2.0', expires: '2026-06-30', source: 'file' },
    ]);
    const b = parseWaivers('- control: pod-privileged\n  id: api-privileged\n  subject: { kind: Deployment }\n  owner: bob\n  reason: r\n  expires: "2026-01-31"\n', '/etc/w.yaml');
    expect(b[0]).toMatchObject({ id: 'api-privileged', controls: ['pod-privileged'], expires: '2026-01-31' });
    expect(parseWaivers('', 'empty.yaml')).toEqual([]);
  });

  it('rejects what is wrong, in one line naming the file and the entry', () => {
    expectUsage(valid().replace('pod-privileged', 'pod-privilegd'), /^waivers\.yaml: waiver 1: unknown control id "pod-privilegd" \(did you mean pod-privileged\?\)/);
    expectUsage(valid().replace('    owner: alice\n', ''), /^waivers\.yaml: waiver 1: missing "owner"$/);
    expectUsage(valid().replace('owner: alice', 'owner: ""'), /waiver 1: "owner" must be a non-empty string/);
    expectUsage(valid().replace('    reason: vendor image needs it until 2.0\n', ''), /waiver 1: missing "reason"/);
    expectUsage(valid().replace('2026-06-30', '30/06/2026'), /waiver 1: malformed "expires" "30\/06\/2026": expected a date as YYYY-MM-DD/);
    expectUsage(valid().replace('2026-06-30', '2026-02-30'), /waiver 1: malformed "expires" "2026-02-30": no such date/);
    expectUsage(valid().replace('    expires: 2026-06-30\n', ''), /waiver 1: missing "expires"/);
    expectUsage(valid().replace('subject: { namespace: payments, name: api }', 'subject: {}'), /waiver 1: the subject names none of kind, namespace or name/);
    expectUsage(valid().replace('subject: { namespace: payments, name: api }', 'subject: { namespace: payments, image: x }'), /unknown subject field "image"/);
    expectUsage(valid().replace('    owner: alice', '    ownr: alice\n    owner: alice'), /waiver 1: unknown field "ownr"/);
    expectUsage(valid().replace('controls: [pod-privileged]', 'controls: []'), /waiver 1: missing "controls"/);
    expectUsage('waivers:\n  - controls: [pod-privileged\n', /^waivers\.yaml(:\d+)?: invalid YAML/);
    expectUsage('kind: Waivers\n', /expected a list of waivers/);
    expectUsage(valid() + valid().replace('waivers:\n', '').replace('- controls', '- id: "waivers.yaml#1"\n    controls'), /two waivers have the id "waivers\.yaml#1"/);
  });

  it('names a missing file, and the CLI exits 2 with that one line before touching any cluster', async () => {
    const r = await runCli(['scan', '--kubeconfig', '/nonexistent/kubeconfig', '--waivers', join(tmp, 'nope.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`k8s-audit: waivers file not found: ${join(tmp, 'nope.yaml')}\n`);
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, valid().replace('pod-privileged', 'nope'));
    const r2 = await runCli(['scan', '--kubeconfig', '/nonexistent/kubeconfig', '--waivers', bad]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/^k8s-audit: .*bad\.yaml: waiver 1: unknown control id "nope"/);
    expect(r2.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('matching', () => {
  it('globs match whole values; * and ? are the only special characters', () => {
    expect(globMatch('api', 'api')).toBe(true);
    expect(globMatch('api', 'api-canary')).toBe(false);
    expect(globMatch('api*', 'api-canary')).toBe(true);
    expect(globMatch('*-canary', 'api-canary')).toBe(true);
    expect(globMatch('ap?', 'api')).toBe(true);
    expect(globMatch('ap?', 'apis')).toBe(false);
    expect(globMatch('a.i', 'api')).toBe(false);
    expect(globMatch('team-(a|b)*', 'team-(a|b)-x')).toBe(true);
    expect(globMatch('team-(a|b)*', 'team-a-x')).toBe(false);
  });

  it('a waiver covers a result when a control matches and every subject field it gives matches', () => {
    const r = { controlId: 'pod-privileged', subject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'payments', name: 'api' } };
    expect(covers({ controls: ['pod-privileged'], subject: { name: 'api' } }, r)).toBe(true);
    expect(covers({ controls: ['pod-privileged'], subject: { kind: 'DaemonSet', name: 'api' } }, r)).toBe(false);
    expect(covers({ controls: ['pss-baseline-capabilities'], subject: { name: 'api' } }, r)).toBe(false);
    expect(covers({ controls: ['pod-privileged'], subject: { namespace: 'pay*' } }, r)).toBe(true);
    // A namespace pattern never matches a cluster-scoped subject by accident.
    expect(covers({ controls: ['pod-privileged'], subject: { namespace: 'p*' } }, { ...r, subject: { apiVersion: 'v1', kind: 'Node', name: 'n' } })).toBe(false);
    const crb = { ...r, subject: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'ci-deployer' } };
    expect(covers({ controls: ['pod-privileged'], subject: { namespace: '*', name: 'ci-deployer' } }, crb)).toBe(false);
    expect(covers({ controls: ['pod-privileged'], subject: { name: 'ci-deployer' } }, crb)).toBe(true);
    // A Namespace is in its own namespace, as summaries and the diff's scope count it.
    const ns = { ...r, subject: { apiVersion: 'v1', kind: 'Namespace', name: 'monitoring' } };
    expect(covers({ controls: ['pod-privileged'], subject: { namespace: 'monitoring' } }, ns)).toBe(true);
    expect(covers({ controls: ['pod-privileged'], subject: { namespace: 'other' } }, ns)).toBe(false);
  });

  it('a waiver is valid through its expiry day (UTC) and expired from the next day', () => {
    expect(isExpired({ expires: '2026-03-15' }, new Date('2026-03-15T23:59:59.999Z'))).toBe(false);
    expect(isExpired({ expires: '2026-03-15' }, new Date('2026-03-16T00:00:00Z'))).toBe(true);
    expect(isExpired({}, new Date('2999-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('applying waivers', () => {
  const file = parseWaivers(
    `waivers:
  - controls: [pod-privileged]
    subject: { kind: Deployment, namespace: payments, name: "api-*" }
    owner: alice
    reason: canaries run the vendor build
    expires: 2026-12-31
  - controls: [pod-privileged]
    subject: { namespace: payments, name: api }
    owner: bob
    reason: promised to fix last year
    expires: 2026-01-31
`,
    'waivers.yaml',
  );

  it('waived findings stay in the results as waived, with the waiver; others are untouched', () => {
    const before = scan();
    const after = applyWaivers(before, file, NOW);
    const canary = privileged(after, 'api-canary');
    expect(canary.status).toBe('waived');
    expect(canary.waiver).toEqual({ id: 'waivers.yaml#1', owner: 'alice', reason: 'canaries run the vendor build', expires: '2026-12-31' });
    expect(canary.message).toBe(privileged(before, 'api-canary').message);
    expect(after.results.filter((r) => r.controlId !== WAIVER_EXPIRED_ID)).toHaveLength(before.results.length);
    expect(before.results.every((r) => r.status !== 'waived'), 'the input is not modified').toBe(true);
  });

  it('an expired waiver waives nothing and is a failing result of its own', () => {
    const after = applyWaivers(scan(), file, NOW);
    const api = privileged(after, 'api');
    expect(api.status).toBe('fail');
    expect(api.waiver).toBeUndefined();
    const expired = after.results.filter((r) => r.controlId === WAIVER_EXPIRED_ID);
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ status: 'fail', severity: 'low', subject: { kind: 'Waiver', name: 'waivers.yaml#2' }, observed: '2026-01-31', data: { owner: 'bob', matched: 1 } });
    expect(expired[0]!.message).toContain('expired on 2026-01-31');
    const control = after.controls.find((c) => c.id === WAIVER_EXPIRED_ID)!;
    expect(control).toMatchObject({ status: 'fail', counts: { fail: 1 } });
    expect(after.waivers).toEqual([
      expect.objectContaining({ id: 'waivers.yaml#1', status: 'active', matched: 1, source: 'file' }),
      expect.objectContaining({ id: 'waivers.yaml#2', status: 'expired', matched: 1, source: 'file' }),
    ]);
  });

  it('an expired waiver counts apart what another waiver still waives; a file may not take a default\'s id', () => {
    const shadowed = parseWaivers(
      `waivers:
  - controls: [pod-privileged]
    subject: { namespace: payments, name: "api*" }
    owner: carol
    reason: old blanket waiver
    expires: 2026-01-31
  - controls: [pod-privileged]
    subject: { kind: Deployment, namespace: payments, name: "api-*" }
    owner: alice
    reason: canaries run the vendor build
    expires: 2026-12-31
`,
      'waivers.yaml',
    );
    const after = applyWaivers(scan(), shadowed, NOW);
    const expired = after.results.find((r) => r.controlId === WAIVER_EXPIRED_ID)!;
    // It covers api (failing again) and api-canary (waived by alice's waiver).
    expect(expired.message).toContain('1 failing result it would cover is reported as failing (1 more is waived by another waiver).');
    expect(after.waivers!.map((w) => [w.id, w.matched])).toEqual([
      ['waivers.yaml#1', 2],
      ['waivers.yaml#2', 1],
    ]);
    expectUsage('- control: pod-privileged\n  id: "defaults#1"\n  subject: { name: api }\n  owner: o\n  reason: r\n  expires: 2026-06-30\n', /the id "defaults#1" is reserved for k8s-audit's default waivers/);
  });

  it('recomputes control statuses and the summary as summarize() would', () => {
    const only = parseWaivers('- controls: [pod-privileged]\n  subject: { name: "*" }\n  owner: o\n  reason: r\n  expires: 2027-01-01\n', 'w.yaml');
    const after = applyWaivers(scan(), only, NOW);
    const c = after.controls.find((x) => x.id === 'pod-privileged')!;
    expect(c.counts.fail).toBe(0);
    expect(c.counts.waived).toBe(3);
    expect(c.status).toBe('waived');
    expect(after.summary).toEqual(summarize(after.controls, after.results));
    expect(after.summary.results.waived).toBe(3);
    expect(after.summary.failedBySeverity.critical).toBe(0);
  });

  it('applies the default waivers visibly, with their owner and no expiry', () => {
    const after = applyWaivers(scan(), defaultWaivers(), NOW);
    const hostPath = after.results.find((r) => r.controlId === 'pod-hostpath-sensitive' && r.subject.name === 'agent')!;
    expect(hostPath.status).toBe('waived');
    expect(hostPath.waiver?.owner).toBe(DEFAULT_WAIVER_OWNER);
    expect(hostPath.waiver?.expires).toBeUndefined();
    // Defaults cover only what they name: the privileged agent still fails.
    expect(privileged(after, 'agent').status).toBe('fail');
    expect(after.waivers?.every((w) => w.source === 'defaults' && w.status === 'active')).toBe(true);
  });

  it('the result with waivers, an expired one included, validates against the JSON schema', () => {
    const after = applyWaivers(scan(), [...file, ...defaultWaivers()], NOW);
    const validate = scanResultValidator();
    const ok = validate(JSON.parse(JSON.stringify(after)));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });
});

describe('scan --waivers and --no-default-waivers (static mode)', () => {
  const manifests = join(tmp, 'workloads.yaml');
  writeFileSync(manifests, WORKLOADS);
  const waivers = join(tmp, 'waivers.yaml');
  writeFileSync(waivers, '- controls: [pod-privileged]\n  subject: { namespace: payments }\n  owner: alice\n  reason: r\n  expires: 2999-01-01\n');

  it('waives through the CLI; waived findings never trip --fail-on', async () => {
    const r = await runCli(['scan', '-f', manifests, '--controls', 'pod-privileged', '--waivers', waivers, '--format', 'json', '--fail-on', 'critical']);
    const result = JSON.parse(r.stdout) as ScanResult;
    expect(result.results.filter((x) => x.status === 'waived').map((x) => x.subject.name).sort()).toEqual(['api', 'api-canary']);
    // kube-system's privileged agent is not waived by anyone, so the scan still fails on critical.
    expect(r.code).toBe(1);
    const waiveAll = join(tmp, 'all.yaml');
    writeFileSync(waiveAll, '- controls: [pod-privileged]\n  subject: { name: "*" }\n  owner: alice\n  reason: r\n  expires: 2999-01-01\n');
    const r2 = await runCli(['scan', '-f', manifests, '--controls', 'pod-privileged', '--waivers', waiveAll, '--format', 'json', '--fail-on', 'critical']);
    expect(r2.code).toBe(0);
  });

  it('--no-default-waivers leaves the defaults out', async () => {
    const withDefaults = JSON.parse((await runCli(['scan', '-f', manifests, '--controls', 'pod-hostpath-sensitive', '--format', 'json'])).stdout) as ScanResult;
    expect(withDefaults.results.find((x) => x.subject.name === 'agent')?.status).toBe('waived');
    const without = JSON.parse((await runCli(['scan', '-f', manifests, '--controls', 'pod-hostpath-sensitive', '--no-default-waivers', '--format', 'json'])).stdout) as ScanResult;
    expect(without.results.find((x) => x.subject.name === 'agent')?.status).toBe('fail');
    expect(without.waivers).toBeUndefined();
  });

  it('every control id of the defaults is registered (so the defaults never fail validation)', () => {
    const ids = new Set(allControls().map((c) => c.meta.id));
    for (const w of defaultWaivers()) for (const id of w.controls) expect(ids.has(id)).toBe(true);
  });
});

describe('applying waivers: cost', () => {
  // Counted, not timed. 300,000 findings and 400 waivers took 2.6 s: every finding was checked against every waiver,
  // and a glob compiled again for each check. Now a finding meets only the waivers that list its control, and each
  // glob is compiled once.
  const run = (findings: number) => {
    const base = scan();
    const api = privileged(base, 'api');
    const results = Array.from({ length: findings }, (_, i) => ({ ...api, subject: { ...api.subject, name: `api-${i}` } }));
    let controlReads = 0;
    const watched = (w: ReturnType<typeof parseWaivers>[number]) =>
      new Proxy(w, {
        get(target, key, receiver) {
          if (key === 'controls') controlReads++;
          return Reflect.get(target, key, receiver);
        },
      });
    const others = Array.from({ length: 100 }, (_, i) => ({ id: `w${i}`, controls: [`other-control-${i}`], subject: { name: `x-${i}-*` }, owner: 'o', reason: 'r', expires: '2099-01-01', source: 'file' as const }));
    const waivers = [...others, { id: 'api', controls: ['pod-privileged'], subject: { namespace: 'pay*', name: 'api-1?' }, owner: 'o', reason: 'r', expires: '2099-01-01', source: 'file' as const }].map(watched);
    let compiled = 0;
    const Real = RegExp;
    vi.stubGlobal(
      'RegExp',
      new Proxy(Real, {
        construct(target, args) {
          compiled++;
          return Reflect.construct(target, args);
        },
      }),
    );
    let after: ScanResult;
    try {
      after = applyWaivers({ ...base, results }, waivers, NOW);
    } finally {
      vi.unstubAllGlobals();
    }
    const waived = after.results.filter((r) => r.status === 'waived').map((r) => r.subject.name);
    return { controlReads, compiled, waived };
  };

  it('checks a finding against the waivers of its control only, compiling each glob once', () => {
    const small = run(500);
    const large = run(4000);
    expect(small.waived).toEqual(Array.from({ length: 10 }, (_, i) => `api-1${i}`).sort());
    expect(large.waived).toEqual(small.waived);
    // Each finding meets the one waiver of its control (plus a read of each waiver to index them): not all 101.
    for (const [r, findings] of [[small, 500], [large, 4000]] as const) expect(r.controlReads).toBeLessThanOrEqual(findings + 3 * 101);
    // Glob compilations do not grow with the findings.
    expect(large.compiled).toBeLessThanOrEqual(small.compiled);
  });
});
