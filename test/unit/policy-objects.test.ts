// The collector's read of other APIs' policy objects (src/collect/extras.ts policyObjects) against a fake API server
// that answers discovery and lists as kube-apiserver does: in pages when asked for a limit, whole otherwise.
import { describe, expect, it } from 'vitest';
import defaultDeny from '../../checks/network/namespace-default-deny.ts';
import isolation from '../../checks/network/workload-network-isolation.ts';
import { policyObjects } from '../../src/collect/extras.ts';
import { evaluate } from '../../src/engine/run.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';

function fakeServer(objects: { namespace: string; name: string }[]) {
  const lists: string[] = [];
  const ok = (body: unknown) => ({ status: 200, headers: {}, body: JSON.stringify(body) });
  const request = async (_method: string, path: string) => {
    const url = new URL(path, 'https://api.test');
    if (url.pathname === '/apis/cilium.io') return ok({ kind: 'APIGroup', name: 'cilium.io', versions: [{ groupVersion: 'cilium.io/v2', version: 'v2' }], preferredVersion: { groupVersion: 'cilium.io/v2', version: 'v2' } });
    if (url.pathname === '/apis/cilium.io/v2') return ok({ kind: 'APIResourceList', resources: [{ name: 'ciliumnetworkpolicies', namespaced: true, verbs: ['get', 'list'] }] });
    if (url.pathname === '/apis/cilium.io/v2/ciliumnetworkpolicies') {
      lists.push(path);
      const limit = Number(url.searchParams.get('limit') ?? 0);
      const from = Number(url.searchParams.get('continue') ?? 0);
      const to = limit > 0 ? Math.min(from + limit, objects.length) : objects.length;
      const items = objects.slice(from, to).map((o) => ({ metadata: { ...o, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(1000) } } }));
      return ok({ kind: 'PartialObjectMetadataList', metadata: to < objects.length ? { continue: String(to) } : {}, items });
    }
    return { status: 404, headers: {}, body: '{}' };
  };
  return { client: { request } as unknown as Parameters<typeof policyObjects>[0], lists };
}

describe('policyObjects', () => {
  it('lists in pages, as the collector lists every kind, and counts across them', async () => {
    const objects = Array.from({ length: 1234 }, (_, i) => ({ namespace: `ns-${i % 3}`, name: `p-${i}` }));
    const { client, lists } = fakeServer(objects);
    const read = await policyObjects(client);
    expect(read.state).toBe('ok');
    expect(read.kinds).toEqual([{ crd: 'ciliumnetworkpolicies.cilium.io', namespaced: true, count: 1234, namespaces: ['ns-0', 'ns-1', 'ns-2'] }]);
    expect(lists.length).toBe(3);
    for (const path of lists) expect(Number(new URL(path, 'https://api.test').searchParams.get('limit'))).toBe(500);
  });

  it('does not loop on a server that answers the same continue token again', async () => {
    const { client } = fakeServer([]);
    const looping = {
      request: async (method: string, path: string) =>
        path.startsWith('/apis/cilium.io/v2/ciliumnetworkpolicies')
          ? { status: 200, headers: {}, body: JSON.stringify({ metadata: { continue: 'again' }, items: [{ metadata: { namespace: 'a', name: 'x' } }] }) }
          : client.request(method, path),
    } as unknown as Parameters<typeof policyObjects>[0];
    const read = await policyObjects(looping);
    expect(read.state).toBe('error');
  });
});

describe('network controls when listing other policy objects was refused', () => {
  const yaml = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ciliumnetworkpolicies.cilium.io}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: registry.example.com/web:1}]}
`;
  const permission = 'list ciliumnetworkpolicies.cilium.io';

  it('are not assessed with the permission that would let k8s-audit list them, as every other unread kind is', () => {
    const forbidden = snapshotFromYaml(yaml).withExtras({ policyObjects: { state: 'forbidden', reason: 'HTTP 403', permission } } as never);
    const { results } = evaluate(forbidden, [defaultDeny, isolation]);
    const unassessed = results.filter((r) => r.status === 'not-assessed');
    expect(unassessed.map((r) => [r.controlId, r.subject.kind, r.permission])).toEqual([
      ['namespace-default-deny', 'Namespace', permission],
      ['workload-network-isolation', 'Deployment', permission],
    ]);
    // Listed: what decides is the objects themselves, not a permission.
    const listed = snapshotFromYaml(yaml).withExtras({ policyObjects: { state: 'ok', kinds: [{ crd: 'ciliumnetworkpolicies.cilium.io', namespaced: true, count: 1, namespaces: ['shop'] }] } } as never);
    const again = evaluate(listed, [defaultDeny, isolation]).results.filter((r) => r.status === 'not-assessed');
    expect(again).toHaveLength(2);
    expect(again.map((r) => r.permission)).toEqual([undefined, undefined]);
  });
});

describe('policyObjects refused for several kinds', () => {
  it('names every list that was refused, so that one grant is enough', async () => {
    const ok = (body: unknown) => ({ status: 200, headers: {}, body: JSON.stringify(body) });
    const request = async (_method: string, path: string) => {
      const url = new URL(path, 'https://api.test');
      if (url.pathname === '/apis/cilium.io') return ok({ kind: 'APIGroup', name: 'cilium.io', versions: [{ groupVersion: 'cilium.io/v2', version: 'v2' }], preferredVersion: { groupVersion: 'cilium.io/v2', version: 'v2' } });
      if (url.pathname === '/apis/cilium.io/v2')
        return ok({ kind: 'APIResourceList', resources: ['ciliumnetworkpolicies', 'ciliumclusterwidenetworkpolicies'].map((name) => ({ name, namespaced: name === 'ciliumnetworkpolicies', verbs: ['get', 'list'] })) });
      if (url.pathname.startsWith('/apis/cilium.io/v2/')) return { status: 403, headers: {}, body: JSON.stringify({ kind: 'Status', message: 'forbidden' }) };
      return { status: 404, headers: {}, body: '{}' };
    };
    const read = await policyObjects({ request } as unknown as Parameters<typeof policyObjects>[0]);
    expect(read.state).toBe('forbidden');
    expect(read.permission).toBe('list ciliumclusterwidenetworkpolicies.cilium.io, list ciliumnetworkpolicies.cilium.io');
  });
});
