/**
 * "What breaks if you tighten now", against the real PodSecurity admission.
 *
 * Pods are created for real in fresh namespaces (they stay Pending: the test
 * cluster has no scheduler), some bare and some through a Deployment, so that
 * the API server's view holds Pods owned by ReplicaSets. The namespaces are
 * then scanned with k8s-audit's own collector and evaluated into a ScanResult;
 * its `psaPosture` insight says, per namespace and level, which existing Pods
 * the level would refuse. Then the enforce label is PATCHed with `?dryRun=All`:
 * the API server evaluates every Pod in the namespace against the new level and
 * answers with `Warning` headers — a header line, then one line per distinct
 * list of failed checks naming the lexically first Pod and counting the others.
 *
 * The comparison is at Pod level, because that is what the API server reports:
 * the warnings k8s-audit predicts (admissionWarnings, built from the insight's
 * Pods) must equal the API server's, line for line. Beyond the warnings, every
 * Pod the insight lists is mapped to the subject a user fixes (a bare Pod is
 * its own subject, a ReplicaSet's Pod belongs to its Deployment), and that
 * subject must be among the workloads whose templates the level refuses.
 */
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/collect/cluster.ts';
import { resolveTarget } from '../../src/collect/kubeconfig.ts';
import { allControls } from '../../src/engine/registry.ts';
import type { Result } from '../../src/engine/result.ts';
import { admissionWarnings, PSA_POSTURE_READS, type LevelImpact, type PsaPostureInsight } from '../../src/model/psa-posture.ts';
import { evaluateSnapshot } from '../../src/scan.ts';
import { createNamespace, deleteNamespace, kubeClient, testKubeconfig, waitFor, waitForDefaultServiceAccount } from '../cluster/fixtures.ts';
import { loadConnection } from '../cluster/kube.ts';

const admin = kubeClient('admin');
const namespaces: string[] = [];

const RESTRICTED_OK = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  container: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
};

function pod(namespace: string, name: string, spec: Record<string, unknown>, container: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { ...spec, containers: [{ name: 'app', image: 'registry.example.com/app:1.0', ...container }] },
  };
}

async function create(namespace: string, objects: Record<string, any>[]): Promise<void> {
  for (const o of objects) {
    const path =
      o.kind === 'Pod' ? `/api/v1/namespaces/${namespace}/pods` : o.kind === 'Deployment' ? `/apis/apps/v1/namespaces/${namespace}/deployments` : undefined;
    if (!path) throw new Error(`cannot create ${o.kind}`);
    await admin.call('POST', path, { body: o });
  }
}

/**
 * PATCH a namespace's labels with ?dryRun=All and return the Warning headers,
 * each unquoted (the API server writes `299 - "<text>"`, escaping `"` and `\`).
 */
function dryRunLabel(namespace: string, labels: Record<string, string>): Promise<{ status: number; warnings: string[] }> {
  const conn = loadConnection(testKubeconfig(), 'admin');
  const url = new URL(`${conn.server}/api/v1/namespaces/${namespace}`);
  url.searchParams.set('dryRun', 'All');
  const payload = JSON.stringify({ metadata: { labels } });
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: 'PATCH',
        ca: conn.ca,
        cert: conn.cert,
        key: conn.key,
        headers: { 'Content-Type': 'application/merge-patch+json', 'Content-Length': Buffer.byteLength(payload), Accept: 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const warnings: string[] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            if (res.rawHeaders[i]!.toLowerCase() !== 'warning') continue;
            const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(res.rawHeaders[i + 1]!);
            if (!m) throw new Error(`unexpected Warning header: ${res.rawHeaders[i + 1]}`);
            warnings.push(m[1]!.replace(/\\(.)/g, '$1'));
          }
          resolve({ status: res.statusCode ?? 0, warnings });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function scan(scope: string[]) {
  const target = await resolveTarget({ kubeconfig: testKubeconfig(), context: 'admin' });
  const controls = allControls().filter((c) => c.meta.id === 'namespace-psa-enforce-violated');
  const { snapshot } = await collect(target, { kinds: PSA_POSTURE_READS, namespaces: scope });
  const result = evaluateSnapshot(snapshot, { controls });
  const insight = result.insights?.psaPosture as PsaPostureInsight | undefined;
  if (!insight) throw new Error(`no psaPosture insight (skipped: ${JSON.stringify(result.insightsSkipped)})`);
  return { result, insight };
}

function levelOf(insight: PsaPostureInsight, namespace: string, level: 'baseline' | 'restricted'): LevelImpact {
  const ns = insight.namespaces.find((n) => n.namespace === namespace);
  const impact = ns?.levels.find((l) => l.level === level);
  if (!impact) throw new Error(`no ${level} impact for namespace ${namespace}`);
  return impact;
}

let open: string; // unlabelled, mixed pods
let pinned: string; // enforce-version pinned to v1.22
let tightened: string; // enforce=baseline set after a violating pod existed
let clean: string; // only restricted-compliant pods

beforeAll(async () => {
  [open, pinned, tightened, clean] = await Promise.all([
    createNamespace('psa-open'),
    createNamespace('psa-pinned', { 'pod-security.kubernetes.io/enforce-version': 'v1.22' }),
    createNamespace('psa-tightened'),
    createNamespace('psa-clean'),
  ]);
  namespaces.push(open, pinned, tightened, clean);
  await Promise.all(namespaces.map((n) => waitForDefaultServiceAccount(n)));

  await create(open, [
    pod(open, 'plain-b', {}),
    pod(open, 'plain-a', {}),
    pod(open, 'plain-c', {}),
    pod(open, 'host-network', { hostNetwork: true }),
    pod(open, 'privileged', {}, { securityContext: { privileged: true } }),
    pod(open, 'root-user', { securityContext: { ...RESTRICTED_OK.securityContext, runAsUser: 0 } }, { securityContext: RESTRICTED_OK.container }),
    pod(open, 'compliant', { securityContext: RESTRICTED_OK.securityContext }, { securityContext: RESTRICTED_OK.container }),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: open },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            securityContext: { runAsNonRoot: true },
            containers: [{ name: 'web', image: 'registry.example.com/web:1.0' }],
          },
        },
      },
    },
  ]);
  // runAsUser=0 is checked from v1.23 on: invisible at the pinned v1.22, a violation at latest.
  await create(pinned, [
    pod(pinned, 'root-user', { securityContext: { ...RESTRICTED_OK.securityContext, runAsUser: 0 } }, { securityContext: RESTRICTED_OK.container }),
    pod(pinned, 'escalating', { securityContext: RESTRICTED_OK.securityContext }, { securityContext: { capabilities: { drop: ['ALL'] } } }),
  ]);
  await create(tightened, [pod(tightened, 'host-pid', { hostPID: true }), pod(tightened, 'plain', {})]);
  await create(clean, [pod(clean, 'compliant', { securityContext: RESTRICTED_OK.securityContext }, { securityContext: RESTRICTED_OK.container })]);

  // The Deployment's Pods come from the controller manager.
  await waitFor('the Deployment web to have 2 Pods', async () => {
    const list = await admin.call('GET', `/api/v1/namespaces/${open}/pods`, { query: { labelSelector: 'app=web' } });
    return list.items.length === 2;
  });
  // Tighten after the fact: the label is accepted, the API server only warns.
  const tighten = await dryRunLabel(tightened, { 'pod-security.kubernetes.io/enforce': 'baseline' });
  expect(tighten.status).toBe(200);
  await admin.call('PATCH', `/api/v1/namespaces/${tightened}`, {
    body: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } },
    contentType: 'application/merge-patch+json',
  });
}, 120_000);

