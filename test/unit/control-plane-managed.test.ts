/**
 * Managed-cluster detection as a table, and the promise that matters most:
 * on a managed control plane, no control-plane control ever fails (or passes).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTROL_PLANE_CONTROLS } from '../../checks/control-plane/index.ts';
import { evaluate } from '../../src/engine/run.ts';
import type { K8sObject } from '../../src/model/k8s.ts';
import { detectDistribution, detectManaged, nodeInventory } from '../../src/model/managed.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';

function node(name: string, opts: { labels?: Record<string, string>; providerID?: string; kubelet?: string; osImage?: string } = {}): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: opts.labels ?? {} },
    spec: opts.providerID ? { providerID: opts.providerID } : {},
    status: { nodeInfo: { kubeletVersion: opts.kubelet ?? 'v1.37.2', osImage: opts.osImage ?? 'Ubuntu 24.04.1 LTS' } },
  };
}

interface Row {
  name: string;
  gitVersion?: string;
  nodes: K8sObject[];
  pods: boolean;
  expected: string | undefined;
}

const table: Row[] = [
  { name: 'EKS by version suffix alone', gitVersion: 'v1.30.4-eks-a737599', nodes: [], pods: false, expected: 'eks' },
  // EKS Distro / EKS Anywhere: a user-managed control plane, whatever its version says.
  { name: 'not EKS: EKS Anywhere, with its mirror pods', gitVersion: 'v1.29.1-eks-1-29-12', nodes: [node('n1', { providerID: 'vsphere://4237' })], pods: true, expected: undefined },
  { name: 'GKE by version suffix alone', gitVersion: 'v1.31.5-gke.1023000', nodes: [], pods: false, expected: 'gke' },
  { name: 'ACK by version suffix', gitVersion: 'v1.30.1-aliyun.1', nodes: [], pods: false, expected: 'ack' },
  { name: 'IKS by version suffix', gitVersion: 'v1.30.6+IKS', nodes: [], pods: false, expected: 'iks' },
  { name: 'AKS by node label (plain version)', gitVersion: 'v1.30.3', nodes: [node('aks-1', { labels: { 'kubernetes.azure.com/agentpool': 'np1' } })], pods: false, expected: 'aks' },
  { name: 'EKS by node-group label', gitVersion: 'v1.30.3', nodes: [node('ip-1', { labels: { 'eks.amazonaws.com/nodegroup': 'ng' } })], pods: false, expected: 'eks' },
  { name: 'GKE by node-pool label', gitVersion: 'v1.30.3', nodes: [node('gke-1', { labels: { 'cloud.google.com/gke-nodepool': 'default-pool' } })], pods: false, expected: 'gke' },
  { name: 'DOKS by label', nodes: [node('pool-x', { labels: { 'doks.digitalocean.com/node-pool': 'pool' } })], pods: false, expected: 'doks' },
  { name: 'LKE by label', nodes: [node('lke-1', { labels: { 'lke.linode.com/pool-id': '1' } })], pods: false, expected: 'lke' },
  { name: 'OKE by label', nodes: [node('10.0.10.2', { labels: { 'oke.oraclecloud.com/node.info.private_subnet': 'true' } })], pods: false, expected: 'oke' },
  { name: 'azure providerID without mirror pods', gitVersion: 'v1.30.3', nodes: [node('vm-1', { providerID: 'azure:///subscriptions/x/resourceGroups/mc_x/providers/Microsoft.Compute/virtualMachineScaleSets/aks-np/virtualMachines/0' })], pods: false, expected: 'aks' },
  { name: 'gce providerID without mirror pods', nodes: [node('vm-1', { providerID: 'gce://proj/zone/vm-1' })], pods: false, expected: 'gke' },
  { name: 'aws providerID WITH mirror pods is kubeadm on EC2, not EKS', gitVersion: 'v1.37.2', nodes: [node('ip-1', { providerID: 'aws:///eu-west-1a/i-0123' })], pods: true, expected: undefined },
  { name: 'kubeadm on bare metal', gitVersion: 'v1.37.2', nodes: [node('cp-1')], pods: true, expected: undefined },
  { name: 'k3s is not managed', gitVersion: 'v1.30.2+k3s1', nodes: [node('k3s-1')], pods: false, expected: undefined },
  { name: 'a strong signal wins even with pods visible', gitVersion: 'v1.31.5-gke.1023000', nodes: [], pods: true, expected: 'gke' },
];

describe('detectManaged', () => {
  for (const row of table) {
    it(row.name, () => {
      const d = detectManaged({ gitVersion: row.gitVersion, nodes: row.nodes, controlPlanePodsVisible: row.pods });
      expect(d?.provider.id).toBe(row.expected);
      if (d) {
        expect(d.evidence.length).toBeGreaterThan(0);
        expect(d.provider.benchmarkUrl).toMatch(/^https:\/\//);
      }
    });
  }

  it('recognises distributions that hide the control plane', () => {
    expect(detectDistribution('v1.30.2+k3s1')?.id).toBe('k3s');
    expect(detectDistribution('v1.30.2+k0s')?.id).toBe('k0s');
    expect(detectDistribution('v1.30.2+rke2r1')?.id).toBe('rke2');
    expect(detectDistribution('v1.37.2')).toBeUndefined();
  });
});

const managedClusters: [string, string][] = [
  [
    'EKS',
    `# gitVersion: v1.37.1-eks-7f3a2b1
apiVersion: v1
kind: Node
metadata: {name: ip-10-0-1-23, labels: {eks.amazonaws.com/nodegroup: general}}
spec: {providerID: "aws:///eu-west-1a/i-0abc"}
status: {nodeInfo: {kubeletVersion: v1.37.1-eks-7f3a2b1, osImage: Amazon Linux 2023}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: aws-node, namespace: kube-system}
spec: {selector: {matchLabels: {k8s-app: aws-node}}, template: {metadata: {labels: {k8s-app: aws-node}}, spec: {containers: [{name: aws-node, image: "602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.19.0"}]}}}
`,
  ],
  [
    'GKE',
    `# gitVersion: v1.36.3-gke.1000
apiVersion: v1
kind: Node
metadata: {name: gke-pool-1-abcd, labels: {cloud.google.com/gke-nodepool: pool-1}}
spec: {providerID: "gce://proj/europe-west1-b/gke-pool-1-abcd"}
status: {nodeInfo: {kubeletVersion: v1.36.3-gke.1000, osImage: Container-Optimized OS from Google}}
`,
  ],
  [
    'AKS',
    `# gitVersion: v1.37.1
apiVersion: v1
kind: Node
metadata: {name: aks-nodepool1-0, labels: {kubernetes.azure.com/cluster: MC_rg_aks1_westeurope}}
spec: {providerID: "azure:///subscriptions/0/resourceGroups/mc_rg/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1/virtualMachines/0"}
status: {nodeInfo: {kubeletVersion: v1.37.1, osImage: Ubuntu 22.04.5 LTS}}
`,
  ],
];

describe('control-plane controls on managed clusters', () => {
  // The controls that judge the provider-operated control plane (flags, versions of the control plane).
  // Manual items (meta.manual) are not-assessed on every cluster, managed or not, and are left out here.
  const controlPlane = CONTROL_PLANE_CONTROLS.filter(
    (c) => !c.meta.manual && (c.meta.area === 'control-plane' || c.meta.area === 'versions' || c.meta.id === 'detection-audit-logging'),
  );
  for (const [provider, yaml] of managedClusters) {
    it(`${provider}: never fail, never pass; not-applicable pointing to the provider's benchmark`, () => {
      const gv = /^# gitVersion: (\S+)/m.exec(yaml)![1]!;
      const [, major, minor] = /v(\d+)\.(\d+)/.exec(gv)!;
      const snapshot = snapshotFromYaml(yaml, { serverVersion: { gitVersion: gv, major: major!, minor: minor! } }).withExtras({ collectedAt: '2026-11-23T00:00:00Z' });
      const { results } = evaluate(snapshot, controlPlane);
      const probes = new Set(['apiserver-anonymous-access', 'apiserver-anonymous-version']);
      for (const r of results) {
        expect(['not-applicable', 'not-assessed'], `${r.controlId}: ${r.message}`).toContain(r.status);
        if (!probes.has(r.controlId)) {
          expect(r.status, `${r.controlId}`).toBe('not-applicable');
          expect(r.message).toMatch(/managed by/);
        }
      }
      const flagResults = results.filter((r) => r.controlId.startsWith('apiserver-') && !probes.has(r.controlId));
      expect(flagResults.length).toBeGreaterThan(20);
      for (const r of flagResults) expect(r.message).toMatch(/Benchmark|benchmark|documentation/);
    });
  }
});

describe('kops on EC2: self-managed, its static pods labelled k8s-app=<component>', () => {
  // kops (nodeup) writes /etc/kubernetes/manifests/kube-apiserver.manifest with labels {k8s-app: kube-apiserver} and
  // runs etcd under etcd-manager; the nodes are EC2 instances (providerID aws://). Nothing of it is Amazon EKS.
  const yaml = readFileSync(new URL('../checks/apiserver-authz-not-always-allow/fail.kops-on-aws.yaml', import.meta.url), 'utf8');
  const snapshot = snapshotFromYaml(yaml, { serverVersion: { gitVersion: 'v1.37.2', major: '1', minor: '37' } }).withExtras({ collectedAt: '2026-11-23T00:00:00Z' });
  const byId = (id: string) => evaluate(snapshot, CONTROL_PLANE_CONTROLS.filter((c) => c.meta.id === id)).results;

  it('judges the API server from its mirror pod', () => {
    expect(byId('apiserver-authz-not-always-allow').map((r) => [r.status, r.subject.name])).toEqual([['fail', 'kube-apiserver-i-0a1b2c3d4e5f60708']]);
  });
  it('says etcd is not visible, not that Amazon EKS runs it', () => {
    const [r, ...rest] = byId('etcd-client-cert-auth');
    expect(rest).toEqual([]);
    expect(r!.status).toBe('not-assessed');
    expect(r!.message).not.toMatch(/EKS|managed/);
    expect(r!.message).toMatch(/although kube-apiserver runs as one/);
  });
  it('judges the version by the upstream calendar', () => {
    expect(byId('version-supported').map((r) => r.status)).toEqual(['pass']);
  });
  it('is not named a managed control plane by the nodes insight either', () => {
    expect(nodeInventory(snapshot).managed).toBeUndefined();
  });
});

describe('nodeInventory', () => {
  it('lists nodes, OS images and kubelet versions, and names the provider', () => {
    const yaml = managedClusters[0]![1] + `---
apiVersion: v1
kind: Node
metadata: {name: ip-10-0-1-99, labels: {eks.amazonaws.com/nodegroup: general, node-role.kubernetes.io/worker: ""}}
spec: {providerID: "aws:///eu-west-1b/i-0def"}
status: {nodeInfo: {kubeletVersion: v1.36.4-eks-1, osImage: Amazon Linux 2023}}
`;
    const snapshot = snapshotFromYaml(yaml, { serverVersion: { gitVersion: 'v1.37.1-eks-7f3a2b1', major: '1', minor: '37' } });
    const inv = nodeInventory(snapshot);
    expect(inv.managed?.provider).toBe('Amazon EKS');
    expect(inv.nodes.map((n) => [n.name, n.provider, n.roles])).toEqual([
      ['ip-10-0-1-23', 'aws', []],
      ['ip-10-0-1-99', 'aws', ['worker']],
    ]);
    expect(inv.osImages).toEqual([{ osImage: 'Amazon Linux 2023', nodes: 2 }]);
    expect(inv.kubeletVersions).toEqual([
      { version: 'v1.36.4-eks-1', nodes: 1 },
      { version: 'v1.37.1-eks-7f3a2b1', nodes: 1 },
    ]);
  });
});
