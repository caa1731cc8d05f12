// The scan pipeline against the real control plane: collection states, the
// not-assessed guarantee, exit codes, pagination, metadata-only Secrets and the
// JSON schema.
import { createServer, type Server, type Socket } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/collect/cluster.ts';
import { ApiClient } from '../../src/collect/http.ts';
import { resolveTarget } from '../../src/collect/kubeconfig.ts';
import type { ScanResult } from '../../src/engine/result.ts';
import { applyObjects, createNamespace, deleteNamespace, grantAuditor, kubeClient, revokeAuditor, testKubeconfig, uniqueName } from '../cluster/fixtures.ts';
import { runCli } from '../helpers/io.ts';
import { scanResultValidator } from '../helpers/schema.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir('k8s-audit-scan-it-');
let ns: string;

beforeAll(async () => {
  ns = await createNamespace('scan');
  const objects = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'privileged-agent', namespace: ns },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: {
          metadata: { labels: { app: 'agent' } },
          spec: { hostPID: true, containers: [{ name: 'agent', image: 'registry.example/agent:1.0', securityContext: { privileged: true } }] },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: ns }, stringData: { password: 'hunter2-must-never-be-read' } },
  ];
  await applyObjects(testKubeconfig(), objects.map((object, i) => ({ object, source: `scan.test.ts#${i}` })) as never, { context: 'admin' });
});

afterAll(async () => {
  if (ns) await deleteNamespace(ns);
});

function parse(stdout: string): ScanResult {
  return JSON.parse(stdout) as ScanResult;
}

