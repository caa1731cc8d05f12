// The policy kinds of other APIs (Cilium's here) as the collector lists them from a real API server: discovery finds
// the served group and version, the lists come back as metadata, and an identity without `list` on them gets a read
// that is not `ok`, with the permission named. Then the network controls on those reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETWORK_CONTROLS } from '../../checks/network/index.ts';
import { collectExtras, type PolicyObjects } from '../../src/collect/extras.ts';
import { resolveTarget } from '../../src/collect/kubeconfig.ts';
import { evaluate } from '../../src/engine/run.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';
import { createNamespace, deleteNamespace, grantAuditor, kubeClient, revokeAuditor, testKubeconfig, waitFor } from '../cluster/fixtures.ts';

const admin = kubeClient('admin');
const CRDS = ['ciliumnetworkpolicies.cilium.io', 'ciliumclusterwidenetworkpolicies.cilium.io'];
let space: string;
let binding: string | undefined;

function crd(plural: string, kind: string, scope: 'Namespaced' | 'Cluster') {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.cilium.io` },
    spec: {
      group: 'cilium.io',
      scope,
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      versions: [{ name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
}

async function read(context: 'admin' | 'auditor'): Promise<PolicyObjects> {
  const target = await resolveTarget({ kubeconfig: testKubeconfig(), context });
  const extras = await collectExtras(target, { anonymousProbe: false, kubeconfig: false, kubeProxy: false });
  return extras.policyObjects!;
}

beforeAll(async () => {
  space = await createNamespace('policy-objects');
  await admin.call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd('ciliumnetworkpolicies', 'CiliumNetworkPolicy', 'Namespaced') });
  await admin.call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd('ciliumclusterwidenetworkpolicies', 'CiliumClusterwideNetworkPolicy', 'Cluster') });
  // Served once the CRDs are established and discovery lists them.
  await waitFor('cilium.io served', async () => (await admin.request('GET', '/apis/cilium.io/v2')).status === 200 && (await admin.request('GET', `/apis/cilium.io/v2/namespaces/${space}/ciliumnetworkpolicies`)).status === 200);
  await admin.call('POST', `/apis/cilium.io/v2/namespaces/${space}/ciliumnetworkpolicies`, {
    body: { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'deny-all', namespace: space }, spec: { endpointSelector: {}, ingress: [{}] } },
  });
});

afterAll(async () => {
  if (binding) await revokeAuditor(binding);
  for (const name of CRDS) await admin.request('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
  await deleteNamespace(space);
  admin.close();
});

describe('policy objects of other APIs', () => {
  it('are listed as metadata: how many of each served kind, and in which namespaces', async () => {
    const p = await read('admin');
    expect(p.state).toBe('ok');
    expect(p.kinds).toEqual([
      { crd: 'ciliumclusterwidenetworkpolicies.cilium.io', namespaced: false, count: 0, namespaces: [] },
      { crd: 'ciliumnetworkpolicies.cilium.io', namespaced: true, count: 1, namespaces: [space] },
    ]);
  });

  it('are not `ok` for an identity that may not list them, which is told the permission', async () => {
    binding = await grantAuditor('view');
    const p = await read('auditor');
    expect(p.state).toBe('forbidden');
    expect(p.permission).toMatch(/^list (ciliumclusterwidenetworkpolicies|ciliumnetworkpolicies)\.cilium\.io$/);
  });

  it('leave namespace-default-deny not assessed where a policy of theirs applies, and failing elsewhere', async () => {
    const p = await read('admin');
    const yaml = `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${space}}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: ciliumnetworkpolicies.cilium.io}\n`;
    const snapshot = snapshotFromYaml(yaml).withExtras({ policyObjects: p });
    const control = NETWORK_CONTROLS.filter((c) => c.meta.id === 'namespace-default-deny');
    const statuses = evaluate(snapshot, control).results.map((r) => [r.subject.name, r.status]);
    expect(statuses).toEqual(expect.arrayContaining([[space, 'not-assessed'], ['other', 'fail']]));
    expect(statuses.filter(([name]) => name === space).map(([, s]) => s)).toEqual(['not-assessed']);
  });
});
