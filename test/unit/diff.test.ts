import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifests, snapshotFromObjects } from '../../src/collect/manifests.ts';
import { applyBaseline, diffScans } from '../../src/engine/diff.ts';
import { applyWaivers, defaultWaivers, parseWaivers } from '../../src/engine/waivers.ts';
import { selectControls } from '../../src/engine/registry.ts';
import type { ScanResult } from '../../src/engine/result.ts';
import { evaluateSnapshot } from '../../src/scan.ts';
import { DIFF_MD_MAX_CHARS, renderDiff, renderDiffChunks } from '../../src/cli/diff.ts';
import { exitCodeForNew } from '../../src/cli/exit.ts';
import { compactBaseline } from '../../src/cli/scan-file.ts';
import { runCli } from '../helpers/io.ts';
import { scanResultValidator } from '../helpers/schema.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir('k8s-audit-diff-');

function deployment(name: string, ns: string, securityContext: Record<string, unknown>, image = 'registry.example/app:1.0'): string {
  return `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${ns} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers: [{ name: main, image: ${image}, securityContext: ${JSON.stringify(securityContext)} }]
`;
}

const CONTROLS = selectControls(['pod-privileged', 'pod-image-tag-latest']);

function scanOf(yaml: string, at: string, opts: { namespaces?: string[]; controls?: ReturnType<typeof selectControls> } = {}): ScanResult {
  const snapshot = snapshotFromObjects(parseManifests(yaml, 'x.yaml'), { asCluster: true });
  return evaluateSnapshot(snapshot, { controls: opts.controls ?? CONTROLS, ...(opts.namespaces ? { namespaces: opts.namespaces } : {}) }, new Date(at));
}

// Before: a and b privileged, c uses :latest. After: a still privileged, b fixed, d newly privileged, c unchanged.
const BEFORE = scanOf(
  deployment('a', 'team', { privileged: true }) + deployment('b', 'team', { privileged: true }) + deployment('c', 'team', {}, 'registry.example/app:latest'),
  '2026-03-01T00:00:00Z',
);
const AFTER = scanOf(
  deployment('a', 'team', { privileged: true }) +
    deployment('b', 'team', { privileged: false }) +
    deployment('c', 'team', {}, 'registry.example/app:latest') +
    deployment('d', 'team', { privileged: true }),
  '2026-03-02T00:00:00Z',
);

/** The scan with only subject `name`'s results. */
const selectOnly = (scan: ScanResult, name: string): ScanResult => ({ ...scan, results: scan.results.filter((r) => r.subject.name === name) });

const names = (rs: { controlId: string; subject: { name: string } }[]) => rs.map((r) => `${r.controlId}:${r.subject.name}`).sort();

