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
    // Both kinds are refused, and both are named: granting one would only lead to the other's refusal.
    expect(p.permission).toBe('list ciliumclusterwidenetworkpolicies.cilium.io, list ciliumnetworkpolicies.cilium.io');
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

// sig-network's policy API: v1alpha1 AdminNetworkPolicy (and Baseline…) beside the v1alpha2 ClusterNetworkPolicy that
// replaces them. The group's preferred version is v1alpha2, whose discovery does not list the v1alpha1 kinds.
describe('policy objects of a group whose kinds are served at different versions', () => {
  const GROUP = 'policy.networking.k8s.io';
  const NAMES = [`adminnetworkpolicies.${GROUP}`, `clusternetworkpolicies.${GROUP}`];
  const policyCrd = (plural: string, kind: string, version: string) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}`, annotations: { 'api-approved.kubernetes.io': 'https://github.com/kubernetes-sigs/network-policy-api/pull/30' } },
    spec: {
      group: GROUP,
      scope: 'Cluster',
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      versions: [{ name: version, served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  });

  beforeAll(async () => {
    await admin.call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: policyCrd('adminnetworkpolicies', 'AdminNetworkPolicy', 'v1alpha1') });
    await admin.call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: policyCrd('clusternetworkpolicies', 'ClusterNetworkPolicy', 'v1alpha2') });
    await waitFor(`${GROUP} served`, async () => {
      const g = await admin.request('GET', `/apis/${GROUP}`);
      return g.status === 200 && JSON.stringify(g.body).includes('v1alpha2') && (await admin.request('GET', `/apis/${GROUP}/v1alpha1/adminnetworkpolicies`)).status === 200;
    });
    await admin.call('POST', `/apis/${GROUP}/v1alpha1/adminnetworkpolicies`, {
      body: { apiVersion: `${GROUP}/v1alpha1`, kind: 'AdminNetworkPolicy', metadata: { name: 'deny-ingress' }, spec: { priority: 10, subject: { namespaces: {} }, ingress: [{ name: 'deny', action: 'Deny', from: [{ namespaces: {} }] }] } },
    });
  });

  afterAll(async () => {
    for (const name of NAMES) await admin.request('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
  });

  it('lists each kind at a version that serves it, not only at the preferred one', async () => {
    const p = await read('admin');
    expect(p.state).toBe('ok');
    expect(p.kinds.filter((k) => k.crd.endsWith(GROUP))).toEqual([
      { crd: `adminnetworkpolicies.${GROUP}`, namespaced: false, count: 1, namespaces: [] },
      { crd: `clusternetworkpolicies.${GROUP}`, namespaced: false, count: 0, namespaces: [] },
    ]);
  });
});

// Calico with native projectcalico.org/v3 CRDs (3.32; no aggregated API server, no crd.projectcalico.org objects).
describe("policy objects of Calico's native v3 CRDs", () => {
  const NAME = 'globalnetworkpolicies.projectcalico.org';

  beforeAll(async () => {
    await admin.call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      body: {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: NAME },
        spec: {
          group: 'projectcalico.org',
          scope: 'Cluster',
          names: { plural: 'globalnetworkpolicies', singular: 'globalnetworkpolicy', kind: 'GlobalNetworkPolicy', listKind: 'GlobalNetworkPolicyList' },
          versions: [{ name: 'v3', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
        },
      },
    });
    await waitFor('projectcalico.org served', async () => (await admin.request('GET', '/apis/projectcalico.org/v3/globalnetworkpolicies')).status === 200);
    await admin.call('POST', '/apis/projectcalico.org/v3/globalnetworkpolicies', {
      body: { apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: { name: 'default-deny' }, spec: { selector: 'all()', types: ['Ingress', 'Egress'] } },
    });
  });

  afterAll(async () => {
    await admin.request('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${NAME}`);
  });

  it('are listed, so a cluster-wide default deny of theirs is seen', async () => {
    const p = await read('admin');
    expect(p.state).toBe('ok');
    expect(p.kinds.filter((k) => k.crd === NAME)).toEqual([{ crd: NAME, namespaced: false, count: 1, namespaces: [] }]);
  });
});
