/**
 * NetworkPolicy semantics and the network isolation of every workload and
 * namespace, computed once per snapshot.
 *
 * The rules, as the API and its conformance tests define them:
 *
 * - A policy selects the pods of its own namespace matched by `spec.podSelector`;
 *   an empty selector (`{}`, or absent, the Go zero value) selects every pod,
 *   including pods created later.
 * - `policyTypes` defaults to Ingress, plus Egress when the policy has at least
 *   one egress rule (`egress: []` does not count). Rules for a direction the
 *   policy's types omit are ignored.
 * - A pod is isolated for a direction when any policy selecting it lists that
 *   direction. Policies are additive: what the pod may receive (send) is the
 *   union of the rules of those policies. An isolated pod with no rule allows
 *   nothing; a pod no policy isolates allows everything.
 * - A rule with no `from` (`to`), or an empty list, matches every source
 *   (destination); with no `ports`, or an empty list, every port. `ingress: [{}]`
 *   therefore allows everything, `ingress: []` nothing.
 * - A peer names pods (podSelector: this namespace; namespaceSelector: pods of
 *   the namespaces it selects, narrowed by podSelector when both are set; `{}`
 *   selects all) or an ipBlock (a CIDR minus `except`). A peer naming neither,
 *   or an ipBlock together with a selector, is rejected by the API server.
 * - A port is a number (with `endPort`, a range) or the name of a container
 *   port of the pod the traffic goes to; protocol defaults to TCP; no port means
 *   every port of that protocol.
 * - Namespaces carry the automatic label `kubernetes.io/metadata.name`.
 * - Pods on the host network are outside NetworkPolicy: implementations treat
 *   their traffic as the node's.
 */
import type { PolicyObjectKind } from '../collect/extras.ts';
import type { K8sObject, LabelSelector, PodSpec } from './k8s.ts';
import { cidrContains, parseCidr, parseIp, wholeSpaceFamilies, type Ip } from './ip.ts';
import { isSystemNamespace } from './namespaces.ts';
import { isEmptySelector, matchesSelector, selectorToString } from './selectors.ts';
import type { Snapshot } from './snapshot.ts';
import type { InsightProvider } from '../engine/insights.ts';
import { WORKLOAD_KINDS, cmp, containersOf, workloads, type Workload } from './workloads.ts';

export type Direction = 'Ingress' | 'Egress';
export const DIRECTIONS: readonly Direction[] = ['Ingress', 'Egress'];

/** The label every namespace carries since Kubernetes 1.22, set by the API server. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The reason of a namespace with no NetworkPolicy (verdict `no-policy`), when nothing else may isolate its pods. */
const NO_POLICY_REASON = 'The namespace has no NetworkPolicy: every pod accepts and sends any traffic.';

// ---------------------------------------------------------------------------
// The API's shapes
// ---------------------------------------------------------------------------

export interface NetworkPolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

export interface IPBlock {
  cidr: string;
  except?: string[] | null;
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector | null;
  namespaceSelector?: LabelSelector | null;
  ipBlock?: IPBlock | null;
}

export interface NetworkPolicyRule {
  from?: NetworkPolicyPeer[] | null;
  to?: NetworkPolicyPeer[] | null;
  ports?: NetworkPolicyPort[] | null;
}

export interface NetworkPolicySpec {
  podSelector?: LabelSelector | null;
  policyTypes?: Direction[] | null;
  ingress?: NetworkPolicyRule[] | null;
  egress?: NetworkPolicyRule[] | null;
}

export function specOf(np: K8sObject): NetworkPolicySpec {
  return (np.spec ?? {}) as NetworkPolicySpec;
}

/**
 * The directions a policy isolates, with the API's defaulting: when
 * `policyTypes` is unset, Ingress always, and Egress when the policy has at
 * least one egress rule.
 */
