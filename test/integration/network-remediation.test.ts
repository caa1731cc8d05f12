/**
 * The NetworkPolicies the network controls' remediations give, judged on the test cluster: the API
 * server accepts each as written once its placeholders are filled as the text says (dry run), then
 * they are applied for real, and a new scan no longer reports the finding they were given for. The
 * policy a workload's remediation gives must also select that workload's pods, as the API server's
 * own label-selector filtering reads its podSelector.
 */
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result, ScanResult } from '../../src/engine/result.ts';
import { createNamespace, deleteNamespace, kubeClient, testKubeconfig, waitForDefaultServiceAccount } from '../cluster/fixtures.ts';
import { runCli } from '../helpers/io.ts';

const CONTROLS = ['namespace-default-deny', 'namespace-network-policy', 'workload-network-isolation'];
const admin = kubeClient('admin');
let ns: string;

async function scan(): Promise<Result[]> {
  const r = await runCli(['scan', '--kubeconfig', testKubeconfig(), '--context', 'admin', '-n', ns, '--format', 'json', '--controls', CONTROLS.join(',')]);
  expect(r.stderr).toBe('');
  return (JSON.parse(r.stdout) as ScanResult).results.filter((x) => x.status === 'fail' && (x.subject.namespace === ns || x.subject.name === ns));
}

/** The YAML documents of a remediation (from its first apiVersion line on), placeholders filled as its text says. */
function policies(f: Result): Record<string, any>[] {
  const text = f.remediation ?? '';
  const at = text.indexOf('apiVersion:');
  if (at < 0) return [];
  const yaml = text.slice(at).replaceAll('<peer>', 'db').replaceAll('<port>', '5432');
  expect(yaml, f.controlId).not.toMatch(/<[a-z-]+>/);
  return parseAllDocuments(yaml).map((d) => d.toJS() as Record<string, any>);
}

beforeAll(async () => {
  ns = await createNamespace('net-remedy');
  await waitForDefaultServiceAccount(ns);
  const labels = { 'app.kubernetes.io/name': 'web', tier: 'front' };
  await admin.call('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
    body: {
      metadata: { name: 'web' },
      spec: { replicas: 0, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1.0', ports: [{ containerPort: 8080 }] }] } } },
    },
  });
  // A bare Pod with the workload's labels: the API server's selector filtering has something to select.
  await admin.call('POST', `/api/v1/namespaces/${ns}/pods`, {
    body: { metadata: { name: 'web-probe', labels }, spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1.0' }] } },
  });
}, 60_000);

afterAll(async () => {
  if (ns) await deleteNamespace(ns);
});

describe('network remediations', () => {
  it('give NetworkPolicies the API server accepts, that select the workload, and that fix each finding', async () => {
    let findings = await scan();
    for (const id of CONTROLS) expect(findings.some((f) => f.controlId === id), id).toBe(true);
    const fixed = new Set<string>();
    // One finding at a time, the workload's first (a namespace default-deny would fix them all at once): apply its
    // policies, scan again, and expect it gone.
    for (let round = 0; round < 10 && findings.length > 0; round++) {
      const f = findings.find((x) => x.controlId === 'workload-network-isolation') ?? findings[0]!;
      const docs = policies(f);
      expect(docs.length, `${f.controlId}: a NetworkPolicy to apply`).toBeGreaterThan(0);
      for (const d of docs) {
        expect(d.kind).toBe('NetworkPolicy');
        expect(d.metadata.namespace).toBe(ns);
        const path = `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`;
        const dry = await admin.request('POST', path, { body: d, query: { dryRun: 'All' } });
        expect(dry.status, `${f.controlId}: ${dry.text}`).toBe(201);
        if (f.controlId === 'workload-network-isolation' && d.spec.podSelector?.matchLabels) {
          // The policy selects the workload's pods, by the API server's reading of the selector.
          const selector = Object.entries(d.spec.podSelector.matchLabels as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
          const pods = await admin.call('GET', `/api/v1/namespaces/${ns}/pods`, { query: { labelSelector: selector } });
          expect(pods.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['web-probe']);
        }
        const res = await admin.request('POST', path, { body: d });
        expect([201, 409], `${f.controlId}: ${res.text}`).toContain(res.status); // 409: the same policy from an earlier finding
      }
      findings = await scan();
      expect(findings.map((x) => x.fingerprint), `${f.controlId} ${f.subject.kind}/${f.subject.name}: still reported after applying its remediation`).not.toContain(f.fingerprint);
      fixed.add(f.controlId);
    }
    expect(findings).toEqual([]);
    expect([...fixed].sort()).toEqual(['namespace-default-deny', 'workload-network-isolation']);
  }, 180_000);
});
