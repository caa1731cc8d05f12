// deploy/ against the real API server (issue 8, "Done when"):
//
// 1. The kustomization, rendered by k8s-audit's own kustomize subset (src/collect/kustomize.ts;
//    kustomize is not installed here), passes a server-side dry-run: server-side apply with
//    dryRun=All, object by object, as `kubectl apply --server-side --dry-run=server -k deploy/`
//    sends it. The Namespace is created for real before the objects inside it are dry-run, as
//    `kubectl apply` creates it first: the API server's NamespaceLifecycle admission rejects even
//    a dry-run create into a namespace that does not exist.
// 2. A TokenRequest token for the shipped ServiceAccount runs a full live scan in which nothing is
//    left not-assessed for lack of permission, and its SelfSubjectRulesReview shows that the role
//    adds only get/list/watch, and nothing on Secrets. One test asserts both.
// 3. The CronJob's pod template is admitted by a dry-run Pod create into a namespace enforcing the
//    restricted Pod Security level (and the same template, loosened, is rejected there).
import https from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKustomization } from '../../src/collect/kustomize.ts';
import { parseManifests } from '../../src/collect/manifests.ts';
import { allControls } from '../../src/engine/registry.ts';
import type { ScanResult } from '../../src/engine/result.ts';
import type { K8sObject } from '../../src/model/k8s.ts';
import { KubeClient, createNamespace, deleteNamespace, kubeClient, testKubeconfig, waitFor } from '../cluster/fixtures.ts';
import { serviceAccountToken } from '../cluster/harness.ts';
import { loadConnection } from '../cluster/kube.ts';
import { runCli } from '../helpers/io.ts';
import { tempDir } from '../helpers/tmp.ts';

const repo = new URL('../../', import.meta.url).pathname;
const tmp = tempDir('k8s-audit-deploy-it-');
const FIELD_MANAGER = 'k8s-audit-deploy-test';
const NS = 'k8s-audit';
const SA = 'k8s-audit';

/** Where each kind deploy/ uses lives in the API. */
const RESOURCES: Record<string, { base: string; plural: string; namespaced: boolean }> = {
  Namespace: { base: '/api/v1', plural: 'namespaces', namespaced: false },
  ServiceAccount: { base: '/api/v1', plural: 'serviceaccounts', namespaced: true },
  PersistentVolumeClaim: { base: '/api/v1', plural: 'persistentvolumeclaims', namespaced: true },
  ConfigMap: { base: '/api/v1', plural: 'configmaps', namespaced: true },
  Pod: { base: '/api/v1', plural: 'pods', namespaced: true },
  ClusterRole: { base: '/apis/rbac.authorization.k8s.io/v1', plural: 'clusterroles', namespaced: false },
  ClusterRoleBinding: { base: '/apis/rbac.authorization.k8s.io/v1', plural: 'clusterrolebindings', namespaced: false },
  Role: { base: '/apis/rbac.authorization.k8s.io/v1', plural: 'roles', namespaced: true },
  RoleBinding: { base: '/apis/rbac.authorization.k8s.io/v1', plural: 'rolebindings', namespaced: true },
  NetworkPolicy: { base: '/apis/networking.k8s.io/v1', plural: 'networkpolicies', namespaced: true },
  CronJob: { base: '/apis/batch/v1', plural: 'cronjobs', namespaced: true },
  DaemonSet: { base: '/apis/apps/v1', plural: 'daemonsets', namespaced: true },
};

function pathOf(o: K8sObject, collection = false): string {
  const r = RESOURCES[o.kind];
  if (!r) throw new Error(`deploy.test.ts does not know where ${o.kind} lives`);
  const ns = r.namespaced ? `/namespaces/${o.metadata.namespace ?? 'default'}` : '';
  return `${r.base}${ns}/${r.plural}${collection ? '' : `/${o.metadata.name}`}`;
}

interface Answer {
  status: number;
  body: any;
  warnings: string[];
}

