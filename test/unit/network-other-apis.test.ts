/**
 * Policy kinds of other APIs (Calico, Cilium, Antrea, AdminNetworkPolicy) installed beside the standard
 * NetworkPolicy: k8s-audit does not read their rules, so "no NetworkPolicy isolates this" is not a verdict.
 */
import { describe, expect, it } from 'vitest';
import namespaceDefaultDeny from '../../checks/network/namespace-default-deny.ts';
import workloadNetworkIsolation from '../../checks/network/workload-network-isolation.ts';
import { evaluate } from '../../src/engine/run.ts';
import type { K8sObject } from '../../src/model/k8s.ts';
import { networkIsolationInsight, otherPolicyApisClause } from '../../src/model/network.ts';
import { Snapshot } from '../../src/model/snapshot.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';

const CLUSTER = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-ingress, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;
const CRDS = `
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: globalnetworkpolicies.crd.projectcalico.org}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: adminnetworkpolicies.policy.networking.k8s.io}
`;

describe('policy kinds beyond the standard NetworkPolicy', () => {
  it('make a direction no NetworkPolicy isolates not assessed, naming the kinds to look at', () => {
    const { results } = evaluate(snapshotFromYaml(CLUSTER + CRDS), [namespaceDefaultDeny, workloadNetworkIsolation]);
    expect(results.map((r) => [r.controlId, r.status])).toEqual([
      ['namespace-default-deny', 'not-assessed'],
      ['workload-network-isolation', 'not-assessed'],
    ]);
    expect(results[0]!.message).toBe(
      'Namespace "shop" has no NetworkPolicy that isolates every pod for Egress traffic, but policy kinds beyond the standard NetworkPolicy are installed — ' +
        'Kubernetes network policy API (sig-network) (adminnetworkpolicies.policy.networking.k8s.io); Calico (globalnetworkpolicies.crd.projectcalico.org) — ' +
        'and k8s-audit did not list their objects: a policy of theirs (a cluster-wide default deny, say) may isolate these pods where no NetworkPolicy does. ' +
        'Check them (kubectl get adminnetworkpolicies.policy.networking.k8s.io,globalnetworkpolicies.crd.projectcalico.org -A).',
    );
    expect(results[1]!.message).toMatch(/^Deployment "web" is not isolated by NetworkPolicy for egress traffic \(no NetworkPolicy selecting its pods lists Egress\), but policy kinds/);
  });

  it('leave the verdicts alone when none is installed', () => {
    const { results } = evaluate(snapshotFromYaml(CLUSTER), [namespaceDefaultDeny, workloadNetworkIsolation]);
    expect(results.map((r) => [r.controlId, r.status, r.messageId])).toEqual([
      ['namespace-default-deny', 'fail', 'missing'],
      ['workload-network-isolation', 'fail', 'not-isolated'],
    ]);
    expect(otherPolicyApisClause(snapshotFromYaml(CLUSTER))).toBeUndefined();
  });

  it('cannot be known without reading CustomResourceDefinitions: the controls are not assessed, naming the permission', () => {
    const objects = snapshotFromYaml(CLUSTER);
    const snapshot = new Snapshot({
      source: 'cluster',
      objects: Object.fromEntries((['namespaces', 'deployments', 'networkpolicies'] as const).map((k) => [k, objects.list(k) as K8sObject[]])),
      collection: { customresourcedefinitions: { kind: 'customresourcedefinitions', state: 'forbidden', count: 0, reason: '403' } },
    });
    const { controls } = evaluate(snapshot, [namespaceDefaultDeny]);
    expect(controls[0]).toMatchObject({ status: 'not-assessed' });
    expect(controls[0]!.reason).toContain('customresourcedefinitions.apiextensions.k8s.io: forbidden');
  });
});

describe('the networkIsolation insight, with policy kinds beyond the standard NetworkPolicy', () => {
  const NONE = `
apiVersion: v1
kind: Namespace
metadata: {name: empty}
`;
  const reasons = (yaml: string) => networkIsolationInsight(snapshotFromYaml(yaml)).namespaces.find((n) => n.namespace === 'empty')!;

  it('does not say the pods of a namespace without NetworkPolicy accept any traffic', () => {
    const ns = reasons(NONE + CRDS);
    expect(ns.verdict).toBe('no-policy');
    expect(ns.reasons).toEqual([
      "The namespace has no NetworkPolicy: nothing of the standard API restricts its pods' traffic, but policy kinds of other APIs are installed (see the caveats), which k8s-audit does not read and which may isolate its pods.",
    ]);
  });

  it('says so when nothing else is installed', () => {
    expect(reasons(NONE).reasons).toEqual(['The namespace has no NetworkPolicy: every pod accepts and sends any traffic.']);
  });
});