afterAll(async () => {
  await Promise.all(namespaces.map((n) => deleteNamespace(n)));
  admin.close();
});

describe('what breaks if you tighten now', () => {
  let insight: PsaPostureInsight;
  let results: Result[];
  beforeAll(async () => {
    const scanned = await scan(namespaces);
    insight = scanned.insight;
    results = scanned.result.results;
  });

  for (const level of ['baseline', 'restricted'] as const) {
    it(`predicts the API server's warnings for enforce=${level} in an unlabelled namespace`, async () => {
      const predicted = admissionWarnings(open, levelOf(insight, open, level));
      const { status, warnings } = await dryRunLabel(open, { 'pod-security.kubernetes.io/enforce': level });
      expect(status).toBe(200);
      expect(warnings.length).toBeGreaterThan(1);
      expect(predicted).toEqual(warnings);
    });
  }

  it('names the same Pods at a pinned version, where newer checks do not apply', async () => {
    const impact = levelOf(insight, pinned, 'restricted');
    expect(impact.versionLabel).toBe('v1.22');
    expect(impact.pods.map((p) => p.name)).toEqual(['escalating']);
    const { warnings } = await dryRunLabel(pinned, { 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(admissionWarnings(pinned, impact)).toEqual(warnings);
    // Moving the pin to latest brings runAsUser=0 in: both sides must see it.
    const latest = await dryRunLabel(pinned, { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' });
    expect(latest.warnings.some((w) => w.startsWith('root-user: runAsUser=0'))).toBe(true);
  });

  it('predicts no warnings where nothing violates', async () => {
    expect(levelOf(insight, clean, 'restricted').pods).toEqual([]);
    const { status, warnings } = await dryRunLabel(clean, { 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(status).toBe(200);
    expect(warnings).toEqual([]);
  });

  it('predicts the warnings for tightening an already enforced namespace further', async () => {
    const impact = levelOf(insight, tightened, 'restricted');
    expect(impact.current).toBe(false);
    const { warnings } = await dryRunLabel(tightened, { 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(admissionWarnings(tightened, impact)).toEqual(warnings);
  });

  it('maps every Pod to a subject whose template the level refuses', () => {
    const impact = levelOf(insight, open, 'restricted');
    const refused = new Set(impact.workloads.map((w) => `${w.subject.kind}/${w.subject.name}`));
    const owners = new Set(impact.pods.map((p) => `${p.owner.kind}/${p.owner.name}`));
    expect([...owners].sort()).toEqual([...refused].sort());
    expect(refused.has('Deployment/web')).toBe(true);
    expect(impact.pods.filter((p) => p.owner.kind === 'Deployment').map((p) => p.name)).toHaveLength(2);
    expect(refused.has('Pod/compliant')).toBe(false);
  });

  it('reports the workloads that already violate the level their namespace enforces', () => {
    const current = levelOf(insight, tightened, 'baseline');
    expect(current.current).toBe(true);
    expect(current.pods.map((p) => p.name)).toEqual(['host-pid']);
    const fails = results.filter((r) => r.controlId === 'namespace-psa-enforce-violated' && r.status === 'fail');
    expect(fails.map((r) => `${r.subject.namespace}/${r.subject.kind}/${r.subject.name}@${r.path}`)).toEqual([`${tightened}/Pod/host-pid@spec.hostPID`]);
    const passes = results.filter((r) => r.controlId === 'namespace-psa-enforce-violated' && r.status === 'pass');
    expect(passes.map((r) => `${r.subject.namespace}/${r.subject.name}`)).toEqual([`${tightened}/plain`]);
  });
});