describe('diffScans', () => {
  it('matches a container\'s findings by its name: a container added before it makes none of them new or fixed', () => {
    const two = (containers: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: team }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: ${containers}
`;
    const app = '{ name: app, image: registry.example/app:latest, securityContext: { privileged: true } }';
    const sidecar = '{ name: proxy, image: registry.example/proxy:1.0 }';
    const before = scanOf(two(`[${app}]`), '2026-03-01T00:00:00Z');
    const after = scanOf(two(`[${sidecar}, ${app}]`), '2026-03-02T00:00:00Z');
    const d = diffScans(before, after);
    expect(names(d.unchanged)).toEqual(['pod-image-tag-latest:web', 'pod-privileged:web']);
    expect(d.new).toEqual([]);
    expect(d.fixed).toEqual([]);
    // The fingerprints themselves name the index, so they did change.
    expect(after.results.find((r) => r.controlId === 'pod-privileged' && r.status === 'fail')!.fingerprint).not.toBe(
      before.results.find((r) => r.controlId === 'pod-privileged' && r.status === 'fail')!.fingerprint,
    );
  });

  it('matches a finding on an entry of a list by its text, not its place: an entry added before it is new, and it is unchanged', () => {
    const controls = selectControls(['pod-secret-env', 'pod-hostpath-sensitive', 'rbac-cluster-admin-binding']);
    const scan = (extra: { env?: string; mount?: string; volume?: string; subject?: string }, at: string) =>
      scanOf(
        `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: team }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: app
          image: registry.example/app:1.0
          env: [${extra.env ?? ''}{ name: DB_PASSWORD, valueFrom: { secretKeyRef: { name: db, key: password } } }]
          volumeMounts: [${extra.mount ?? ''}{ name: docker, mountPath: /var/run/docker.sock }]
      volumes: [${extra.volume ?? ''}{ name: docker, hostPath: { path: /var/run/docker.sock } }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ci }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [${extra.subject ?? ''}{ kind: ServiceAccount, name: ci, namespace: team }]
`,
        at,
        { controls },
      );
    const before = scan({}, '2026-03-01T00:00:00Z');
    const after = scan(
      {
        env: '{ name: LOG_LEVEL, value: debug }, ',
        mount: '{ name: tmp, mountPath: /tmp }, ',
        volume: '{ name: tmp, emptyDir: {} }, ',
        subject: '{ kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io }, ',
      },
      '2026-03-02T00:00:00Z',
    );
    const d = diffScans(before, after);
    // Only the grant to the Group is new; the Secret, the Docker socket and the ServiceAccount's grant moved down one place.
    expect(d.new.map((r) => `${r.controlId} ${r.path}: ${r.message}`)).toEqual(['rbac-cluster-admin-binding subjects[0]: ClusterRoleBinding "ci" binds cluster-admin to Group ops cluster-wide.']);
    expect(names(d.unchanged)).toEqual(['pod-hostpath-sensitive:web', 'pod-secret-env:web', 'rbac-cluster-admin-binding:ci']);
    expect(d.fixed).toEqual([]);
    // With --fail-on-new, the gate trips on the new grant, not on the moved ones.
    const marked = applyBaseline(after, before);
    expect(marked.results.filter((r) => r.change === 'new').map((r) => r.path)).toEqual(['subjects[0]']);
  });

  it("matches the findings of a Pod's own containers (injected, ephemeral) on the Pod its controller replaced it with", () => {
    const controls = selectControls(['pod-capabilities-added', 'pod-readonly-rootfs']);
    const pods = (hash: string, suffix: string, at: string) =>
      scanOf(
        `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: team, uid: d1 }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: app, image: registry.example/app:1.0, securityContext: { readOnlyRootFilesystem: true } }]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-${hash}
  namespace: team
  uid: r1
  labels: { app: web, pod-template-hash: "${hash}" }
  annotations: { deployment.kubernetes.io/revision: "1" }
  ownerReferences: [{ apiVersion: apps/v1, kind: Deployment, name: web, uid: d1, controller: true }]
spec:
  selector: { matchLabels: { app: web, pod-template-hash: "${hash}" } }
  template:
    metadata: { labels: { app: web, pod-template-hash: "${hash}" } }
    spec:
      containers: [{ name: app, image: registry.example/app:1.0, securityContext: { readOnlyRootFilesystem: true } }]
---
apiVersion: v1
kind: Pod
metadata:
  name: web-${hash}-${suffix}
  namespace: team
  labels: { app: web, pod-template-hash: "${hash}" }
  ownerReferences: [{ apiVersion: apps/v1, kind: ReplicaSet, name: web-${hash}, uid: r1, controller: true }]
spec:
  initContainers: [{ name: istio-init, image: registry.example/proxy:1.0, securityContext: { capabilities: { add: [NET_ADMIN] } } }]
  containers:
    - { name: app, image: registry.example/app:1.0, securityContext: { readOnlyRootFilesystem: true } }
    - { name: istio-proxy, image: registry.example/proxy:1.0 }