/** One request as admin, with the API server's Warning headers (PodSecurity's `warn` mode speaks through them). */
function send(method: string, path: string, query: Record<string, string>, body: unknown, contentType: string): Promise<Answer> {
  const conn = loadConnection(testKubeconfig(), 'admin');
  const url = new URL(`${conn.server}${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method, ca: conn.ca, cert: conn.cert, key: conn.key, headers: { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload), Accept: 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const warnings: string[] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            if (res.rawHeaders[i]!.toLowerCase() === 'warning') warnings.push(res.rawHeaders[i + 1]!);
          }
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = text;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, warnings });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Server-side apply, optionally as a dry-run. */
function apply(o: K8sObject, dryRun: boolean): Promise<Answer> {
  return send('PATCH', pathOf(o), { fieldManager: FIELD_MANAGER, force: 'true', ...(dryRun ? { dryRun: 'All' } : {}) }, o, 'application/apply-patch+yaml');
}

/** What a failed answer says, for assertion messages. */
const said = (o: K8sObject, a: Answer) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}: ${a.status} ${typeof a.body === 'object' ? a.body?.message : a.body}`;

const base = buildKustomization(`${repo}deploy`, parseManifests);
const overlay = buildKustomization(`${repo}deploy/overlays/kubelet`, parseManifests);
const created: K8sObject[] = [];
const cleanup: (() => Promise<unknown>)[] = [];

function cronJobPod(namespace: string): K8sObject {
  const cj = base.find((o) => o.kind === 'CronJob')! as any;
  const template = cj.spec.jobTemplate.spec.template;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'k8s-audit-admission-check', namespace, labels: template.metadata.labels }, spec: template.spec };
}

beforeAll(async () => {
  // This test installs deploy/ and removes it afterwards: never on a cluster that already has it.
  const admin = kubeClient('admin');
  try {
    const existing = await admin.request('GET', `/api/v1/namespaces/${NS}`);
    if (existing.status !== 404) throw new Error(`namespace ${NS} exists already on the test cluster; deploy.test.ts installs and deletes it, so run it on a cluster without k8s-audit`);
  } finally {
    admin.close();
  }
});

afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  const admin = kubeClient('admin');
  try {
    for (const o of [...created].reverse()) {
      if (o.metadata.namespace === NS) continue; // deleted with the namespace
      await admin.request('DELETE', pathOf(o));
    }
  } finally {
    admin.close();
  }
});