describe('scan as admin', () => {
  let result: ScanResult;
  let code: number;
  beforeAll(async () => {
    const r = await runCli(['scan', '--kubeconfig', testKubeconfig(), '--context', 'admin', '-n', ns, '--format', 'json', '--fail-on', 'critical']);
    code = r.code;
    expect(r.stderr).toBe('');
    result = parse(r.stdout);
  });

  it('validates against the JSON schema', () => {
    const validate = scanResultValidator();
    const ok = validate(result);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('counts passes per control and namespace instead of listing them (no --include-passes)', () => {
    expect(result.results.filter((r) => r.status === 'pass')).toEqual([]);
    const passes = result.passes!;
    expect(passes.length).toBeGreaterThan(0);
    expect(passes.reduce((n, t) => n + t.count, 0)).toBe(result.summary.results.pass);
    for (const c of result.controls) expect(passes.filter((t) => t.controlId === c.id).reduce((n, t) => n + t.count, 0), c.id).toBe(c.counts.pass);
    // -n limits namespaced objects only: what passes is in the namespace or cluster-scoped.
    expect(passes.every((t) => t.namespace === undefined || t.namespace === ns)).toBe(true);
  });

  it('lists the same passes with --include-passes, and the summary and controls do not change', async () => {
    const r = await runCli(['scan', '--kubeconfig', testKubeconfig(), '--context', 'admin', '-n', ns, '--format', 'json', '--include-passes']);
    expect(r.stderr).toBe('');
    const listed = parse(r.stdout);
    expect(listed.passes).toBeUndefined();
    const validate = scanResultValidator();
    expect(validate(listed)).toBe(true);
    const tally = new Map<string, number>();
    for (const x of listed.results) {
      if (x.status !== 'pass') continue;
      const k = `${x.controlId} ${(x.subject.kind === 'Namespace' ? x.subject.name : x.subject.namespace) ?? ''}`;
      tally.set(k, (tally.get(k) ?? 0) + 1);
    }
    expect(new Map(result.passes!.map((t) => [`${t.controlId} ${t.namespace ?? ''}`, t.count]))).toEqual(tally);
    // Two scans of a live cluster: what is the same object by object is the same in aggregate.
    expect(listed.summary).toEqual(result.summary);
    expect(listed.controls).toEqual(result.controls);
    expect(listed.results.filter((x) => x.status !== 'pass')).toEqual(result.results);
  });

  it('reports the privileged Deployment as the subject, at the exact path, and exits 1 with --fail-on critical', () => {
    const f = result.results.find((r) => r.controlId === 'pod-privileged' && r.status === 'fail');
    expect(f?.subject).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'privileged-agent' });
    expect(f?.path).toBe('spec.template.spec.containers[0].securityContext.privileged');
    expect(f?.container).toBe('agent');
    expect(code).toBe(1);
  });

  it('records the scan metadata: version, identity, namespaces, per-kind collection', () => {
    expect(result.scan.serverVersion?.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(result.scan.identity?.username).toBe('k8s-audit-admin');
    expect(result.scan.identity?.groups).toContain('system:masters');
    expect(result.scan.context).toBe('admin');
    expect(result.scan.namespaces).toEqual([ns]);
    const pods = result.scan.collection.find((c) => c.kind === 'pods');
    expect(pods?.state).toBe('ok');
  });
});

describe('scan as an identity with no grants at all', () => {
  it('exits 3 when nothing at all can be collected', async () => {
    const r = await runCli(['scan', '--kubeconfig', testKubeconfig(), '--context', 'auditor', '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^k8s-audit: nothing could be collected/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });});

describe('scan as an identity that may not list pods', () => {
  let binding: string;
  const role = uniqueName('k8s-audit-test-partial');
  beforeAll(async () => {
    const c = kubeClient('admin');
    await c.call('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: role },
        rules: [
          { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list'] },
          { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['list'] },
        ],
      },
    });
    c.close();
    binding = await grantAuditor(role, { verb: 'list', resource: 'namespaces' });
  });
  afterAll(async () => {
    if (binding) await revokeAuditor(binding);
    const c = kubeClient('admin');
    await c.request('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role}`);
    c.close();
  });

  it('reports pod controls not-assessed with the missing permission, never pass', async () => {
    const out = join(tmp, 'partial');
    const r = await runCli(['scan', '--kubeconfig', testKubeconfig(), '--context', 'auditor', '--format', 'json,md,html', '-o', out, '-q']);
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'scan.json'), 'utf8')) as ScanResult;
    for (const id of ['pod-privileged', 'pod-host-namespaces']) {
      const c = result.controls.find((x) => x.id === id);
      expect(c?.status).toBe('not-assessed');
      expect(c?.counts.pass).toBe(0);
      expect(c?.permissions?.join(' ')).toMatch(/list pods \(cluster-wide\)/);
      expect(result.results.filter((x) => x.controlId === id).every((x) => x.status === 'not-assessed')).toBe(true);
      expect(result.passes?.filter((t) => t.controlId === id) ?? []).toEqual([]);
    }
    expect(result.scan.collection.find((c) => c.kind === 'pods')?.state).toBe('forbidden');
    // What it could read is still assessed.
    expect(result.controls.find((x) => x.id === 'namespace-psa-enforce')?.status).not.toBe('not-assessed');
    // The reports say which permission was missing.
    for (const file of ['report.md', 'report.html']) {
      expect(readFileSync(join(out, file), 'utf8')).toContain('list pods (cluster-wide)');
    }
  });


});

describe('bad targets', () => {
  it('an unknown context exits 2 with one line', async () => {
    const r = await runCli(['scan', '--kubeconfig', testKubeconfig(), '--context', 'prod']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^k8s-audit: context "prod" not found in .* \(available: .*admin.*\)\n$/);
  });

  describe('an unreachable server', () => {
    let server: Server;
    let port: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      // Accepts TCP connections and never answers: a hung or black-holed API server.
      server = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    });

    it('exits 3 within about 10 s', async () => {
      const f = join(tmp, 'hung.kubeconfig');
      writeFileSync(
        f,
        `apiVersion: v1\nkind: Config\nclusters: [{name: hung, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: hung, context: {cluster: hung, user: u}}]\ncurrent-context: hung\n`,
      );
      const t0 = performance.now();
      const r = await runCli(['scan', '--kubeconfig', f]);
      const seconds = (performance.now() - t0) / 1000;
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^k8s-audit: https:\/\/127\.0\.0\.1:\d+ did not answer in time/);
      expect(seconds).toBeLessThan(15);
    }, 30_000);
  });
});

describe('collector', () => {
  it('paginates: a page size of 2 yields the same namespaces as one big page', async () => {
    const target = await resolveTarget({ kubeconfig: testKubeconfig(), context: 'admin' });
    const small = await collect(target, { kinds: ['namespaces', 'clusterroles'], pageSize: 2 });
    const big = await collect(target, { kinds: ['namespaces', 'clusterroles'], pageSize: 5000 });
    // Namespaces earlier test files deleted may still be terminating during the first list and gone by the second.
    const names = (r: typeof small, k: 'namespaces' | 'clusterroles') =>
      r.snapshot
        .list(k)
        .filter((o) => !(o.metadata as { deletionTimestamp?: string }).deletionTimestamp)
        .map((o) => o.metadata.name)
        .sort();
    expect(names(small, 'clusterroles').length).toBeGreaterThan(10);
    expect(names(small, 'namespaces')).toEqual(names(big, 'namespaces'));
    expect(names(small, 'clusterroles')).toEqual(names(big, 'clusterroles'));
  });

  it('asks for gzip as client-go does: the API server compresses a large list, and what is read is the same without', async () => {
    const target = await resolveTarget({ kubeconfig: testKubeconfig(), context: 'admin' });
    // The API server compresses responses over 128 KB: a list of ConfigMaps holding 300 KB.
    const big = 'x'.repeat(100_000);
    const names = ['gz-a', 'gz-b', 'gz-c'];
    await applyObjects(testKubeconfig(), names.map((name) => ({ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { big } }, source: name })) as never, { context: 'admin' });
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const on = new ApiClient({ server: target.server, tls: target.tls });
    const off = new ApiClient({ server: target.server, tls: target.tls, compression: false });
    try {
      const [zipped, plain] = [await on.request('GET', path), await off.request('GET', path)];
      expect(zipped.status).toBe(200);
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(plain.headers['content-encoding']).toBeUndefined();
      const items = (body: string) => (JSON.parse(body) as { items: { metadata: { name: string }; data: { big: string } }[] }).items.filter((i) => names.includes(i.metadata.name));
      expect(items(zipped.body).map((i) => [i.metadata.name, i.data.big.length])).toEqual(names.map((n) => [n, big.length]));
      expect(items(zipped.body)).toEqual(items(plain.body));
    } finally {
      on.close();
      off.close();
    }
    // The collector through either: the same objects.
    const kinds = ['clusterroles', 'clusterrolebindings'] as const;
    const a = await collect(target, { kinds: [...kinds] });
    const b = await collect({ ...target, disableCompression: true }, { kinds: [...kinds] });
    for (const k of kinds) expect(a.snapshot.list(k)).toEqual(b.snapshot.list(k));
  });

  it("keeps only the status fields controls read: a Pod's phase (not its container statuses, IPs, conditions)", async () => {
    const client = kubeClient();
    const name = uniqueName('status');
    const base = `/api/v1/namespaces/${ns}/pods`;
    const created = await client.call('POST', base, { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'registry.example/app:1.0' }] } } });
    // What a kubelet would write (there is none here), through the status subresource.
    await client.call('PUT', `${base}/${name}/status`, {
      body: {
        ...created,
        status: {
          phase: 'Running',
          podIP: '10.244.0.7',
          podIPs: [{ ip: '10.244.0.7' }],
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'registry.example/app:1.0', imageID: 'registry.example/app@sha256:0123', state: { running: { startedAt: '2026-12-01T10:00:00Z' } } }],
        },
      },
    });
    const written = await client.call('GET', `${base}/${name}`);
    expect(written.status.containerStatuses).toHaveLength(1);
    const target = await resolveTarget({ kubeconfig: testKubeconfig(), context: 'admin' });
    const { snapshot } = await collect(target, { kinds: ['pods'], namespaces: [ns] });
    const pod = snapshot.list('pods').find((p) => p.metadata.name === name);
    expect(pod?.status).toEqual({ phase: 'Running' });
    expect(pod?.spec).toMatchObject({ containers: [{ name: 'app' }] });
  });

  it('lists CustomResourceDefinitions as names only, and tells a policy API from the name alone', async () => {
    const client = kubeClient();
    const plural = `${uniqueName('gnp').replace(/-/g, '')}networkpolicies`;
    const group = 'crd.projectcalico.org';
    const props = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`field${i}`, { type: 'string', description: 'd'.repeat(100) }]));
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${plural}.${group}` },
      spec: {
        group,
        scope: 'Cluster',
        names: { kind: 'GlobalNetworkPolicy', plural, singular: plural.slice(0, -1), listKind: 'GlobalNetworkPolicyList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: props } } } } }],
      },
    };
    // The premise of reading the name: the API server refuses a CRD not named <plural>.<group>.
    const misnamed = await client.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      query: { dryRun: 'All' },
      body: { ...crd, metadata: { name: `${plural}x.${group}` } },
    });
    expect(misnamed.status).toBe(422);
    expect(misnamed.body.message).toContain('must be spec.names.plural+"."+spec.group');
    // As `kubectl apply` (client-side) writes it: with a copy of itself in an annotation.
    const applied = { ...crd, metadata: { ...crd.metadata, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(crd) } } };
    await client.call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: applied });
    try {
      const stored = await client.call('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
      expect(JSON.stringify(stored).length).toBeGreaterThan(20_000);
      const target = await resolveTarget({ kubeconfig: testKubeconfig(), context: 'admin' });
      const { snapshot } = await collect(target, { kinds: ['customresourcedefinitions'], pageSize: 2 }); // pages of a Table, too
      const got = snapshot.list('customresourcedefinitions').find((o) => o.metadata.name === crd.metadata.name)!;
      expect(got).toEqual({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: crd.metadata.name } });
      expect(snapshot.list('customresourcedefinitions').length).toBe((await client.call('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions')).items.length);
      // What the network insight needs is still there.
      const r = await runCli(['scan', '--kubeconfig', testKubeconfig(), '--context', 'admin', '--format', 'json', '--quiet']);
      const apis = (JSON.parse(r.stdout) as { insights: { networkIsolation: { cni: { policyApis: unknown[] } } } }).insights.networkIsolation.cni.policyApis;
      expect(apis).toContainEqual({ crd: crd.metadata.name, group, resource: plural, provider: 'Calico' });
    } finally {
      await client.request('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
      client.close();
    }
  });

  it('lists Secrets as metadata only: no value ever reaches the snapshot', async () => {
    const target = await resolveTarget({ kubeconfig: testKubeconfig(), context: 'admin' });
    const { snapshot } = await collect(target, { kinds: ['secrets'], namespaces: [ns] });
    const secret = snapshot.list('secrets').find((s) => s.metadata.name === 'db');
    expect(secret?.kind).toBe('Secret');
    expect(secret).not.toHaveProperty('data');
    expect(secret).not.toHaveProperty('stringData');
    expect(JSON.stringify(snapshot.list('secrets'))).not.toContain(Buffer.from('hunter2-must-never-be-read').toString('base64'));
  });
});
