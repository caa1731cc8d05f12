// NetworkPolicy semantics the network controls rely on, checked against the
// real API server, and the network controls and the networkIsolation insight
// run on a snapshot collected from it (controller-made ReplicaSets and Pods,
// server-defaulted policies).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETWORK_CONTROLS } from '../../checks/network/index.ts';
import { collect } from '../../src/collect/cluster.ts';
import { resolveTarget } from '../../src/collect/kubeconfig.ts';
import { evaluate } from '../../src/engine/run.ts';
import { kindsRead } from '../../src/engine/registry.ts';
import type { K8sObject } from '../../src/model/k8s.ts';
import { networkIsolation, policyTypes, rulesOf, type NetworkIsolationInsight } from '../../src/model/network.ts';
import { createNamespace, deleteNamespace, kubeClient, testKubeconfig, waitFor, waitForDefaultServiceAccount } from '../cluster/fixtures.ts';

const admin = kubeClient('admin');
const namespaces: string[] = [];

async function ns(prefix: string): Promise<string> {
  const name = await createNamespace(prefix);
  namespaces.push(name);
  return name;
}

function policy(namespace: string, name: string, spec: Record<string, unknown>): K8sObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

async function create(obj: K8sObject): Promise<K8sObject> {
  return admin.call('POST', `/apis/networking.k8s.io/v1/namespaces/${obj.metadata.namespace}/networkpolicies`, { body: obj });
}

/** What the model reads from a policy: types, and per rule its direction, effectiveness and whether peers/ports are "every". */
function reading(obj: K8sObject) {
  return {
    types: policyTypes(obj),
    rules: rulesOf(obj).map((r) => ({ path: r.path, effective: r.effective, peers: r.peers?.map((p) => p.type) ?? 'every', ports: r.ports?.map((p) => [p.protocol, p.port ?? '*', p.endPort ?? '']) ?? 'every' })),
  };
}

afterAll(async () => {
  await Promise.all(namespaces.map((n) => deleteNamespace(n)));
  admin.close();
});

describe('the API server reads NetworkPolicies as the model does', () => {
  let space: string;
  beforeAll(async () => {
    space = await ns('netpol-api');
  });

  const cases: [string, Record<string, unknown>][] = [
    ['no rules', { podSelector: {} }],
    ['empty egress list', { podSelector: {}, egress: [] }],
    ['one empty egress rule', { podSelector: {}, egress: [{}] }],
    ['rules both ways', { podSelector: { matchLabels: { app: 'a' } }, ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: 'UDP' }] }] }],
    ['explicit Egress only', { podSelector: {}, policyTypes: ['Egress'] }],
    ['egress rules the types leave out', { podSelector: {}, policyTypes: ['Ingress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] }],
    ['empty from and ports lists', { podSelector: {}, ingress: [{ from: [], ports: [] }] }],
    ['ports: range, named, protocol only', { podSelector: {}, ingress: [{ ports: [{ port: 9000, endPort: 9100 }, { port: 'http' }, { protocol: 'SCTP' }] }] }],
    ['IPv6 with except', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '::/0', except: ['fd00:ec2::254/128'] } }] }] }],
  ];
  for (const [title, spec] of cases) {
    it(`${title}: defaulted policyTypes and rules as the model reads them`, async () => {
      const submitted = policy(space, title.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''), spec);
      const stored = await create(submitted);
      expect(stored.spec).toHaveProperty('policyTypes');
      expect((stored.spec as { policyTypes: string[] }).policyTypes).toEqual(policyTypes(submitted));
      expect(reading(stored)).toEqual(reading(submitted));
    });
  }

  const rejected: [string, Record<string, unknown>, RegExp][] = [
    ['a peer naming nothing', { podSelector: {}, ingress: [{ from: [{}] }] }, /must specify a peer/],
    ['an ipBlock beside a selector', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] }, /may not specify both ipBlock and another peer/],
    ['an except outside the cidr', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }] }] }, /strict subset/],
    ['endPort with a named port', { podSelector: {}, ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] }, /endPort/],
    ['endPort below port', { podSelector: {}, ingress: [{ ports: [{ port: 100, endPort: 90 }] }] }, /endPort/],
    ['an unknown selector operator', { podSelector: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] } }, /not a valid selector operator|operator/],
  ];
  for (const [title, spec, message] of rejected) {
    it(`rejects ${title}, so only manifests can hold one`, async () => {
      const res = await admin.request('POST', `/apis/networking.k8s.io/v1/namespaces/${space}/networkpolicies`, { body: policy(space, 'rejected', spec) });
      expect(res.status).toBe(422);
      expect(res.body.message).toMatch(message);
    });
  }
});

