/**
 * Who runs the control plane. Managed Kubernetes services (EKS, GKE, AKS, …)
 * operate the API server, controller manager, scheduler and etcd themselves:
 * their flags are not visible and not the customer's to change, so the
 * control-plane controls are not applicable there and point to the provider's
 * own benchmark instead. Distributions that embed the control plane in one
 * process (k3s, k0s) or configure it through files (OpenShift) are not managed,
 * but their flags are not visible either.
 *
 * Evidence, strongest first:
 * - the server's gitVersion suffix (`v1.30.4-eks-1a2b3c4`, `v1.30.5-gke.1014001`, `-aliyun.1`, `+IKS`);
 * - node labels only the provider sets (`eks.amazonaws.com/nodegroup`, `cloud.google.com/gke-nodepool`,
 *   `kubernetes.azure.com/cluster`, …);
 * - node providerIDs (`aws://`, `gce://`, `azure://`, …): a cloud VM is not proof of a managed
 *   control plane (kubeadm runs on VMs too), so a providerID counts only when no control-plane
 *   mirror pod is visible either.
 */
import type { K8sObject } from './k8s.ts';
import type { InsightProvider } from '../engine/insights.ts';
import type { Snapshot } from './snapshot.ts';

export interface ProviderInfo {
  /** Short id, e.g. `eks`. */
  id: string;
  /** Display name, e.g. `Amazon EKS`. */
  name: string;
  /** The benchmark that covers what the provider leaves to the customer. */
  benchmark: string;
  benchmarkUrl: string;
}

export const PROVIDERS = {
  eks: {
    id: 'eks',
    name: 'Amazon EKS',
    benchmark: 'CIS Amazon Elastic Kubernetes Service (EKS) Benchmark',
    benchmarkUrl: 'https://www.cisecurity.org/benchmark/kubernetes',
  },
  gke: {
    id: 'gke',
    name: 'Google Kubernetes Engine',
    benchmark: 'CIS Google Kubernetes Engine (GKE) Benchmark',
    benchmarkUrl: 'https://cloud.google.com/kubernetes-engine/docs/concepts/cis-benchmarks',
  },
  aks: {
    id: 'aks',
    name: 'Azure Kubernetes Service',
    benchmark: 'CIS Azure Kubernetes Service (AKS) Benchmark',
    benchmarkUrl: 'https://learn.microsoft.com/en-us/azure/aks/cis-kubernetes',
  },
  ack: {
    id: 'ack',
    name: 'Alibaba Cloud Container Service for Kubernetes',
    benchmark: 'CIS Alibaba Cloud Container Service for Kubernetes (ACK) Benchmark',
    benchmarkUrl: 'https://www.cisecurity.org/benchmark/kubernetes',
  },
  oke: {
    id: 'oke',
    name: 'Oracle Container Engine for Kubernetes',
    benchmark: 'CIS Oracle Cloud Infrastructure Container Engine for Kubernetes (OKE) Benchmark',
    benchmarkUrl: 'https://www.cisecurity.org/benchmark/kubernetes',
  },
  iks: {
    id: 'iks',
    name: 'IBM Cloud Kubernetes Service',
    benchmark: "IBM Cloud Kubernetes Service's CIS Kubernetes Benchmark results",
    benchmarkUrl: 'https://www.cisecurity.org/benchmark/kubernetes',
  },
  doks: {
    id: 'doks',
    name: 'DigitalOcean Kubernetes',
    benchmark: "the provider's shared-responsibility documentation",
    benchmarkUrl: 'https://docs.digitalocean.com/products/kubernetes/',
  },
  lke: {
    id: 'lke',
    name: 'Linode Kubernetes Engine',
    benchmark: "the provider's shared-responsibility documentation",
    benchmarkUrl: 'https://www.cisecurity.org/benchmark/kubernetes',
  },
} as const satisfies Record<string, ProviderInfo>;

export type ProviderId = keyof typeof PROVIDERS;

export interface ManagedDetection {
  provider: ProviderInfo;
  /** What gave it away, in words, e.g. `server version v1.30.4-eks-1a2b3c4`. */
  evidence: string[];
}

/** Distributions whose control plane is not made of kube-system mirror pods. */
export interface DistributionDetection {
  id: 'k3s' | 'k0s' | 'openshift' | 'rke2' | 'microk8s';
  name: string;
  evidence: string;
}

const GIT_VERSION_SIGNALS: { re: RegExp; provider: ProviderId }[] = [
  // Amazon EKS: `v1.30.4-eks-a737599` (a commit). Not EKS Distro or EKS Anywhere, `v1.29.1-eks-1-29-12`: those are
  // user-managed control planes, with mirror pods to read.
  { re: /-eks-[0-9a-f]{7,}$/, provider: 'eks' },
  { re: /-gke\./, provider: 'gke' },
  { re: /-aliyun\./, provider: 'ack' },
  { re: /\+IKS/i, provider: 'iks' },
];