`,
        at,
        { controls },
      );
    const before = pods('7d9f8c6b5d', 'xk2pq', '2026-03-01T00:00:00Z');
    expect(before.results.filter((r) => r.status === 'fail').map((r) => `${r.subject.kind} ${r.subject.name} ${r.container}`).sort()).toEqual([
      'Pod web-7d9f8c6b5d-xk2pq istio-init',
      'Pod web-7d9f8c6b5d-xk2pq istio-init',
      'Pod web-7d9f8c6b5d-xk2pq istio-proxy',
    ]);
    // Restarted (the same ReplicaSet), and rolled out (a new one): the same containers, still there.
    for (const after of [pods('7d9f8c6b5d', 'zq7rt', '2026-03-02T00:00:00Z'), pods('5c4f9b7d8', 'm2xwv', '2026-03-02T00:00:00Z')]) {
      const d = diffScans(before, after);
      expect(d.new).toEqual([]);
      expect(d.fixed).toEqual([]);
      expect(d.unchanged).toHaveLength(3);
    }
  });

  it('does not pair by place alone a finding on a list entry that another entry took: cluster-admin given to another subject is new', () => {
    const controls = selectControls(['rbac-cluster-admin-binding', 'pod-secret-env', 'pod-hostpath-sensitive']);
    const scan = (subject: string, env: string, path: string, at: string) =>
      scanOf(
        `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ci }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [${subject}]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: team }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: app
          image: registry.example/app:1.0
          env: [{ name: ${env}, valueFrom: { secretKeyRef: { name: s, key: k } } }]
          volumeMounts: [{ name: h, mountPath: /h }]
      volumes: [{ name: h, hostPath: { path: ${path} } }]
`,
        at,
        { controls },
      );
    const before = scan('{ kind: ServiceAccount, name: ci, namespace: team }', 'DB_PASSWORD', '/proc', '2026-03-01T00:00:00Z');
    const after = scan('{ kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io }', 'CLOUD_ADMIN_KEY', '/var/run/docker.sock', '2026-03-02T00:00:00Z');
    const d = diffScans(before, after);
    // Each is another entry at the same place (subjects[0], env[0], volumeMounts[0]): a new finding, and the old one fixed.
    expect(names(d.new)).toEqual(['pod-hostpath-sensitive:web', 'pod-secret-env:web', 'rbac-cluster-admin-binding:ci']);
    expect(d.unchanged).toEqual([]);
    expect(names(d.fixed)).toEqual(['pod-hostpath-sensitive:web', 'pod-secret-env:web', 'rbac-cluster-admin-binding:ci']);
    expect(exitCodeForNew(applyBaseline(after, before), 'critical')).toBe(1);
  });

  it('still pairs a finding whose text changed in place (a new image tag, a newer wording) as unchanged', () => {
    const before = scanOf(deployment('c', 'team', {}, 'registry.example/app:latest'), '2026-03-01T00:00:00Z');
    const after = structuredClone(before);
    for (const r of after.results) if (r.status === 'fail') r.message = `${r.message} (reworded)`;
    const d = diffScans(before, after);
    expect(names(d.unchanged)).toEqual(['pod-image-tag-latest:c']);
    expect(d.new).toEqual([]);
    expect(d.fixed).toEqual([]);
  });

  it('calls an expired waiver that was renewed or deleted fixed: waivers are judged whenever they are applied', () => {
    const waiver = (expires: string) => parseWaivers(`- { id: a-priv, controls: [pod-privileged], subject: { name: a }, owner: me, reason: r, expires: ${expires} }`, 'w.yaml');
    const expired = applyWaivers(BEFORE, waiver('2026-01-01'), new Date('2026-03-01T00:00:00Z'));
    expect(expired.results.filter((r) => r.controlId === 'waiver-expired').map((r) => r.status)).toEqual(['fail']);
    for (const after of [applyWaivers(AFTER, waiver('2026-12-31'), new Date('2026-03-02T00:00:00Z')), applyWaivers(AFTER, defaultWaivers(), new Date('2026-03-02T00:00:00Z'))]) {
      const d = diffScans(expired, after);
      expect(names(d.fixed)).toContain('waiver-expired:a-priv');
      expect(names(d.notReassessed)).toEqual([]);
    }
  });

  it('counts a finding whose severity rose as new: a gate on new findings at or above a severity must see what now reaches it', () => {
    const controls = selectControls(['rbac-secrets-read']);
    const grant = (names: string, at: string) =>
      scanOf(
        `---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: app-secrets, namespace: team }