describe('network controls and the networkIsolation insight on a live snapshot', () => {
  let locked: string;
  let partial: string;
  let results: ReturnType<typeof evaluate>['results'];
  let insight: NetworkIsolationInsight;
  let hash: string;

  beforeAll(async () => {
    locked = await ns('netpol-locked');
    partial = await ns('netpol-partial');
    await Promise.all([waitForDefaultServiceAccount(locked), waitForDefaultServiceAccount(partial)]);
    const deployment = (namespace: string, name: string, ports: unknown[] = []) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'registry.k8s.io/pause:3.10', ports }] } },
      },
    });
    await admin.call('POST', `/apis/apps/v1/namespaces/${locked}/deployments`, { body: deployment(locked, 'web', [{ name: 'http', containerPort: 8080 }]) });
    await admin.call('POST', `/apis/apps/v1/namespaces/${partial}/deployments`, { body: deployment(partial, 'api') });
    await create(policy(locked, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    await create(policy(locked, 'public-http', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 'http' }] }] }));
    await create(policy(locked, 'dns', { podSelector: {}, egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ protocol: 'UDP', port: 53 }] }] }));

    // In `partial`, a policy on the label only the ReplicaSet's pods carry.
    const pod = await waitFor('a Pod of Deployment api', async () => {
      const list = await admin.call('GET', `/api/v1/namespaces/${partial}/pods`, { query: { labelSelector: 'app=api' } });
      return list.items[0] as K8sObject | undefined;
    });
    hash = pod.metadata.labels!['pod-template-hash']!;
    expect(hash).toBeTruthy();
    await create(policy(partial, 'by-hash', { podSelector: { matchLabels: { 'pod-template-hash': hash } } }));
    await create(policy(partial, 'typo', { podSelector: { matchLabels: { ap: 'api' } }, policyTypes: ['Ingress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }));

    const target = await resolveTarget({ kubeconfig: testKubeconfig(), context: 'admin' });
    const kinds = [...new Set([...kindsRead(NETWORK_CONTROLS), ...networkIsolation.reads])];
    const { snapshot } = await collect(target, { kinds, namespaces: [locked, partial] });
    for (const k of kinds) expect(snapshot.collection[k].state, k).toBe('ok');
    results = evaluate(snapshot, NETWORK_CONTROLS).results;
    insight = networkIsolation.compute(snapshot) as NetworkIsolationInsight;
  }, 120_000);

  const failures = (controlId: string, namespace: string) =>
    results
      .filter((r) => r.controlId === controlId && r.status === 'fail' && (r.subject.namespace === namespace || (r.subject.kind === 'Namespace' && r.subject.name === namespace)))
      .map((r) => `${r.subject.kind}/${r.subject.name} ${r.path} ${r.messageId}`);

  it('judges the namespaces', () => {
    expect(failures('namespace-network-policy', locked)).toEqual([]);
    expect(failures('namespace-default-deny', locked)).toEqual([]);
    expect(failures('namespace-default-deny', partial).sort()).toEqual([`Namespace/${partial} NetworkPolicy[Egress] missing`, `Namespace/${partial} NetworkPolicy[Ingress] missing`]);
  });

  it('judges each workload on its template and its controller-made pods', () => {
    expect(failures('workload-network-isolation', locked)).toEqual(['Deployment/web NetworkPolicy[Ingress] any-source']);
    expect(failures('workload-network-isolation', partial).sort()).toEqual(['Deployment/api NetworkPolicy[Egress] not-isolated', 'Deployment/api NetworkPolicy[Ingress] partly-isolated']);
    // ReplicaSets and Pods are reported through the Deployment.
    expect(results.filter((r) => r.controlId === 'workload-network-isolation' && r.subject.namespace === partial).map((r) => r.subject.kind)).toEqual(['Deployment', 'Deployment']);
  });

  it('judges the policies', () => {
    expect(failures('netpol-selects-no-pods', partial)).toEqual(['NetworkPolicy/typo spec.podSelector selects-nothing']);
    expect(failures('netpol-selects-no-pods', locked)).toEqual([]);
    expect(failures('netpol-rules-ignored', partial)).toEqual(['NetworkPolicy/typo spec.egress ignored']);
    // The ignored 0.0.0.0/0 rule admits nothing.
    expect(failures('netpol-any-peer', partial)).toEqual([]);
    expect(failures('netpol-egress-metadata', partial)).toEqual([]);
    expect(failures('netpol-allow-all', locked)).toEqual([]);
  });

  it('carries the isolation of each namespace and workload in the insight', () => {
    const l = insight.namespaces.find((n) => n.namespace === locked)!;
    expect(l.verdict).toBe('default-deny');
    // `dns` has egress rules and no policyTypes: the API makes it Ingress+Egress,
    // so it is an ingress default-deny too.
    expect(l.ingress).toMatchObject({ status: 'isolated', defaultDeny: ['default-deny', 'dns'], isolatedWorkloads: 1, workloads: 1 });
    expect(l.egress).toMatchObject({ status: 'isolated', defaultDeny: ['default-deny'], allPodsPolicies: ['default-deny', 'dns'] });
    const web = l.workloads.find((w) => w.name === 'web')!;
    expect(web.ingress).toMatchObject({ isolated: 'yes', allowed: 'restricted', anyPeer: true, policies: ['default-deny', 'dns', 'public-http'] });
    expect(web.ingress.allows.map((a) => a.text)).toEqual(['TCP http from every source']);
    expect(web.egress).toMatchObject({ isolated: 'yes', allowed: 'restricted', metadataReachable: [] });

    const p = insight.namespaces.find((n) => n.namespace === partial)!;
    expect(p.verdict).toBe('partial');
    const api = p.workloads.find((w) => w.name === 'api')!;
    expect(api.ingress.isolated).toBe('partial');
    expect(api.ingress.policies).toEqual(['by-hash']);
    expect(api.ingress.notIsolatedPods).toEqual(['template']);
    expect(api.egress).toMatchObject({ isolated: 'no', allowed: 'everything' });
    expect(p.reasons.some((r) => r.includes('Deployment api is isolated for ingress traffic in only some of its pods'))).toBe(true);
  });
});