const LABEL_SIGNALS: { prefix: string; provider: ProviderId }[] = [
  { prefix: 'eks.amazonaws.com/', provider: 'eks' },
  { prefix: 'cloud.google.com/gke-', provider: 'gke' },
  { prefix: 'kubernetes.azure.com/', provider: 'aks' },
  { prefix: 'alibabacloud.com/nodepool-id', provider: 'ack' },
  { prefix: 'oke.oraclecloud.com/', provider: 'oke' },
  { prefix: 'ibm-cloud.kubernetes.io/', provider: 'iks' },
  { prefix: 'doks.digitalocean.com/', provider: 'doks' },
  { prefix: 'lke.linode.com/', provider: 'lke' },
];

const PROVIDER_ID_SIGNALS: { prefix: string; provider: ProviderId }[] = [
  { prefix: 'aws://', provider: 'eks' },
  { prefix: 'gce://', provider: 'gke' },
  { prefix: 'azure://', provider: 'aks' },
  { prefix: 'digitalocean://', provider: 'doks' },
  { prefix: 'linode://', provider: 'lke' },
  { prefix: 'ocid1.', provider: 'oke' },
  { prefix: 'ibm://', provider: 'iks' },
];

export interface ManagedInput {
  gitVersion?: string | undefined;
  nodes: readonly K8sObject[];
  /** Whether any control-plane mirror pod is visible in kube-system. */
  /** Whether kube-system holds control-plane mirror pods; undefined when its Pods were not read (then a providerID alone decides nothing). */
  controlPlanePodsVisible: boolean | undefined;
}

/**
 * The managed service running the control plane, when the evidence says so.
 * Strong evidence (version suffix, provider-only node labels) decides on its
 * own; a providerID decides only when no control-plane mirror pod is visible.
 */
export function detectManaged(input: ManagedInput): ManagedDetection | undefined {
  const strong = new Map<ProviderId, string[]>();
  const weak = new Map<ProviderId, string[]>();
  const add = (m: Map<ProviderId, string[]>, p: ProviderId, e: string) => {
    const list = m.get(p) ?? [];
    if (!list.includes(e)) list.push(e);
    m.set(p, list);
  };
  const gv = input.gitVersion ?? '';
  for (const s of GIT_VERSION_SIGNALS) if (s.re.test(gv)) add(strong, s.provider, `server version ${gv}`);
  for (const node of input.nodes) {
    const name = node.metadata.name;
    for (const key of Object.keys(node.metadata.labels ?? {})) {
      const s = LABEL_SIGNALS.find((l) => key.startsWith(l.prefix));
      if (s) add(strong, s.provider, `label ${key} on node ${name}`);
    }
    const providerID = (node.spec as { providerID?: string } | undefined)?.providerID ?? '';
    const p = PROVIDER_ID_SIGNALS.find((s) => providerID.startsWith(s.prefix));
    if (p) add(weak, p.provider, `providerID ${p.prefix}… on node ${name}`);
  }
  const pick = (m: Map<ProviderId, string[]>) => {
    // Most evidence wins; ties broken by the order of PROVIDERS for determinism.
    const order = Object.keys(PROVIDERS) as ProviderId[];
    return [...m.entries()].sort((a, b) => b[1].length - a[1].length || order.indexOf(a[0]) - order.indexOf(b[0]))[0];
  };
  const best = pick(strong);
  if (best) return { provider: PROVIDERS[best[0]], evidence: best[1].slice(0, 3) };
  if (input.controlPlanePodsVisible === false) {
    const w = pick(weak);
    if (w) return { provider: PROVIDERS[w[0]], evidence: [...w[1].slice(0, 3), 'no control-plane mirror pod in kube-system'] };
  }
  return undefined;
}

/** Distributions recognisable from the server version, whose control plane is not visible as mirror pods. */
export function detectDistribution(gitVersion: string | undefined): DistributionDetection | undefined {
  const gv = gitVersion ?? '';
  if (/\+k3s/.test(gv)) return { id: 'k3s', name: 'k3s', evidence: `server version ${gv}` };
  if (/\+k0s/.test(gv)) return { id: 'k0s', name: 'k0s', evidence: `server version ${gv}` };
  if (/\+rke2/.test(gv)) return { id: 'rke2', name: 'RKE2', evidence: `server version ${gv}` };
  return undefined;
}