export function policyTypes(np: K8sObject): Direction[] {
  const spec = specOf(np);
  if (spec.policyTypes && spec.policyTypes.length > 0) return spec.policyTypes;
  return (spec.egress?.length ?? 0) > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** The pod selector, with absence read as the API reads it: `{}`, every pod. */
export function podSelectorOf(np: K8sObject): LabelSelector {
  return specOf(np).podSelector ?? {};
}

/** Whether the policy selects every pod of its namespace, present and future. */
export function selectsAllPods(np: K8sObject): boolean {
  return isEmptySelector(podSelectorOf(np));
}

export function policySelects(np: K8sObject, podLabels: Record<string, string> | undefined): boolean {
  return matchesSelector(podSelectorOf(np), podLabels);
}

/** A default-deny for a direction: selects every pod, isolates that direction, and allows nothing in it. */
export function isDefaultDeny(np: K8sObject, direction: Direction): boolean {
  if (!selectsAllPods(np)) return false;
  if (!policyTypes(np).includes(direction)) return false;
  const spec = specOf(np);
  const rules = direction === 'Ingress' ? spec.ingress : spec.egress;
  return (rules?.length ?? 0) === 0;
}

/** A namespace's labels as selectors see them: its own plus the automatic name label. */
export function namespaceLabels(name: string, ns?: K8sObject): Record<string, string> {
  return { ...(ns?.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: name };
}

// ---------------------------------------------------------------------------
// Rules, peers and ports, normalised
// ---------------------------------------------------------------------------

export type Peer =
  | {
      type: 'pods';
      path: string;
      /** `own`: the policy's namespace; `all`: every namespace (`namespaceSelector: {}`); else the selector. */
      namespaces: 'own' | 'all' | LabelSelector;
      /** `all`: every pod of those namespaces (podSelector absent or `{}`); else the selector. */
      pods: 'all' | LabelSelector;
    }
  | { type: 'ipBlock'; path: string; cidr: string; except: string[] }
  /** A peer the API server would reject (only possible in manifests); it matches nothing. */
  | { type: 'invalid'; path: string; reason: string };

export interface PortRange {
  path: string;
  protocol: string;
  /** Absent: every port of the protocol. A string is a named container port. */
  port?: number | string;
  endPort?: number;
}

export interface Rule {
  policy: K8sObject;
  direction: Direction;
  index: number;
  /** JSON path of the rule in the policy, e.g. `spec.ingress[0]`. */
  path: string;
  /** `null`: no peer named, so every source (ingress) or destination (egress). */
  peers: Peer[] | null;
  /** `null`: every port and protocol. */
  ports: PortRange[] | null;
  /** False when the policy's types omit the direction: the API ignores the rule. */
  effective: boolean;
}

function parsePeer(peer: NetworkPolicyPeer | null | undefined, path: string): Peer {
  const p = peer ?? {};
  const hasPods = p.podSelector != null;
  const hasNamespaces = p.namespaceSelector != null;
  if (p.ipBlock != null) {
    if (hasPods || hasNamespaces) return { type: 'invalid', path, reason: 'an ipBlock together with a selector' };
    return { type: 'ipBlock', path: `${path}.ipBlock`, cidr: String(p.ipBlock.cidr ?? ''), except: (p.ipBlock.except ?? []).map(String) };
  }
  if (!hasPods && !hasNamespaces) return { type: 'invalid', path, reason: 'no podSelector, namespaceSelector or ipBlock' };
  return {
    type: 'pods',
    path,
    namespaces: !hasNamespaces ? 'own' : isEmptySelector(p.namespaceSelector) ? 'all' : p.namespaceSelector!,
    pods: !hasPods || isEmptySelector(p.podSelector) ? 'all' : p.podSelector!,
  };
}

const rulesCache = new WeakMap<K8sObject, readonly Rule[]>();

/** Every rule of a policy, both directions, effective or not, in document order. */
export function rulesOf(np: K8sObject): readonly Rule[] {
  const hit = rulesCache.get(np);
  if (hit) return hit;
  const spec = specOf(np);
  const types = policyTypes(np);
  const out: Rule[] = [];
  for (const direction of DIRECTIONS) {
    const key = direction === 'Ingress' ? 'ingress' : 'egress';
    const peerKey = direction === 'Ingress' ? 'from' : 'to';
    (spec[key] ?? []).forEach((raw, index) => {
      const rule = raw ?? {};
      const path = `spec.${key}[${index}]`;
      const peerList = rule[peerKey];
      const portList = rule.ports;
      out.push({
        policy: np,
        direction,
        index,
        path,
        peers: peerList && peerList.length > 0 ? peerList.map((p, i) => parsePeer(p, `${path}.${peerKey}[${i}]`)) : null,
        ports:
          portList && portList.length > 0
            ? portList.map((p, i) => {
                const r: PortRange = { path: `${path}.ports[${i}]`, protocol: p?.protocol ?? 'TCP' };
                if (p?.port != null) r.port = p.port;
                if (p?.endPort != null) r.endPort = p.endPort;
                return r;
              })
            : null,
        effective: types.includes(direction),
      });
    });
  }
  Object.freeze(out);
  rulesCache.set(np, out);
  return out;
}

/** The rules of a policy that count for a direction (the direction is in its policy types). */
export function effectiveRules(np: K8sObject, direction: Direction): Rule[] {
  return rulesOf(np).filter((r) => r.direction === direction && r.effective);
}

/**
 * A rule that admits every peer on every port, however it is written: `{}`; or peers that name every pod of
 * every namespace and every address of a family (`namespaceSelector: {}` with `0.0.0.0/0`), on ports that cover
 * every port of TCP, UDP and SCTP (the protocols NetworkPolicy governs).
 */
export function allowsAll(rule: Rule): boolean {
  return admitsEveryPeer(rule) && coversEveryPort(rule.ports);
}

/**
 * The rules among `rules` that together admit every peer on every port — rules are ORed, within a policy and across
 * the policies that select a pod — or none when they do not. An allow-all may be split: every pod in one rule and
 * `0.0.0.0/0` in another, or TCP, UDP and SCTP in three. Decided port range by port range: on each, some rule that
 * covers it must admit every pod of every namespace, and the ipBlocks of the rules that cover it must together cover
 * a whole address family. A single rule that allows everything is returned alone.
 */
export function rulesAllowingAll(rules: readonly Rule[]): Rule[] {
  const single = rules.filter(allowsAll);
  if (single.length > 0) return single;
  if (rules.length < 2) return [];
  const everyPod = (r: Rule) => r.peers === null || r.peers.some((p) => p.type === 'pods' && p.namespaces === 'all' && p.pods === 'all');
  const used = new Set<Rule>();
  for (const protocol of ['TCP', 'UDP', 'SCTP']) {
    // Each rule's numbered ranges for the protocol (a named port opens only what it names: no range).
    const spans = rules.map((r) => ({
      rule: r,
      ranges:
        r.ports === null || r.ports.some((p) => p.protocol === protocol && p.port === undefined)
          ? [[1, MAX_PORT] as const]
          : r.ports
              .filter((p): p is PortRange & { port: number } => p.protocol === protocol && typeof p.port === 'number')
              .map((p) => [p.port, Math.max(p.port, p.endPort ?? p.port)] as const),
    }));
    const cuts = new Set<number>([1, MAX_PORT + 1]);
    for (const { ranges } of spans) for (const [lo, hi] of ranges) cuts.add(Math.max(1, lo)).add(Math.min(MAX_PORT, hi) + 1);
    const points = [...cuts].filter((n) => n >= 1 && n <= MAX_PORT + 1).sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const port = points[i]!; // every port up to the next cut is covered by the same rules
      const covering = spans.filter(({ ranges }) => ranges.some(([lo, hi]) => lo <= port && port <= hi)).map((x) => x.rule);
      const pods = covering.filter(everyPod);
      if (pods.length === 0) return [];
      const addresses = covering.some((r) => r.peers === null) ? covering.filter((r) => r.peers === null) : covering.filter((r) => ipBlocksOf(r).length > 0);
      if (!covering.some((r) => r.peers === null) && wholeSpaceFamilies(addresses.flatMap(ipBlocksOf)).size === 0) return [];
      for (const r of [...pods, ...addresses]) used.add(r);
    }
  }
  return rules.filter((r) => used.has(r));
}

/** Rules that allow everything, in words: `rule spec.ingress[0] of NetworkPolicy "a" allows`, or, when several do it together, `rules … together allow`. */
export function describeAllowingAll(rules: readonly Rule[]): string {
  const of = (r: Rule) => `${r.path} of NetworkPolicy "${r.policy.metadata.name}"`;
  if (rules.length === 1 || allowsAll(rules[0]!)) return `rule ${of(rules[0]!)} allows`;
  return `rules ${rules.map(of).join(', ')} together allow`;
}

function admitsEveryPeer(rule: Rule): boolean {
  if (rule.peers === null) return true;
  return rule.peers.some((p) => p.type === 'pods' && p.namespaces === 'all' && p.pods === 'all') && admitsEveryAddress(rule);
}

const MAX_PORT = 65535;

/** Whether port entries open every port of every protocol NetworkPolicy governs (a named port opens only what it names). */
export function coversEveryPort(ports: readonly PortRange[] | null): boolean {
  if (ports === null) return true;
  return ['TCP', 'UDP', 'SCTP'].every((protocol) => {
    const mine = ports.filter((p) => p.protocol === protocol);
    if (mine.some((p) => p.port === undefined)) return true;
    const ranges = mine
      .filter((p): p is PortRange & { port: number } => typeof p.port === 'number')
      .map((p) => [p.port, Math.max(p.port, p.endPort ?? p.port)] as const)
      .sort((a, b) => a[0] - b[0]);
    let next = 1;
    for (const [lo, hi] of ranges) {
      if (lo > next) break;
      next = Math.max(next, hi + 1);
    }
    return next > MAX_PORT;
  });
}

/**
 * Whether a rule admits every address: no peer at all, or ipBlocks that together cover a whole address space
 * (one `0.0.0.0/0`, or `0.0.0.0/1` and `128.0.0.0/1`; an `except` counts against its own block).
 */
export function admitsEveryAddress(rule: Rule): boolean {
  return rule.peers === null || wholeSpaceFamilies(ipBlocksOf(rule)).size > 0;
}

/** The ipBlock peers of a rule. */
export function ipBlocksOf(rule: Rule): Extract<Peer, { type: 'ipBlock' }>[] {
  return (rule.peers ?? []).filter((p): p is Extract<Peer, { type: 'ipBlock' }> => p.type === 'ipBlock');
}

/** A named or numbered container port of a pod. */
export interface ContainerPort {
  name?: string;
  port: number;
  protocol: string;
}

export function containerPorts(spec: PodSpec, specPath = 'spec'): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const c of containersOf(spec, specPath)) {
    for (const p of c.container.ports ?? []) {
      const cp: ContainerPort = { port: p.containerPort, protocol: p.protocol ?? 'TCP' };
      if (p.name) cp.name = p.name;
      out.push(cp);
    }
  }
  return out;
}