describe('deploy/ on the API server', () => {
  it('the kustomize output passes a server-side dry-run (the kubelet overlay too), without warnings', async () => {
    const ns = base.find((o) => o.kind === 'Namespace')!;
    const rest = base.filter((o) => o !== ns);
    const nsDry = await apply(ns, true);
    expect(nsDry.status, said(ns, nsDry)).toBeLessThan(300);
    expect(nsDry.warnings).toEqual([]);
    // As kubectl apply does, the Namespace first; everything inside it can only be dry-run once it exists.
    const nsReal = await apply(ns, false);
    expect(nsReal.status, said(ns, nsReal)).toBeLessThan(300);
    created.push(ns);
    // The overlay's own objects and its patched CronJob, beside the base.
    const overlayOnly = overlay.filter((x) => !base.some((b) => JSON.stringify(b) === JSON.stringify(x)));
    expect(overlayOnly.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['ClusterRole/k8s-audit-kubelet-config', 'ClusterRoleBinding/k8s-audit-kubelet-config', 'CronJob/k8s-audit']);
    for (const o of [...rest, ...overlayOnly]) {
      const a = await apply(o, true);
      expect(a.status, said(o, a)).toBeLessThan(300);
      expect(a.warnings, said(o, a)).toEqual([]);
    }
    // A dry-run persists nothing.
    const admin = kubeClient('admin');
    try {
      expect((await admin.request('GET', pathOf(rest.find((o) => o.kind === 'CronJob')!))).status).toBe(404);
    } finally {
      admin.close();
    }
  });

  it('a token for the shipped ServiceAccount runs a full scan with nothing not-assessed for lack of permission, and may only get/list/watch, never Secrets', async () => {
    for (const o of base) {
      const a = await apply(o, false);
      expect(a.status, said(o, a)).toBeLessThan(300);
      if (!created.some((c) => c.kind === o.kind && c.metadata.name === o.metadata.name && c.metadata.namespace === o.metadata.namespace)) created.push(o);
    }
    // kube-proxy as kubeadm runs it, so that the scan reads kube-system/kube-proxy's ConfigMap through the shipped Role.
    const admin = kubeClient('admin');
    try {
      const proxyObjects: K8sObject[] = [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-proxy', namespace: 'kube-system' }, data: { 'config.conf': 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmetricsBindAddress: 127.0.0.1:10249\n' } } as K8sObject,
        {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { 'k8s-app': 'kube-proxy' } },
          spec: {
            selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
            template: {
              metadata: { labels: { 'k8s-app': 'kube-proxy' } },
              spec: {
                containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.37.2', command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf'], volumeMounts: [{ name: 'kube-proxy', mountPath: '/var/lib/kube-proxy' }] }],
                volumes: [{ name: 'kube-proxy', configMap: { name: 'kube-proxy' } }],
              },
            },
          },
        } as K8sObject,
      ];
      for (const o of proxyObjects) {
        if ((await admin.request('GET', pathOf(o))).status === 404) {
          const a = await apply(o, false);
          expect(a.status, said(o, a)).toBeLessThan(300);
          cleanup.push(() => admin.request('DELETE', pathOf(o)));
        }
      }
    } finally {
      admin.close();
    }

    const conn = loadConnection(testKubeconfig(), 'admin');
    const token = await serviceAccountToken(testKubeconfig(), NS, SA);
    const asScanner = new KubeClient({ server: conn.server, ...(conn.ca ? { ca: conn.ca } : {}), token });
    cleanup.push(async () => asScanner.close());
    const allowed = async (c: KubeClient, attrs: Record<string, string>) =>
      (await c.call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: attrs } } })).status
        .allowed === true;
    await waitFor('the ClusterRoleBinding to reach the authorizer', () => allowed(asScanner, { verb: 'list', resource: 'pods' }));
    // Bindings reach the authorizer's cache asynchronously; a Role that does not grant this never does (10 s).
    await waitFor('the kube-system Role to let the scanner get ConfigMap kube-proxy', () => allowed(asScanner, { verb: 'get', resource: 'configmaps', namespace: 'kube-system', name: 'kube-proxy' }), { timeoutMs: 10_000 });

    // The scan, as the pod would run it: this token and nothing else.
    const kubeconfig = join(tmp, 'scanner.kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'test', cluster: { server: conn.server, 'certificate-authority-data': conn.ca?.toString('base64') } }],
        users: [{ name: 'scanner', user: { token } }],
        contexts: [{ name: 'scanner', context: { cluster: 'test', user: 'scanner' } }],
        'current-context': 'scanner',
      }),
    );
    const r = await runCli(['scan', '--kubeconfig', kubeconfig, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as ScanResult;
    expect(result.scan.identity?.username).toBe(`system:serviceaccount:${NS}:${SA}`);

    // Sufficient: every kind read completely, no result asking for a permission, and nothing
    // not-assessed that cluster-admin could assess.
    expect(result.scan.collection.filter((c) => c.state !== 'ok' && c.state !== 'not-found')).toEqual([]);
    expect(result.results.filter((x) => x.permission !== undefined).map((x) => `${x.controlId}: ${x.permission}`)).toEqual([]);
    const asAdmin = JSON.parse((await runCli(['scan', '--kubeconfig', testKubeconfig(), '--context', 'admin', '--format', 'json'])).stdout) as ScanResult;
    const notAssessed = (s: ScanResult) => s.controls.filter((c) => c.status === 'not-assessed').map((c) => c.id).sort();
    expect(notAssessed(result)).toEqual(notAssessed(asAdmin));
    // What remains not-assessed is not a matter of access: no reason says anything could not be read.
    const reasons = result.results.filter((x) => x.status === 'not-assessed').map((x) => `${x.controlId}: ${x.message}`);
    console.log(`not-assessed for every identity on the test control plane:\n  ${reasons.join('\n  ')}`);
    for (const line of reasons) expect(line).not.toMatch(/forbidden|could not (be )?read|cannot (be )?read|permission/i);
    expect(result.controls.length).toBe(allControls().length);
    // The kube-system Role is what lets this control read kube-proxy's configuration.
    expect(result.controls.find((c) => c.id === 'kube-proxy-metrics-bind-address')?.status).toBe('pass');

    // Least privilege: what the role adds to an identity with no grants of its own (the namespace's
    // `default` ServiceAccount) is get/list/watch only, and nothing, anywhere, on Secrets.
    const bare = new KubeClient({ server: conn.server, ...(conn.ca ? { ca: conn.ca } : {}), token: await serviceAccountToken(testKubeconfig(), NS, 'default') });
    cleanup.push(async () => bare.close());
    const rules = async (c: KubeClient, namespace: string) => {
      const body = await c.call('POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } } });
      expect(body.status.incomplete).toBe(false);
      return (body.status.resourceRules as { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }[]).map((x) => JSON.stringify(x));
    };
    for (const namespace of [NS, 'kube-system', 'default']) {
      const mine = await rules(asScanner, namespace);
      const baseline = new Set(await rules(bare, namespace));
      const added = mine.filter((x) => !baseline.has(x)).map((x) => JSON.parse(x) as { verbs: string[]; apiGroups?: string[]; resources?: string[] });
      expect(added.length, `the role adds rules in ${namespace}`).toBeGreaterThan(0);
      for (const rule of added) {
        expect(rule.verbs.every((v) => ['get', 'list', 'watch'].includes(v)), `${namespace}: ${JSON.stringify(rule)}`).toBe(true);
      }
      for (const rule of mine.map((x) => JSON.parse(x) as { resources?: string[] })) {
        expect(rule.resources ?? [], `${namespace}: ${JSON.stringify(rule)}`).not.toContain('secrets');
        expect(rule.resources ?? [], `${namespace}: ${JSON.stringify(rule)}`).not.toContain('*');
      }
    }
    for (const verb of ['get', 'list', 'watch']) {
      for (const namespace of ['', 'kube-system', NS]) expect(await allowed(asScanner, { verb, resource: 'secrets', namespace }), `${verb} secrets in "${namespace}"`).toBe(false);
    }
    expect(await allowed(asScanner, { verb: 'get', resource: 'nodes', subresource: 'proxy', name: 'any' })).toBe(false);
  });

  it("the CronJob's pod template is admitted by a dry-run into namespaces enforcing restricted, and a loosened one is not", async () => {
    const restricted = await createNamespace('restricted', { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' });
    cleanup.push(() => deleteNamespace(restricted));
    const admin = kubeClient('admin');
    try {
      // The ServiceAccount admission plugin checks that the pod's account exists; give the fresh namespace one.
      await admin.call('POST', `/api/v1/namespaces/${restricted}/serviceaccounts`, { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SA } } });
      await waitFor('the ServiceAccount', async () => (await admin.request('GET', `/api/v1/namespaces/${restricted}/serviceaccounts/${SA}`)).status === 200);
      const labels = (await admin.call('GET', `/api/v1/namespaces/${NS}`)).metadata.labels;
      expect(labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    } finally {
      admin.close();
    }
    for (const namespace of [restricted, NS]) {
      const pod = cronJobPod(namespace);
      const a = await send('POST', pathOf(pod, true), { dryRun: 'All' }, pod, 'application/json');
      expect(a.status, said(pod, a)).toBe(201);
      expect(a.warnings).toEqual([]);
    }
    // The Pod the README gives for copying the reports out: admitted there too, and it mounts the CronJob's claim read-only.
    const readerFile = parseManifests(readFileSync(`${repo}deploy/reports-reader.yaml`, 'utf8'), 'reports-reader.yaml') as any[];
    expect(readerFile.map((o) => o.kind)).toEqual(['ServiceAccount', 'Pod']);
    const reader = readerFile[1];
    expect(reader.metadata.namespace).toBe(NS);
    const claim = base.find((o) => o.kind === 'PersistentVolumeClaim')!.metadata.name;
    expect(reader.spec.volumes).toEqual([{ name: 'reports', persistentVolumeClaim: { claimName: claim, readOnly: true } }]);
    expect(reader.spec.containers[0].volumeMounts).toEqual([{ name: 'reports', mountPath: '/reports', readOnly: true }]);
    expect((cronJobPod(NS) as any).spec.volumes[0].persistentVolumeClaim.claimName).toBe(claim);
    for (const namespace of [restricted, NS]) {
      // Its account, as `kubectl apply -f` creates it before the Pod (the ServiceAccount admission checks that it exists).
      const sa = { ...readerFile[0], metadata: { ...readerFile[0].metadata, namespace } };
      const created = await send('POST', pathOf(sa, true), {}, sa, 'application/json');
      expect(created.status, said(sa, created)).toBe(201);
      const pod = { ...reader, metadata: { ...reader.metadata, namespace } };
      const a = await send('POST', pathOf(pod, true), { dryRun: 'All' }, pod, 'application/json');
      expect(a.status, said(pod, a)).toBe(201);
      expect(a.warnings).toEqual([]);
    }
    // The check can fail: the same template without its container securityContext is refused.
    const loose = cronJobPod(restricted) as any;
    delete loose.spec.containers[0].securityContext;
    const refused = await send('POST', pathOf(loose, true), { dryRun: 'All' }, loose, 'application/json');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/violates PodSecurity "restricted:/);
  });
});