rules: [{ apiGroups: [""], resources: [secrets], verbs: [get]${names} }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: app-secrets, namespace: team }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: app-secrets }
subjects: [{ kind: ServiceAccount, name: app, namespace: team }]
`,
        at,
        { controls },
      );
    const named = grant(', resourceNames: [db-creds]', '2026-03-01T00:00:00Z');
    const every = grant('', '2026-03-02T00:00:00Z');
    expect(named.results.filter((r) => r.status === 'fail').map((r) => r.severity)).toEqual(['medium']);
    expect(every.results.filter((r) => r.status === 'fail').map((r) => r.severity)).toEqual(['high']);
    // Widened: new, and --fail-on-new --fail-on high trips.
    expect(names(diffScans(named, every).new)).toEqual(['rbac-secrets-read:app-secrets']);
    expect(exitCodeForNew(applyBaseline(every, named), 'high')).toBe(1);
    // Narrowed: the same finding, less severe: unchanged.
    expect(names(diffScans(every, named).unchanged)).toEqual(['rbac-secrets-read:app-secrets']);
    // The same, with the earlier scan read back as a baseline is (findings only, as --baseline, --history and diff
    // read it): it keeps the binding's subject, which pairs the finding at subjects[0] whose text changed.
    expect(names(diffScans(compactBaseline(every), named).unchanged)).toEqual(['rbac-secrets-read:app-secrets']);
    expect(names(diffScans(compactBaseline(named), every).new)).toEqual(['rbac-secrets-read:app-secrets']);
  });

  it('counts a failing finding that the baseline had only as waived as new (its waiver lapsed or was removed)', () => {
    const waived = (scan: ScanResult): ScanResult => ({
      ...scan,
      results: scan.results.map((r) => (r.controlId === 'pod-privileged' && r.subject.name === 'a' && r.status === 'fail' ? { ...r, status: 'waived' as const } : r)),
    });
    // Waived then failing: new, and the gate on new failures trips.
    const lapsed = diffScans(waived(BEFORE), AFTER);
    expect(names(lapsed.new)).toEqual(['pod-privileged:a', 'pod-privileged:d']);
    const marked = applyBaseline(AFTER, waived(BEFORE));
    expect(marked.results.find((r) => r.controlId === 'pod-privileged' && r.subject.name === 'a')!.change).toBe('new');
    expect(exitCodeForNew(applyBaseline(selectOnly(AFTER, 'a'), waived(BEFORE)), 'critical')).toBe(1);
    // Failing then waived, or waived both times: the same finding, unchanged.
    expect(names(diffScans(BEFORE, waived(AFTER)).unchanged)).toContain('pod-privileged:a');
    expect(names(diffScans(waived(BEFORE), waived(AFTER)).unchanged)).toContain('pod-privileged:a');
  });

  it('classifies findings by fingerprint: new, unchanged, fixed', () => {
    const d = diffScans(BEFORE, AFTER);
    expect(names(d.new)).toEqual(['pod-privileged:d']);
    expect(names(d.unchanged)).toEqual(['pod-image-tag-latest:c', 'pod-privileged:a']);
    expect(names(d.fixed)).toEqual(['pod-privileged:b']);
    expect(d.notReassessed).toEqual([]);
    expect(d.before.startedAt).toBe('2026-03-01T00:00:00.000Z');
  });

  it('is empty both ways for a scan compared with itself', () => {
    const d = diffScans(AFTER, AFTER);
    expect(d.new).toEqual([]);
    expect(d.fixed).toEqual([]);
    expect(d.unchanged.length).toBe(AFTER.results.filter((r) => r.status === 'fail').length);
  });

  it('never calls fixed what was not assessed again: a control not run, not assessed, or a namespace out of scope', () => {
    const notRun = evaluateSnapshot(snapshotFromObjects(parseManifests(deployment('a', 'team', {}), 'x.yaml'), { asCluster: true }), { controls: selectControls(['pod-image-tag-latest']) }, new Date('2026-03-02T00:00:00Z'));
    const d1 = diffScans(BEFORE, notRun);
    expect(d1.fixed.map((r) => r.controlId)).toEqual(['pod-image-tag-latest']);
    expect(names(d1.notReassessed)).toEqual(['pod-privileged:a', 'pod-privileged:b']);

    // The same controls, but the workloads could not be read this time.
    const blind: ScanResult = structuredClone(AFTER);
    blind.results = blind.results
      .filter((r) => r.controlId !== 'pod-privileged')
      .concat([{ controlId: 'pod-privileged', status: 'not-assessed', severity: 'critical', subject: { apiVersion: 'v1', kind: 'Cluster', name: 'cluster' }, message: 'Could not read pods', fingerprint: '0000000000000000' }]);
    expect(names(diffScans(BEFORE, blind).notReassessed)).toEqual(['pod-privileged:a', 'pod-privileged:b']);
    expect(diffScans(BEFORE, blind).fixed).toEqual([]);

    const elsewhere = scanOf(deployment('x', 'other', {}), '2026-03-02T00:00:00Z', { namespaces: ['other'] });
    const d3 = diffScans(BEFORE, elsewhere);
    expect(d3.fixed).toEqual([]);
    expect(d3.notReassessed).toHaveLength(3);

    // A control not applicable to the whole scan (nothing it checks was there) assessed nothing either.
    const inapplicable: ScanResult = structuredClone(AFTER);
    inapplicable.results = inapplicable.results
      .filter((r) => r.controlId !== 'pod-privileged')
      .concat([{ controlId: 'pod-privileged', status: 'not-applicable', severity: 'critical', subject: { apiVersion: 'v1', kind: 'Cluster', name: 'cluster' }, message: 'Static scan: nothing to check', fingerprint: '0000000000000000' }]);
    inapplicable.controls = inapplicable.controls.map((c) => (c.id === 'pod-privileged' ? { ...c, status: 'not-applicable' as const } : c));
    expect(diffScans(BEFORE, inapplicable).fixed).toEqual([]);
    expect(names(diffScans(BEFORE, inapplicable).notReassessed)).toEqual(['pod-privileged:a', 'pod-privileged:b']);
  });
});

describe('applyBaseline and --fail-on-new', () => {
  const marked = applyBaseline(AFTER, BEFORE, 'before.json');

  it('marks each finding new or unchanged and attaches fixed ones; other results carry no mark', () => {
    const change = Object.fromEntries(marked.results.filter((r) => r.change).map((r) => [`${r.controlId}:${r.subject.name}`, r.change]));
    expect(change).toEqual({ 'pod-privileged:a': 'unchanged', 'pod-privileged:d': 'new', 'pod-image-tag-latest:c': 'unchanged' });
    expect(marked.results.filter((r) => r.status === 'pass').every((r) => r.change === undefined)).toBe(true);
    expect(marked.baseline).toMatchObject({ file: 'before.json', startedAt: '2026-03-01T00:00:00.000Z', new: 1, unchanged: 2 });
    expect(names(marked.baseline!.fixed)).toEqual(['pod-privileged:b']);
  });

  it('validates against the JSON schema', () => {
    const validate = scanResultValidator();
    const ok = validate(JSON.parse(JSON.stringify(marked)));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('exit 1 only for new failing findings at or above the threshold', () => {
    expect(exitCodeForNew(marked, 'critical')).toBe(1); // d is privileged (critical) and new
    expect(exitCodeForNew(marked, 'none')).toBe(1); // no threshold: any new finding
    const onlyOld = applyBaseline(BEFORE, BEFORE);
    expect(exitCodeForNew(onlyOld, 'info')).toBe(0);
  });
});

describe('k8s-audit diff and scan --baseline', () => {
  const before = join(tmp, 'before.json');
  const after = join(tmp, 'after.json');
  writeFileSync(before, JSON.stringify(BEFORE));
  writeFileSync(after, JSON.stringify(AFTER));

  it('table, json and md say the same', async () => {
    const t = await runCli(['diff', before, after]);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('New findings (1)');
    expect(t.stdout).toContain('Fixed (1)');
    expect(t.stdout.trim().split('\n').at(-1)).toBe('1 new, 2 unchanged, 1 fixed since 2026-03-01T00:00:00.000Z');
    const j = JSON.parse((await runCli(['diff', before, after, '--format', 'json'])).stdout);
    expect(j.counts).toEqual({ new: 1, unchanged: 2, fixed: 1, notReassessed: 0 });
    expect(j.before).toEqual({ startedAt: '2026-03-01T00:00:00.000Z', file: before });
    const md = (await runCli(['diff', before, after, '--format', 'md'])).stdout;
    expect(md).toContain('## New findings (1)');
    expect(md).toContain('`pod-privileged`');
  });

  it('-o picks the format from the file name (.md, .json), as scan does; an explicit --format wins', async () => {
    for (const [file, starts] of [
      ['d.md', '# k8s-audit: changes between two scans'],
      ['d.json', '{'],
      ['d.txt', 'New findings (1)'],
    ] as const) {
      const out = join(tmp, file);
      expect((await runCli(['diff', before, after, '-o', out])).code).toBe(0);
      expect(readFileSync(out, 'utf8').startsWith(starts), file).toBe(true);
    }
    const out = join(tmp, 'forced.md');
    await runCli(['diff', before, after, '-o', out, '--format', 'json']);
    expect(readFileSync(out, 'utf8').startsWith('{')).toBe(true);
  });

  it('diff --fail-on fails on new findings only', async () => {
    expect((await runCli(['diff', before, after, '--fail-on', 'critical'])).code).toBe(1);
    expect((await runCli(['diff', after, after, '--fail-on', 'info'])).code).toBe(0);
  });

  it('escapes cluster text in Markdown', () => {
    const hostile = structuredClone(AFTER);
    const f = hostile.results.find((r) => r.status === 'fail')!;
    f.subject = { ...f.subject, name: 'x|<img src=x>' };
    f.message = 'a | b\n# heading';
    f.fingerprint = 'ffffffffffffffff';
    const md = renderDiff(diffScans(BEFORE, hostile), 'md');
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(/\n# heading/);
    expect(md).toContain('x\\|&lt;img src=x&gt;');
  });

  it('writes the JSON in pieces, byte for byte what one string gives (also with more findings than a piece holds)', () => {
    const many = structuredClone(AFTER);
    const f = many.results.find((r) => r.status === 'fail')!;
    many.results = Array.from({ length: 1_300 }, (_, i) => ({ ...f, fingerprint: i.toString(16).padStart(16, '0'), message: `${f.message} #${i}` }));
    for (const d of [diffScans(BEFORE, AFTER), diffScans(BEFORE, many), diffScans(many, AFTER)]) {
      const pieces = [...renderDiffChunks(d, 'json')];
      expect(pieces.join('')).toBe(renderDiff(d, 'json'));
    }
    // Each of the 1,300 is a finding of its own (new, or fixed), and a table of them takes seconds: the small diff only.
    const d = diffScans(BEFORE, AFTER);
    for (const format of ['md', 'table'] as const) expect([...renderDiffChunks(d, format)].join('')).toBe(renderDiff(d, format));
    expect([...renderDiffChunks(diffScans(BEFORE, many), 'json')].length).toBeGreaterThan(3);
  });

  it('keeps the Markdown within a pull-request comment: most severe first, each list saying how many it left out', () => {
    const small = renderDiff(diffScans(BEFORE, AFTER), 'md');
    expect(small).not.toContain('Lists shortened');
    expect(small).not.toContain('more |');
    // Many new findings (critical and high, the high ones first in result order) and many fixed ones.
    const template = AFTER.results.find((r) => r.status === 'fail')!;
    const finding = (i: number, severity: 'critical' | 'high') => ({ ...template, severity, subject: { ...template.subject, name: `new-${i}` }, fingerprint: `n${i}`.padStart(16, '0'), message: `${template.message} #${i}` });
    const before = structuredClone(AFTER);
    before.results = Array.from({ length: 3_000 }, (_, i) => ({ ...template, subject: { ...template.subject, name: `gone-${i}` }, fingerprint: `f${i}`.padStart(16, '0'), message: `gone #${i}` }));
    const after = structuredClone(AFTER);
    after.results = Array.from({ length: 4_000 }, (_, i) => finding(i, i < 2_000 ? 'high' : 'critical'));
    const d = diffScans(before, after);
    expect(d.new).toHaveLength(4_000);
    expect(d.fixed).toHaveLength(3_000);
    const md = renderDiff(d, 'md');
    expect(md.length).toBeLessThanOrEqual(DIFF_MD_MAX_CHARS);
    expect(md).toContain('Lists shortened to fit 65,536 characters');
    expect(md).toContain('## New findings (4000)');
    expect(md).toContain('## Fixed (3000)');
    const sections = md.split(/\n## /).slice(1);
    for (const [section, total] of [[sections[0]!, 4_000], [sections[1]!, 3_000]] as const) {
      const rows = section.split('\n').filter((l) => /^\| (critical|high|medium) \|/.test(l));
      const more = /\| \| … and ([\d,]+) more \|/.exec(section);
      expect(rows.length).toBeGreaterThan(0); // the fixed list is not crowded out by the new one
      expect(rows.length + Number(more![1]!.replace(/,/g, ''))).toBe(total);
    }
    const newRows = sections[0]!.split('\n').filter((l) => /^\| (critical|high) \|/.test(l));
    expect(newRows[0]).toMatch(/^\| critical \|/); // most severe first, though the high ones came first
    expect(newRows.every((l) => l.startsWith('| critical |'))).toBe(true); // 2,000 critical rows do not fit: no high one is listed
    expect([...renderDiffChunks(d, 'md')].join('')).toBe(md);
  });

  it('unreadable inputs exit 2 with one line', async () => {
    const r = await runCli(['diff', join(tmp, 'missing.json'), after]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^k8s-audit: cannot read .*missing\.json: no such file\n$/);
  });

  it("never calls fixed, in a scan of files against a cluster's scan, what the files do not hold", async () => {
    // The cluster runs a and b (and kube-system, and namespaces no file defines); the files hold a, now fixed.
    const yaml = join(tmp, 'only-a.yaml');
    writeFileSync(yaml, deployment('a', 'team', { privileged: false }));
    const cluster = join(tmp, 'cluster.json');
    writeFileSync(cluster, JSON.stringify(BEFORE));
    expect(BEFORE.scan.source).toBe('cluster');
    const r = await runCli(['scan', '-f', yaml, '--controls', 'pod-privileged,pod-image-tag-latest', '--baseline', cluster, '--format', 'json']);
    const result = JSON.parse(r.stdout) as ScanResult;
    expect(names(result.baseline!.fixed)).toEqual(['pod-privileged:a']);
    expect(names(result.baseline!.notReassessed)).toEqual(['pod-image-tag-latest:c', 'pod-privileged:b']);
    // diff reads the cluster's scan as it is too.
    const out = join(tmp, 'only-a.json');
    writeFileSync(out, r.stdout);
    const d = await runCli(['diff', cluster, out, '--format', 'json']);
    expect(JSON.parse(d.stdout).counts).toEqual({ new: 0, unchanged: 0, fixed: 1, notReassessed: 2 });
  });

  it("never calls fixed what another cluster's scan does not have, and says the scans are of different clusters", async () => {
    const on = (scan: ScanResult, server: string): ScanResult => ({ ...scan, scan: { ...scan.scan, server } });
    const d = diffScans(on(BEFORE, 'https://prod.example:6443'), on(AFTER, 'https://staging.example:6443'));
    expect(d.fixed).toEqual([]);
    expect(names(d.notReassessed)).toEqual(['pod-privileged:b']);
    expect(diffScans(on(BEFORE, 'https://prod.example:6443'), on(AFTER, 'https://prod.example:6443')).fixed).toHaveLength(1);
    const [a, b] = [join(tmp, 'prod.json'), join(tmp, 'staging.json')];
    writeFileSync(a, JSON.stringify(on(BEFORE, 'https://prod.example:6443'), null, 2));
    writeFileSync(b, JSON.stringify(on(AFTER, 'https://staging.example:6443'), null, 2));
    const r = await runCli(['diff', a, b, '--format', 'json']);
    expect(r.stderr).toContain('k8s-audit: warning: the scans read different API servers (https://prod.example:6443, then https://staging.example:6443)');
    expect(JSON.parse(r.stdout).counts).toMatchObject({ fixed: 0, notReassessed: 1 });
  });

  it('scan --baseline marks findings, and --fail-on-new needs a baseline', async () => {
    const yaml = join(tmp, 'now.yaml');
    writeFileSync(yaml, deployment('a', 'team', { privileged: true }) + deployment('d', 'team', { privileged: true }));
    const r = await runCli(['scan', '-f', yaml, '--controls', 'pod-privileged', '--baseline', before, '--format', 'json', '--fail-on-new', '--fail-on', 'critical']);
    const result = JSON.parse(r.stdout) as ScanResult;
    expect(result.baseline).toMatchObject({ new: 1, unchanged: 1 });
    // The baseline scanned a cluster, the files do not hold b: b was not looked at, so it is not fixed.
    expect(result.baseline!.fixed).toEqual([]);
    expect(names(result.baseline!.notReassessed)).toEqual(['pod-image-tag-latest:c', 'pod-privileged:b']);
    expect(r.code).toBe(1);
    // Against an earlier scan of files, b is gone from them: fixed.
    const filesBefore = join(tmp, 'files-before.json');
    writeFileSync(filesBefore, JSON.stringify({ ...BEFORE, scan: { ...BEFORE.scan, source: 'manifests' } }));
    const fromFiles = await runCli(['scan', '-f', yaml, '--controls', 'pod-privileged', '--baseline', filesBefore, '--format', 'json']);
    expect(names((JSON.parse(fromFiles.stdout) as ScanResult).baseline!.fixed)).toEqual(['pod-privileged:b']);
    // Against a baseline that already had both, nothing is new: exit 0 although critical findings fail.
    const noNew = await runCli(['scan', '-f', yaml, '--controls', 'pod-privileged', '--baseline', after, '--format', 'json', '--fail-on-new', '--fail-on', 'critical']);
    expect(noNew.code).toBe(0);
    expect((JSON.parse(noNew.stdout) as ScanResult).baseline).toMatchObject({ new: 0, unchanged: 2 });
    const bad = await runCli(['scan', '-f', yaml, '--fail-on-new']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('k8s-audit: --fail-on-new needs --baseline <scan.json> or --history <dir>\n');
  });
});