/**
 * Whether a rule's ports admit traffic to `port`/`protocol`. Named ports are
 * resolved against `namedPorts`, the container ports of the pod the traffic is
 * addressed to (none for a destination outside the cluster).
 */
export function portAdmits(ports: readonly PortRange[] | null, protocol: string, port: number, namedPorts: readonly ContainerPort[] = []): boolean {
  if (ports === null) return true;
  return ports.some((p) => {
    if (p.protocol !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number') return port >= p.port && port <= (p.endPort ?? p.port);
    return namedPorts.some((c) => c.name === p.port && c.protocol === protocol && c.port === port);
  });
}

/** The container ports of a pod that a rule's ports admit (every one when the rule has no ports). */
export function admittedContainerPorts(ports: readonly PortRange[] | null, podPorts: readonly ContainerPort[]): ContainerPort[] {
  return podPorts.filter((c) => portAdmits(ports, c.protocol, c.port, podPorts));
}

// ---------------------------------------------------------------------------
// Cloud metadata
// ---------------------------------------------------------------------------

/** Instance metadata services: AWS, GCP, Azure, OpenStack and others answer HTTP on TCP 80 here. */
export const METADATA_ADDRESSES: readonly string[] = ['169.254.169.254', 'fd00:ec2::254'];
export const METADATA_PORT = 80;

export interface MetadataReach {
  address: string;
  /** The ipBlock peer that admits it, or absent when the rule names no destination at all. */
  peer?: Extract<Peer, { type: 'ipBlock' }>;
}

/**
 * The metadata addresses an egress rule lets pods reach: its ports admit TCP 80
 * (a named port never matches an address outside the cluster) and its
 * destinations include the address, through no `to` at all or an ipBlock that
 * contains it with no `except` covering it.
 */
export function metadataReach(rule: Rule): MetadataReach[] {
  if (rule.direction !== 'Egress') return [];
  if (!portAdmits(rule.ports, 'TCP', METADATA_PORT)) return [];
  const out: MetadataReach[] = [];
  for (const address of METADATA_ADDRESSES) {
    const ip = parseIp(address)!;
    if (rule.peers === null) {
      out.push({ address });
      continue;
    }
    const peer = rule.peers.find((p): p is Extract<Peer, { type: 'ipBlock' }> => p.type === 'ipBlock' && ipBlockAdmits(p, ip));
    if (peer) out.push({ address, peer });
  }
  return out;
}

function ipBlockAdmits(p: Extract<Peer, { type: 'ipBlock' }>, ip: Ip): boolean {
  const c = parseCidr(p.cidr);
  if (!c || !cidrContains(c, ip)) return false;
  return !p.except.some((e) => {
    const x = parseCidr(e);
    return !!x && cidrContains(x, ip);
  });
}

// ---------------------------------------------------------------------------
// Text for reports
// ---------------------------------------------------------------------------

export function describeSelector(sel: LabelSelector): string {
  return selectorToString(sel);
}

export function describePeer(peer: Peer): string {
  switch (peer.type) {
    case 'invalid':
      return `an invalid peer (${peer.reason}) that matches nothing`;
    case 'ipBlock':
      return peer.except.length ? `${peer.cidr} except ${peer.except.join(', ')}` : peer.cidr;
    case 'pods': {
      const pods = peer.pods === 'all' ? 'all pods' : `pods ${describeSelector(peer.pods)}`;
      const ns =
        peer.namespaces === 'own'
          ? 'in this namespace'
          : peer.namespaces === 'all'
            ? 'in every namespace'
            : `in namespaces ${describeSelector(peer.namespaces)}`;
      return `${pods} ${ns}`;
    }
  }
}

export function describePort(p: PortRange): string {
  if (p.port === undefined) return `${p.protocol} (every port)`;
  if (p.endPort !== undefined && p.endPort !== p.port) return `${p.protocol} ${p.port}-${p.endPort}`;
  return `${p.protocol} ${p.port}`;
}

export function describePorts(ports: readonly PortRange[] | null): string {
  return ports === null ? 'every port' : ports.map(describePort).join(', ');
}

export function describeRule(rule: Rule): string {
  const peers = rule.peers === null ? (rule.direction === 'Ingress' ? 'every source' : 'every destination') : rule.peers.map(describePeer).join('; ');
  return `${describePorts(rule.ports)} ${rule.direction === 'Ingress' ? 'from' : 'to'} ${peers}`;
}

// ---------------------------------------------------------------------------
// Workloads and namespaces
// ---------------------------------------------------------------------------

/** The labels of a workload's pods: its template's, and each existing pod's. */
export interface LabelSet {
  source: 'template' | 'pod';
  /** The pod's name, for `pod`. */
  name?: string;
  labels: Record<string, string>;
}

export type Isolation = 'yes' | 'no' | 'partial';

export interface WorkloadDirection {
  direction: Direction;
  /**
   * `yes`: every label set (template and existing pods) is selected by a policy
   * isolating this direction; `no`: none is; `partial`: some existing pods only.
   */
  isolated: Isolation;
  /** Policies that select the workload's pods and isolate this direction, by name. */
  policies: K8sObject[];
  /** The rules of those policies for this direction: their union is what is allowed. */
  rules: Rule[];
  /** Rules among them that admit every peer on every port. */
  allowAll: Rule[];
  /** Label sets not isolated in this direction (when partial). */
  notIsolated: LabelSet[];
}

export interface WorkloadNetwork {
  workload: Workload;
  namespace: string;
  hostNetwork: boolean;
  /**
   * A Pod reported as itself that has finished (phase Succeeded or Failed): it runs nothing and has no network, and
   * is left out of its namespace's workloads and of the workloads a policy selects.
   */
  finished: boolean;
  labelSets: LabelSet[];
  ports: ContainerPort[];
  ingress: WorkloadDirection;
  egress: WorkloadDirection;
}

export type DirectionStatus =
  /** A policy selecting every pod isolates the direction, and no rule applying to every pod allows everything. */
  | 'isolated'
  /** As above, but a rule applying to every pod allows everything: the isolation is void. */
  | 'cancelled'
  /** Some workloads are isolated, but no policy covers every pod. */
  | 'partial'
  /** Nothing is isolated. */
  | 'open';

export interface NamespaceDirection {
  direction: Direction;
  /** Policies with an empty pod selector that isolate this direction: every pod, present and future. */
  allPodsPolicies: K8sObject[];
  /** Those with no rule for the direction: literal default-deny policies. */
  defaultDenyPolicies: K8sObject[];
  /** Allow-all rules of policies selecting every pod: they cancel the isolation. */
  cancelledBy: Rule[];
  status: DirectionStatus;
  /** Workloads (host-network ones excluded) isolated in this direction, and how many there are. */
  isolatedWorkloads: number;
  workloads: number;
}

export type NamespaceVerdict =
  /** No NetworkPolicy at all (CIS 5.3.2). */
  | 'no-policy'
  /** Policies exist but isolate nothing. */
  | 'open'
  /** Some isolation, not all. */
  | 'partial'
  /** Effectively default-deny: every pod, present and future, isolated in both directions, and nothing allows everything. */
  | 'default-deny';

export interface NamespaceNetwork {
  name: string;
  object?: K8sObject;
  system: boolean;
  labels: Record<string, string>;
  policies: K8sObject[];
  workloads: WorkloadNetwork[];
  ingress: NamespaceDirection;
  egress: NamespaceDirection;
  verdict: NamespaceVerdict;
  /** Why the verdict is not `default-deny`, one sentence each. */
  reasons: string[];
}

export interface NetworkAnalysis {
  namespaces: ReadonlyMap<string, NamespaceNetwork>;
  /** A workload's analysis by its subject key `namespace/kind/name`. */
  workloads: ReadonlyMap<string, WorkloadNetwork>;
  /** Per policy (by object), the workloads whose pods it selects. */
  selectedBy: ReadonlyMap<K8sObject, WorkloadNetwork[]>;
}

export function workloadKey(namespace: string, kind: string, name: string): string {
  return `${namespace}/${kind}/${name}`;
}

const OWNER_KIND_KEYS: Record<string, 'replicasets' | 'jobs'> = { ReplicaSet: 'replicasets', Job: 'jobs' };

/** The workload subject that reports a pod: its controller, its controller's controller (ReplicaSet → Deployment, Job → CronJob), or itself. */
function reportingKey(snapshot: Snapshot, pod: K8sObject): string {
  const ns = pod.metadata.namespace ?? '';
  let obj: K8sObject = pod;
  for (let depth = 0; depth < 3; depth++) {
    const ref = obj.metadata.ownerReferences?.find((o) => o.controller === true);
    if (!ref) break;
    const kindKey = OWNER_KIND_KEYS[ref.kind];
    const parent = kindKey ? snapshot.get(kindKey, ns, ref.name) : undefined;
    if (!parent) return workloadKey(ns, ref.kind, ref.name);
    obj = parent;
  }
  return workloadKey(ns, obj.kind, obj.metadata.name);
}

function isFinished(pod: K8sObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function byName(a: K8sObject, b: K8sObject): number {
  return cmp(a.metadata.name, b.metadata.name);
}

function directionOf(labelSets: readonly LabelSet[], policies: readonly K8sObject[], direction: Direction): WorkloadDirection {
  const isolating = policies.filter((np) => policyTypes(np).includes(direction));
  const selected = new Set<K8sObject>();
  const notIsolated: LabelSet[] = [];
  for (const set of labelSets) {
    const hits = isolating.filter((np) => policySelects(np, set.labels));
    if (hits.length === 0) notIsolated.push(set);
    for (const np of hits) selected.add(np);
  }
  const list = [...selected].sort(byName);
  const rules = list.flatMap((np) => effectiveRules(np, direction));
  return {
    direction,
    isolated: notIsolated.length === 0 ? 'yes' : notIsolated.length === labelSets.length ? 'no' : 'partial',
    policies: list,
    rules,
    allowAll: rulesAllowingAll(rules),
    notIsolated: notIsolated.length === labelSets.length ? [] : notIsolated,
  };
}

function namespaceDirection(policies: readonly K8sObject[], wls: readonly WorkloadNetwork[], direction: Direction): NamespaceDirection {
  const allPodsPolicies = policies.filter((np) => selectsAllPods(np) && policyTypes(np).includes(direction));
  const cancelledBy = rulesAllowingAll(allPodsPolicies.flatMap((np) => effectiveRules(np, direction)));
  const counted = wls.filter((w) => !w.hostNetwork);
  const key = direction === 'Ingress' ? 'ingress' : 'egress';
  const isolatedWorkloads = counted.filter((w) => w[key].isolated === 'yes').length;
  const anyIsolated = counted.some((w) => w[key].isolated !== 'no');
  return {
    direction,
    allPodsPolicies,
    defaultDenyPolicies: allPodsPolicies.filter((np) => isDefaultDeny(np, direction)),
    cancelledBy,
    status: allPodsPolicies.length > 0 ? (cancelledBy.length > 0 ? 'cancelled' : 'isolated') : anyIsolated ? 'partial' : 'open',
    isolatedWorkloads,
    workloads: counted.length,
  };
}

function subjectText(w: Workload): string {
  return `${w.subject.kind} ${w.subject.name}`;
}

function verdictOf(ns: Omit<NamespaceNetwork, 'verdict' | 'reasons'>): { verdict: NamespaceVerdict; reasons: string[] } {
  if (ns.policies.length === 0) return { verdict: 'no-policy', reasons: [NO_POLICY_REASON] };
  const reasons: string[] = [];
  for (const d of [ns.ingress, ns.egress]) {
    const dir = d.direction.toLowerCase();
    if (d.status === 'cancelled') {
      for (const r of d.cancelledBy) reasons.push(`${d.direction}: rule ${r.path} of NetworkPolicy ${r.policy.metadata.name} allows all ${dir} traffic for every pod, cancelling the isolation.`);
    } else if (d.status !== 'isolated') {
      reasons.push(`${d.direction}: no NetworkPolicy selecting every pod isolates ${dir} traffic (${d.isolatedWorkloads} of ${d.workloads} workloads isolated).`);
    }
  }
  for (const w of ns.workloads) {
    if (w.hostNetwork) {
      reasons.push(`${subjectText(w.workload)} uses the host network, which NetworkPolicy does not govern.`);
      continue;
    }
    for (const d of [w.ingress, w.egress]) {
      const dir = d.direction.toLowerCase();
      if (d.isolated === 'no' && ns[d.direction === 'Ingress' ? 'ingress' : 'egress'].status === 'partial') {
        reasons.push(`${subjectText(w.workload)} is not isolated for ${dir} traffic.`);
      } else if (d.isolated === 'partial') {
        reasons.push(`${subjectText(w.workload)} is isolated for ${dir} traffic in only some of its pods (not: ${d.notIsolated.map((s) => s.name ?? 'its pod template').join(', ')}).`);
      }
      const allPods = new Set(ns[d.direction === 'Ingress' ? 'ingress' : 'egress'].cancelledBy);
      if (d.allowAll.some((r) => !allPods.has(r))) reasons.push(`${subjectText(w.workload)}: ${describeAllowingAll(d.allowAll)} all its ${dir} traffic.`);
    }
  }
  if (reasons.length === 0) return { verdict: 'default-deny', reasons };
  const nothing = ns.ingress.status === 'open' && ns.egress.status === 'open';
  return { verdict: nothing ? 'open' : 'partial', reasons };
}

const analysisCache = new WeakMap<Snapshot, NetworkAnalysis>();

/**
 * The isolation of every workload and namespace in the snapshot. Workload
 * subjects come from `workloads(snapshot)`; each is judged on its template's
 * labels and on the labels of its existing pods (controllers add labels such
 * as `pod-template-hash`, and pods can be relabelled), so that a policy
 * selecting on those is seen too. Finished pods are left out: a controller's
 * from its label sets, a Pod reported as itself from its namespace (it is
 * still analysed, marked `finished`).
 */
export function networkAnalysis(snapshot: Snapshot): NetworkAnalysis {
  const hit = analysisCache.get(snapshot);
  if (hit) return hit;

  const podsByKey = new Map<string, K8sObject[]>();
  for (const pod of snapshot.list('pods')) {
    if (isFinished(pod)) continue;
    const key = reportingKey(snapshot, pod);
    const list = podsByKey.get(key);
    if (list) list.push(pod);
    else podsByKey.set(key, [pod]);
  }

  const byWorkload = new Map<string, WorkloadNetwork>();
  const selectedBy = new Map<K8sObject, WorkloadNetwork[]>();
  const wlsByNs = new Map<string, WorkloadNetwork[]>();
  for (const w of workloads(snapshot)) {
    const ns = w.subject.namespace ?? '';
    const key = workloadKey(ns, w.subject.kind, w.subject.name);
    const labelSets: LabelSet[] = [{ source: 'template', labels: w.podMeta.labels ?? {} }];
    if (w.subject.kind !== 'Pod') {
      for (const pod of podsByKey.get(key) ?? []) labelSets.push({ source: 'pod', name: pod.metadata.name, labels: pod.metadata.labels ?? {} });
    }
    const policies = [...snapshot.inNamespace('networkpolicies', ns)];
    const wn: WorkloadNetwork = {
      workload: w,
      namespace: ns,
      hostNetwork: w.podSpec.hostNetwork === true,
      finished: w.subject.kind === 'Pod' && isFinished(w.object),
      labelSets,
      ports: containerPorts(w.podSpec, w.specPath),
      ingress: directionOf(labelSets, policies, 'Ingress'),
      egress: directionOf(labelSets, policies, 'Egress'),
    };
    byWorkload.set(key, wn);
    if (wn.finished) continue;
    for (const np of policies) {
      if (labelSets.some((s) => policySelects(np, s.labels))) {
        const list = selectedBy.get(np);
        if (list) list.push(wn);
        else selectedBy.set(np, [wn]);
      }
    }
    const list = wlsByNs.get(ns);
    if (list) list.push(wn);
    else wlsByNs.set(ns, [wn]);
  }

  const names = new Set<string>(snapshot.namespaceNames());
  for (const np of snapshot.list('networkpolicies')) names.add(np.metadata.namespace ?? '');
  for (const ns of wlsByNs.keys()) names.add(ns);
  names.delete('');

  const namespaces = new Map<string, NamespaceNetwork>();
  for (const name of [...names].sort()) {
    const object = snapshot.get('namespaces', undefined, name);
    const policies = [...snapshot.inNamespace('networkpolicies', name)].sort(byName);
    const wls = wlsByNs.get(name) ?? [];
    const base = {
      name,
      system: isSystemNamespace(name),
      labels: namespaceLabels(name, object),
      policies,
      workloads: wls,
      ingress: namespaceDirection(policies, wls, 'Ingress'),
      egress: namespaceDirection(policies, wls, 'Egress'),
      ...(object ? { object } : {}),
    };
    namespaces.set(name, { ...base, ...verdictOf(base) });
  }

  const result: NetworkAnalysis = { namespaces, workloads: byWorkload, selectedBy };
  analysisCache.set(snapshot, result);
  return result;
}

/** The analysis of one workload. */
export function workloadNetwork(snapshot: Snapshot, w: Workload): WorkloadNetwork {
  const key = workloadKey(w.subject.namespace ?? '', w.subject.kind, w.subject.name);
  return networkAnalysis(snapshot).workloads.get(key)!;
}

const matchingCache = new WeakMap<Snapshot, WeakMap<LabelSelector, string[]>>();

/** The namespaces existing in the snapshot whose labels a namespace selector matches. */
export function matchingNamespaces(snapshot: Snapshot, selector: LabelSelector): string[] {
  let cache = matchingCache.get(snapshot);
  if (!cache) matchingCache.set(snapshot, (cache = new WeakMap()));
  let hit = cache.get(selector);
  if (!hit) {
    hit = snapshot
      .list('namespaces')
      .filter((ns) => matchesSelector(selector, namespaceLabels(ns.metadata.name, ns)))
      .map((ns) => ns.metadata.name)
      .sort();
    cache.set(selector, hit);
  }
  return [...hit];
}

// ---------------------------------------------------------------------------
// CNI plugins and policy APIs beyond the standard one
// ---------------------------------------------------------------------------

/** What a recognised network plugin means for NetworkPolicy. */
export interface CniSignature {
  id: string;
  name: string;
  /** Whether the component enforces Kubernetes NetworkPolicy. */
  enforces: boolean;
  /** Matched against the image repository (registry, tag and digest removed). */
  image: RegExp;
  /** Extra condition on the container's command and args, when enforcement is opt-in. */
  args?: RegExp;
}

/**
 * Components recognised by their images. Only what is known for certain is
 * listed; anything else is "not recognised", never a guess. Flannel only routes
 * pod traffic; when it runs beside a policy engine (Canal: flannel with Calico)
 * the engine enforces.
 */
export const CNI_SIGNATURES: readonly CniSignature[] = [
  { id: 'calico', name: 'Calico', enforces: true, image: /(^|\/)(mirrored-)?calico[-/]node$/ },
  { id: 'cilium', name: 'Cilium', enforces: true, image: /(^|\/)(cilium\/|mirrored-cilium-)?cilium$/ },
  { id: 'antrea', name: 'Antrea', enforces: true, image: /(^|\/)antrea\/antrea-(agent-ubuntu|agent-ubi|ubuntu|ubi)$/ },
  { id: 'kube-router', name: 'kube-router', enforces: true, image: /(^|\/)kube-router$/ },
  { id: 'weave-npc', name: 'Weave Net policy controller', enforces: true, image: /(^|\/)weave-npc$/ },
  { id: 'kube-network-policies', name: 'kube-network-policies', enforces: true, image: /(^|\/)kube-network-policies$/ },
  { id: 'azure-npm', name: 'Azure Network Policy Manager', enforces: true, image: /(^|\/)azure-npm$/ },
  { id: 'ovn-kubernetes', name: 'OVN-Kubernetes', enforces: true, image: /(^|\/)ovn-kubernetes$/ },
  {
    id: 'aws-network-policy-agent',
    name: 'Amazon VPC CNI network policy agent',
    enforces: true,
    image: /(^|\/)aws-network-policy-agent$/,
    args: /--enable-network-policy=true/,
  },
  { id: 'flannel', name: 'flannel', enforces: false, image: /(^|\/)(mirrored-flannelcni-|flannelcni\/|flannel-io\/|coreos\/|flannel\/)?flannel$/ },
];

export interface CniComponent {
  signature: CniSignature;
  /** The DaemonSet, or the Pod when no DaemonSet owns it. */
  object: K8sObject;
  container: string;
  image: string;
  /** JSON path of the container's image. */
  path: string;
}

/** The repository part of an image reference: `docker.io/calico/node:v3.28@sha256:…` → `docker.io/calico/node`. */
export function imageRepository(image: string): string {
  const noDigest = image.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/**
 * Network plugin components found in the snapshot's DaemonSets (any namespace)
 * and in Pods no DaemonSet owns. A heuristic by nature: it knows the images of
 * the common plugins, nothing else.
 */
export function cniComponents(snapshot: Snapshot): readonly CniComponent[] {
  // The control and the insight both ask; snapshots are frozen, so once per snapshot.
  let found = cniFound.get(snapshot);
  if (!found) cniFound.set(snapshot, (found = Object.freeze(findCniComponents(snapshot))));
  return found;
}

const cniFound = new WeakMap<Snapshot, readonly CniComponent[]>();

function findCniComponents(snapshot: Snapshot): CniComponent[] {
  const out: CniComponent[] = [];
  // Signatures whose image pattern matches, per repository: thousands of Pods share a few images.
  const byRepo = new Map<string, CniSignature[]>();
  const objects = [
    ...snapshot.list('daemonsets'),
    ...snapshot.list('pods').filter((p) => !p.metadata.ownerReferences?.some((o) => o.controller === true && o.kind === 'DaemonSet')),
  ];
  for (const obj of objects) {
    const spec = obj.kind === 'Pod' ? (obj.spec as PodSpec | undefined) : ((obj.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec);
    if (!spec) continue;
    const specPath = obj.kind === 'Pod' ? 'spec' : 'spec.template.spec';
    for (const ref of containersOf(spec, specPath)) {
      const image = ref.container.image ?? '';
      const repo = imageRepository(image);
      let signatures = byRepo.get(repo);
      if (!signatures) byRepo.set(repo, (signatures = CNI_SIGNATURES.filter((sig) => sig.image.test(repo))));
      if (signatures.length === 0) continue;
      const argv = [...(ref.container.command ?? []), ...(ref.container.args ?? [])].join(' ');
      for (const signature of signatures) {
        if (signature.args && !signature.args.test(argv)) continue;
        out.push({ signature, object: obj, container: ref.container.name, image, path: `${ref.path}.image` });
      }
    }
  }
  return out.sort(
    (a, b) =>
      cmp(a.object.metadata.namespace ?? '', b.object.metadata.namespace ?? '') ||
      cmp(a.object.kind, b.object.kind) ||
      cmp(a.object.metadata.name, b.object.metadata.name) ||
      cmp(a.path, b.path),
  );
}

export interface PolicyApi {
  /** The CRD's name, `<resource>.<group>`, e.g. `globalnetworkpolicies.crd.projectcalico.org`. */
  crd: string;
  group: string;
  /** The plural resource name, e.g. `globalnetworkpolicies`. */
  resource: string;
  provider: string;
}

/**
 * Policy APIs by group and resource. Every kind these projects name `…NetworkPolicy` (Calico's
 * GlobalNetworkPolicy and StagedNetworkPolicy, Cilium's CiliumClusterwideNetworkPolicy, Antrea's
 * ClusterNetworkPolicy), and sig-network's `…Policy` kinds, have a plural ending the same way.
 */
const POLICY_API_GROUPS: readonly { provider: string; group: RegExp; resource: RegExp }[] = [
  { provider: 'Calico', group: /^(crd\.)?projectcalico\.org$/, resource: /networkpolicies$/ },
  { provider: 'Cilium', group: /^cilium\.io$/, resource: /networkpolicies$/ },
  { provider: 'Antrea', group: /^crd\.antrea\.io$/, resource: /networkpolicies$/ },
  // AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy: evaluated before (or after) NetworkPolicies.
  { provider: 'Kubernetes network policy API (sig-network)', group: /^policy\.networking\.k8s\.io$/, resource: /policies$/ },
];

/**
 * A CRD's group and plural resource. A live scan lists CRDs as names only (their schemas are
 * large and unread), and the API server only accepts a CRD named `<spec.names.plural>.<spec.group>`,
 * so the name tells both; a manifest's CRD (static scans) is read whole and its spec is used.
 */
function crdResource(crd: K8sObject): { group: string; resource: string } {
  const spec = (crd.spec ?? {}) as { group?: unknown; names?: { plural?: unknown } };
  if (typeof spec.group === 'string' && typeof spec.names?.plural === 'string') return { group: spec.group, resource: spec.names.plural };
  const name = crd.metadata.name;
  const dot = name.indexOf('.');
  return dot < 0 ? { group: '', resource: name } : { group: name.slice(dot + 1), resource: name.slice(0, dot) };
}

/**
 * The policy objects of other APIs (src/collect/extras.ts, listed as metadata) that can apply to pods of `namespace` —
 * those of cluster-wide kinds, and those of namespaced kinds in that namespace — or, without a namespace, all of
 * them; undefined when they were not listed (a static scan, a list refused), so only their CRDs can tell.
 */
export function policyObjectsIn(snapshot: Snapshot, namespace?: string): PolicyObjectKind[] | undefined {
  const read = snapshot.extras?.policyObjects;
  if (read?.state !== 'ok') return undefined;
  // A policy kind installed (its CRD) that the read did not list — one the collector does not know — may hold what
  // isolates: then only the CRDs can tell. Calico's Staged… kinds preview policies and enforce nothing.
  if (readable(snapshot, 'customresourcedefinitions')) {
    const listed = new Set(read.kinds.map((k) => k.crd));
    if (policyApis(snapshot).some((a) => !listed.has(a.crd) && !a.resource.startsWith('staged'))) return undefined;
  }
  return read.kinds.filter((k) => k.count > 0 && (!k.namespaced || namespace === undefined || k.namespaces.includes(namespace)));
}

/** Policy APIs installed beside the standard NetworkPolicy: traffic rules k8s-audit does not read. */
const policyApisCache = new WeakMap<Snapshot, PolicyApi[]>();

export function policyApis(snapshot: Snapshot): PolicyApi[] {
  const hit = policyApisCache.get(snapshot);
  if (hit) return hit;
  const out: PolicyApi[] = [];
  for (const crd of snapshot.list('customresourcedefinitions')) {
    const { group, resource } = crdResource(crd);
    const match = POLICY_API_GROUPS.find((g) => g.group.test(group) && g.resource.test(resource));
    if (match) out.push({ crd: crd.metadata.name, group, resource, provider: match.provider });
  }
  out.sort((a, b) => cmp(a.crd, b.crd));
  policyApisCache.set(snapshot, out);
  return out;
}

/**
 * Why standard NetworkPolicies alone cannot show that pods are not isolated, or undefined when no other policy API is
 * installed (or CustomResourceDefinitions were not read: a control that relies on this reads them, and is not
 * assessed without them). Those APIs isolate pods standard NetworkPolicies do not select — a Calico
 * GlobalNetworkPolicy or a CiliumClusterwideNetworkPolicy selecting every pod, a BaselineAdminNetworkPolicy denying
 * what no NetworkPolicy allows, an AdminNetworkPolicy denying before any NetworkPolicy is looked at — and k8s-audit
 * lists no objects of theirs. A clause, e.g. `policy kinds of Calico (globalnetworkpolicies.crd.projectcalico.org) are
 * installed, which …`.
 */
export function otherPolicyApisClause(snapshot: Snapshot, namespace?: string): string | undefined {
  const objects = policyObjectsIn(snapshot, namespace);
  if (objects) {
    if (objects.length === 0) return undefined;
    const list = objects.map((k) => `${k.crd} (${k.namespaced ? (namespace === undefined ? `${k.count} in ${k.namespaces.join(', ')}` : `in this namespace`) : `${k.count}, cluster-wide`})`).join('; ');
    return `policies of another API apply here — ${list} — and k8s-audit does not read their rules: one of them (a cluster-wide default deny, say) may isolate these pods where no NetworkPolicy does. Check them (kubectl get ${objects.map((k) => k.crd).join(',')} -A)`;
  }
  if (!readable(snapshot, 'customresourcedefinitions')) return undefined;
  const apis = policyApis(snapshot);
  if (apis.length === 0) return undefined;
  const byProvider = new Map<string, string[]>();
  for (const a of apis) byProvider.set(a.provider, [...(byProvider.get(a.provider) ?? []), a.crd]);
  const kinds = [...byProvider].map(([provider, crds]) => `${provider} (${crds.join(', ')})`).join('; ');
  const read = snapshot.extras?.policyObjects;
  const why = read && read.state !== 'ok' ? ` (listing them failed: ${read.reason ?? read.state}${read.permission ? `; grant ${read.permission} to let k8s-audit tell whether any exists` : ''})` : '';
  return `policy kinds beyond the standard NetworkPolicy are installed — ${kinds} — and k8s-audit did not list their objects${why}: a policy of theirs (a cluster-wide default deny, say) may isolate these pods where no NetworkPolicy does. Check them (kubectl get ${apis.map((a) => a.crd).join(',')} -A)`;
}

/**
 * The permission that would let k8s-audit list the policy objects of other APIs, when otherPolicyApisClause had to
 * fall back on their CustomResourceDefinitions because listing them was refused; else undefined (listed, or the
 * objects themselves are what decide).
 */
export function otherPolicyApisPermission(snapshot: Snapshot, namespace?: string): string | undefined {
  if (policyObjectsIn(snapshot, namespace)) return undefined;
  const read = snapshot.extras?.policyObjects;
  return read && read.state !== 'ok' ? read.permission : undefined;
}

// ---------------------------------------------------------------------------
// The `networkIsolation` insight: plain data for renderers
// ---------------------------------------------------------------------------

/**
 * `ScanResult.insights.networkIsolation`. Everything a report needs to show
 * the network isolation of each namespace and workload, and why; renderers
 * compute nothing. All lists are sorted; all strings are cluster data or
 * sentences built from it (untrusted: escape when rendering).
 */
export interface NetworkIsolationInsight {
  /** Where the standard NetworkPolicy API stops telling the whole story. */
  cni: CniInsight;
  /** Every namespace in the scan, sorted by name. */
  namespaces: NamespaceIsolationInsight[];
}

export interface CniInsight {
  /**
   * Network plugin components recognised in DaemonSets and Pods (heuristic), or
   * `null` when DaemonSets or Pods were not read in this scan.
   */
  plugins: { name: string; enforcesNetworkPolicy: boolean; kind: string; namespace: string; object: string; image: string }[] | null;
  /**
   * Policy kinds beside the standard NetworkPolicy (Calico, Cilium, Antrea,
   * AdminNetworkPolicy), or `null` when CustomResourceDefinitions were not read.
   */
  policyApis: PolicyApi[] | null;
  /** Sentences for the report: what the isolation below may not show. */
  caveats: string[];
}

export interface NamespaceIsolationInsight {
  namespace: string;
  /** kube-system, kube-public, kube-node-lease. */
  system: boolean;
  /** Names of the namespace's NetworkPolicies. */
  policies: string[];
  /**
   * `default-deny` only when every pod, present and future, is isolated in both
   * directions and no rule allows everything; `no-policy` when there is no
   * NetworkPolicy (CIS 5.3.2); `open` when policies isolate nothing; `partial` otherwise.
   */
  verdict: NamespaceVerdict;
  /** Why the verdict is not `default-deny`; empty when it is. */
  reasons: string[];
  ingress: NamespaceDirectionInsight;
  egress: NamespaceDirectionInsight;
  workloads: WorkloadIsolationInsight[];
}

export interface NamespaceDirectionInsight {
  status: DirectionStatus;
  /** Policies selecting every pod with no rule for the direction: literal default-deny. */
  defaultDeny: string[];
  /** Policies selecting every pod that isolate the direction (with or without rules). */
  allPodsPolicies: string[];
  /** Allow-all rules applying to every pod, which cancel the isolation. */
  cancelledBy: RuleRefInsight[];
  /** Workloads isolated in this direction, of `workloads` (host-network workloads not counted). */
  isolatedWorkloads: number;
  workloads: number;
}

export interface RuleRefInsight {
  policy: string;
  /** JSON path in the policy, e.g. `spec.ingress[0]`. */
  path: string;
}

export interface WorkloadIsolationInsight {
  apiVersion: string;
  kind: string;
  name: string;
  /** NetworkPolicy does not govern host-network pods: both directions then say `isolated: 'no'`. */
  hostNetwork: boolean;
  ingress: WorkloadDirectionInsight;
  egress: WorkloadDirectionInsight;
}

export interface WorkloadDirectionInsight {
  /** `partial`: only some of its existing pods are selected (pods relabelled, or policies on controller-added labels). */
  isolated: Isolation;
  /** The policies that isolate it in this direction, by name. */
  policies: string[];
  /**
   * `everything` when not isolated or a rule allows every peer on every port;
   * `nothing` when isolated with no rule; `restricted` when `allows` lists it.
   */
  allowed: 'everything' | 'nothing' | 'restricted';
  /** The allowing rules, one line each (empty unless `restricted` or an allow-all). */
  allows: AllowInsight[];
  /** A rule admits every source (ingress) or destination (egress), on some ports at least. */
  anyPeer: boolean;
  /** Egress only: the cloud metadata addresses its pods may reach on TCP 80. */
  metadataReachable?: string[];
  /** When `partial`: the pods not isolated, by name; `template` stands for the pod template (the pods created from now on). */
  notIsolatedPods?: string[];
}

export interface AllowInsight {
  policy: string;
  path: string;
  /** `any`, or the peers of the rule. */
  peers: 'any' | PeerInsight[];
  /** `any`, or the ports of the rule. */
  ports: 'any' | PortInsight[];
  /** One line, e.g. `TCP 8080 from pods app=frontend in this namespace`. */
  text: string;
}

export interface PeerInsight {
  type: 'pods' | 'ipBlock' | 'invalid';
  text: string;
  /** pods: `own` namespace, `all` namespaces, or a selector in string syntax. */
  namespaces?: string;
  /** pods: for a namespace selector, the existing namespaces it matches. */
  matchedNamespaces?: string[];
  /** pods: `all`, or a selector in string syntax. */
  pods?: string;
  cidr?: string;
  except?: string[];
}

export interface PortInsight {
  protocol: string;
  port?: number | string;
  endPort?: number;
  text: string;
}

function readable(snapshot: Snapshot, kind: 'daemonsets' | 'pods' | 'customresourcedefinitions'): boolean {
  return ['ok', 'static'].includes(snapshot.collection[kind].state);
}

function peerInsight(snapshot: Snapshot, p: Peer): PeerInsight {
  const out: PeerInsight = { type: p.type, text: describePeer(p) };
  if (p.type === 'pods') {
    if (p.namespaces === 'own' || p.namespaces === 'all') out.namespaces = p.namespaces;
    else {
      out.namespaces = describeSelector(p.namespaces);
      out.matchedNamespaces = matchingNamespaces(snapshot, p.namespaces);
    }
    out.pods = p.pods === 'all' ? 'all' : describeSelector(p.pods);
  } else if (p.type === 'ipBlock') {
    out.cidr = p.cidr;
    out.except = p.except;
  }
  return out;
}

function allowInsight(snapshot: Snapshot, r: Rule): AllowInsight {
  return {
    policy: r.policy.metadata.name,
    path: r.path,
    peers: r.peers === null ? 'any' : r.peers.map((p) => peerInsight(snapshot, p)),
    ports:
      r.ports === null
        ? 'any'
        : r.ports.map((p) => {
            const o: PortInsight = { protocol: p.protocol, text: describePort(p) };
            if (p.port !== undefined) o.port = p.port;
            if (p.endPort !== undefined) o.endPort = p.endPort;
            return o;
          }),
    text: describeRule(r),
  };
}

function workloadDirectionInsight(snapshot: Snapshot, w: WorkloadNetwork, d: WorkloadDirection): WorkloadDirectionInsight {
  const open = w.hostNetwork || d.isolated !== 'yes' || d.allowAll.length > 0;
  const out: WorkloadDirectionInsight = {
    isolated: w.hostNetwork ? 'no' : d.isolated,
    policies: w.hostNetwork ? [] : d.policies.map((np) => np.metadata.name),
    allowed: open ? 'everything' : d.rules.length === 0 ? 'nothing' : 'restricted',
    allows: w.hostNetwork ? [] : d.rules.map((r) => allowInsight(snapshot, r)),
    anyPeer: open || d.rules.some(admitsEveryAddress),
  };
  if (d.direction === 'Egress') {
    out.metadataReachable = open ? [...METADATA_ADDRESSES] : [...new Set(d.rules.flatMap((r) => metadataReach(r).map((m) => m.address)))];
  }
  if (d.isolated === 'partial') out.notIsolatedPods = d.notIsolated.map((s) => s.name ?? s.source);
  return out;
}

function namespaceDirectionInsight(d: NamespaceDirection): NamespaceDirectionInsight {
  return {
    status: d.status,
    defaultDeny: d.defaultDenyPolicies.map((np) => np.metadata.name),
    allPodsPolicies: d.allPodsPolicies.map((np) => np.metadata.name),
    cancelledBy: d.cancelledBy.map((r) => ({ policy: r.policy.metadata.name, path: r.path })),
    isolatedWorkloads: d.isolatedWorkloads,
    workloads: d.workloads,
  };
}

export function networkIsolationInsight(snapshot: Snapshot): NetworkIsolationInsight {
  const analysis = networkAnalysis(snapshot);
  const caveats: string[] = [];
  let plugins: CniInsight['plugins'] = null;
  if (readable(snapshot, 'daemonsets') && readable(snapshot, 'pods')) {
    const found = cniComponents(snapshot);
    plugins = found.map((c) => ({
      name: c.signature.name,
      enforcesNetworkPolicy: c.signature.enforces,
      kind: c.object.kind,
      namespace: c.object.metadata.namespace ?? '',
      object: c.object.metadata.name,
      image: c.image,
    }));
    if (found.length === 0) caveats.push('No known network plugin was recognised: whether NetworkPolicies are enforced at all could not be told (CIS 5.3.1).');
    else if (!found.some((c) => c.signature.enforces)) {
      caveats.push(`Only ${[...new Set(found.map((c) => c.signature.name))].join(', ')} was recognised, which does not enforce NetworkPolicy (heuristic): the isolation below may exist on paper only (CIS 5.3.1).`);
    }
  } else {
    caveats.push('DaemonSets and Pods were not both read: the network plugin, and whether it enforces NetworkPolicy, is unknown.');
  }
  let apis: PolicyApi[] | null = null;
  if (readable(snapshot, 'customresourcedefinitions')) {
    apis = policyApis(snapshot);
    const providers = [...new Set(apis.map((a) => a.provider))];
    const listed = policyObjectsIn(snapshot);
    if (listed && listed.length === 0 && providers.length > 0) {
      caveats.push(`Policy kinds outside the standard API are installed (${providers.join(', ')}: ${apis.map((a) => a.crd).join(', ')}), but none of their objects exists: the standard NetworkPolicies below tell the whole story.`);
    } else if (providers.length > 0 || (listed && listed.length > 0)) {
      const objects = listed ? ` Objects of theirs exist: ${listed.map((k) => `${k.count} ${k.crd}${k.namespaced ? ` (in ${k.namespaces.join(', ')})` : ''}`).join('; ')}.` : '';
      caveats.push(
        `Policy kinds outside the standard API are installed (${providers.join(', ')}: ${apis.map((a) => a.crd).join(', ')}). They can allow or deny traffic that standard NetworkPolicies do not show, and k8s-audit does not read their rules: the isolation below covers standard NetworkPolicies only.${objects}`,
      );
    }
  } else {
    caveats.push('CustomResourceDefinitions were not read: policy kinds outside the standard NetworkPolicy API (Calico, Cilium, Antrea, AdminNetworkPolicy) may exist unseen.');
  }
  // What isolates pods may be in policies k8s-audit does not read: then no policy does not mean open.
  const unreadIn = (namespace: string): string | undefined => {
    const listed = policyObjectsIn(snapshot, namespace);
    if (listed) return listed.length > 0 ? 'policies of other APIs apply to it (see the caveats), which k8s-audit does not read and which may isolate its pods' : undefined;
    return apis === null ? 'CustomResourceDefinitions were not read, so policy kinds of other APIs may isolate its pods unseen' : apis.length > 0 ? 'policy kinds of other APIs are installed (see the caveats), which k8s-audit does not read and which may isolate its pods' : undefined;
  };
  const reasonsOf = (ns: NamespaceNetwork) => {
    const unread = ns.reasons.length === 1 && ns.reasons[0] === NO_POLICY_REASON ? unreadIn(ns.name) : undefined;
    return unread ? [`The namespace has no NetworkPolicy: nothing of the standard API restricts its pods' traffic, but ${unread}.`] : ns.reasons;
  };
  const namespaces: NamespaceIsolationInsight[] = [...analysis.namespaces.values()].map((ns) => ({
    namespace: ns.name,
    system: ns.system,
    policies: ns.policies.map((np) => np.metadata.name),
    verdict: ns.verdict,
    reasons: reasonsOf(ns),
    ingress: namespaceDirectionInsight(ns.ingress),
    egress: namespaceDirectionInsight(ns.egress),
    workloads: ns.workloads.map((w) => ({
      apiVersion: w.workload.subject.apiVersion,
      kind: w.workload.subject.kind,
      name: w.workload.subject.name,
      hostNetwork: w.hostNetwork,
      ingress: workloadDirectionInsight(snapshot, w, w.ingress),
      egress: workloadDirectionInsight(snapshot, w, w.egress),
    })),
  }));
  return { cni: { plugins, policyApis: apis, caveats }, namespaces };
}

/** The insight provider (registered in src/engine/insights.ts). */
export const networkIsolation: InsightProvider = {
  key: 'networkIsolation',
  reads: ['namespaces', 'networkpolicies', ...WORKLOAD_KINDS],
  compute: networkIsolationInsight,
};