const controlPlaneComponents = new Set(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd']);

/** Whether a kube-system pod looks like a control-plane mirror pod (component label of a control-plane component). */
export function isControlPlanePod(pod: K8sObject): boolean {
  if (pod.metadata.namespace !== 'kube-system') return false;
  const labels = pod.metadata.labels ?? {};
  if (labels.component && controlPlaneComponents.has(labels.component)) return true;
  // kops labels its static pods k8s-app=<component> instead: count a mirror pod (the kubelet's annotation), or in a
  // static scan the manifest itself (named after the component).
  const app = labels['k8s-app'];
  return !!app && controlPlaneComponents.has(app) && (!!pod.metadata.annotations?.['kubernetes.io/config.mirror'] || pod.metadata.name === app);
}

const cache = new WeakMap<Snapshot, ManagedDetection | null>();

/** detectManaged over a snapshot: its server version, nodes and kube-system pods. Computed once per snapshot. */
export function managedControlPlane(snapshot: Snapshot): ManagedDetection | undefined {
  const hit = cache.get(snapshot);
  if (hit !== undefined) return hit ?? undefined;
  const d = detectManaged({
    gitVersion: snapshot.serverVersion?.gitVersion,
    nodes: snapshot.list('nodes'),
    // Unknown (undefined) unless kube-system's Pods were read: unread, "no mirror pod" is no evidence at all.
    controlPlanePodsVisible:
      snapshot.isComplete('pods') && snapshot.readsNamespace('kube-system') ? snapshot.inNamespace('pods', 'kube-system').some(isControlPlanePod) : undefined,
  });
  cache.set(snapshot, d ?? null);
  return d;
}

/**
 * Why it cannot be told whether the control plane is managed, or undefined when it can: a node's providerID points at a
 * provider, but kube-system's Pods were not read (`-n`, `--exclude-namespace`, no permission), so a self-managed control
 * plane's mirror pods could not be looked for. Controls that judge a self-managed control plane are then not assessed.
 */
export function managedUndecided(snapshot: Snapshot): string | undefined {
  if (managedControlPlane(snapshot)) return undefined;
  if (snapshot.isComplete('pods') && snapshot.readsNamespace('kube-system')) return undefined;
  const weak = detectManaged({ gitVersion: snapshot.serverVersion?.gitVersion, nodes: snapshot.list('nodes'), controlPlanePodsVisible: false });
  if (!weak) return undefined;
  const evidence = weak.evidence.filter((e) => !e.startsWith('no control-plane mirror pod'));
  return `The nodes suggest ${weak.provider.name} (${evidence.join('; ')}), but kube-system's Pods were not read, so a managed control plane cannot be told from a self-managed one on that provider's machines.`;
}

/** One node as the inventory lists it. */
export interface NodeInventoryEntry {
  name: string;
  kubeletVersion?: string;
  osImage?: string;
  kernelVersion?: string;
  containerRuntimeVersion?: string;
  operatingSystem?: string;
  architecture?: string;
  /** The providerID scheme, e.g. `aws`, when set. */
  provider?: string;
  roles: string[];
}

export interface NodeInventory {
  managed?: { provider: string; evidence: string[] };
  nodes: NodeInventoryEntry[];
  /** Distinct OS images with the nodes running each, sorted by image. */
  osImages: { osImage: string; nodes: number }[];
  kubeletVersions: { version: string; nodes: number }[];
}

/** What runs on the nodes: versions, OS images, kernels and runtimes. Pure; an insight beside the findings. */
export function nodeInventory(snapshot: Snapshot): NodeInventory {
  const nodes: NodeInventoryEntry[] = [];
  for (const node of snapshot.list('nodes')) {
    const info = (node.status as { nodeInfo?: Record<string, string> } | undefined)?.nodeInfo ?? {};
    const providerID = (node.spec as { providerID?: string } | undefined)?.providerID;
    const roles = Object.keys(node.metadata.labels ?? {})
      .filter((k) => k.startsWith('node-role.kubernetes.io/'))
      .map((k) => k.slice('node-role.kubernetes.io/'.length))
      .sort();
    const e: NodeInventoryEntry = { name: node.metadata.name, roles };
    if (info.kubeletVersion) e.kubeletVersion = info.kubeletVersion;
    if (info.osImage) e.osImage = info.osImage;
    if (info.kernelVersion) e.kernelVersion = info.kernelVersion;
    if (info.containerRuntimeVersion) e.containerRuntimeVersion = info.containerRuntimeVersion;
    if (info.operatingSystem) e.operatingSystem = info.operatingSystem;
    if (info.architecture) e.architecture = info.architecture;
    const scheme = providerID && /^([a-z0-9]+):\/\//.exec(providerID)?.[1];
    if (scheme) e.provider = scheme;
    nodes.push(e);
  }
  nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const count = (values: (string | undefined)[]) => {
    const m = new Map<string, number>();
    for (const v of values) m.set(v ?? 'unknown', (m.get(v ?? 'unknown') ?? 0) + 1);
    return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  };
  const out: NodeInventory = {
    nodes,
    osImages: count(nodes.map((n) => n.osImage)).map(([osImage, n]) => ({ osImage, nodes: n })),
    kubeletVersions: count(nodes.map((n) => n.kubeletVersion)).map(([version, n]) => ({ version, nodes: n })),
  };
  const managed = managedControlPlane(snapshot);
  if (managed) out.managed = { provider: managed.provider.name, evidence: managed.evidence };
  return out;
}

/** The `nodes` insight: the node inventory beside the findings (OS images, kubelet versions, runtimes). */
export const NODE_INVENTORY_PROVIDER: InsightProvider = { key: 'nodes', reads: ['nodes'], compute: nodeInventory };
