// Synthetic clusters for the scale benchmark: a deterministic plan of objects per
// size, and a fast concurrent seeder that writes them through the API server.
//
// Workload objects are written the way their controllers would have written them:
// Deployment → ReplicaSet (pod-template-hash) → Pods, StatefulSet → Pods, Job → Pods,
// each Pod with its controller's ownerReference and the template's labels and spec.
// The bench's control plane runs without the workload controllers (see
// BENCH_CONTROLLERS), so nothing fights over these Pods and a restart on the kept
// data triggers no reconcile storm. Why not let the controller-manager create the
// Pods: measured on this machine, 1,000 Pods took 49 s through Deployments (slow-start
// batches, an Event per Pod, status updates) against 6.3 s written directly.
//
// There is no scheduler and no kubelet, so the seeder also writes each Pod's status as a
// kubelet would (kubeletStatus): Running — Succeeded for Jobs' Pods — with its container
// statuses, conditions and IPs. Real Pods carry one, often as large as the spec, and the
// floor reads it as the scan does.

import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import { ApiClient, type HttpResponse } from '../src/collect/http.ts';
import { CONTROLLERS } from '../test/cluster/harness.ts';
import { loadConnection } from '../test/cluster/kube.ts';

export type SizeName = 'S' | 'M' | 'L';

export interface SizeSpec {
  name: SizeName;
  namespaces: number;
  /** Pods per namespace, in units of 20 (3 Deployments × 4, 1 StatefulSet × 3, 1 Job × 2, 3 bare Pods). */
  podUnitsPerNamespace: number;
  clusterRoles: number;
  clusterRoleBindings: number;
}

/** M as the issue defines it; S is M/5; L has five times M's Pods (and their controllers). */
export const SIZES: Record<SizeName, SizeSpec> = {
  S: { name: 'S', namespaces: 100, podUnitsPerNamespace: 1, clusterRoles: 60, clusterRoleBindings: 20 },
  M: { name: 'M', namespaces: 500, podUnitsPerNamespace: 1, clusterRoles: 300, clusterRoleBindings: 100 },
  L: { name: 'L', namespaces: 500, podUnitsPerNamespace: 5, clusterRoles: 300, clusterRoleBindings: 100 },
};

/** Bump when the plan changes: a data dir seeded by another plan version is wiped and seeded again. */
export const PLAN_VERSION = 2;

export const SERVICE_ACCOUNTS_PER_NAMESPACE = 4;
export const ROLES_PER_NAMESPACE = 6;
export const NETWORK_POLICIES_PER_NAMESPACE = 2;

/** The controller-manager's controllers without the workload controllers (they would fight over the seeded Pods). */
export const BENCH_CONTROLLERS = CONTROLLERS.filter(
  (c) =>
    ![
      'deployment-controller',
      'replicaset-controller',
      'replicationcontroller-controller',
      'daemonset-controller',
      'statefulset-controller',
      'job-controller',
      'cronjob-controller',
      'ttl-after-finished-controller',
      'disruption-controller',
    ].includes(c),
);

/** What a plan creates, by kind (the cluster's own objects — system namespaces, default ServiceAccounts, built-in roles — come on top). */
export function planCounts(spec: SizeSpec): Record<string, number> {
  const units = spec.namespaces * spec.podUnitsPerNamespace;
  return {
    namespaces: spec.namespaces,
    serviceaccounts: spec.namespaces * SERVICE_ACCOUNTS_PER_NAMESPACE,
    roles: spec.namespaces * ROLES_PER_NAMESPACE,
    rolebindings: spec.namespaces * ROLES_PER_NAMESPACE,
    clusterroles: spec.clusterRoles,
    clusterrolebindings: spec.clusterRoleBindings,
    networkpolicies: spec.namespaces * NETWORK_POLICIES_PER_NAMESPACE,
    deployments: units * 3,
    replicasets: units * 3,
    statefulsets: units,
    jobs: units,
    cronjobs: Math.ceil(spec.namespaces / 5),
    daemonsets: Math.ceil(spec.namespaces / 10),
    pods: units * 20,
  };
}

// ---------------------------------------------------------------------------
// Object generators (pure, deterministic)

type Obj = Record<string, any>;
type Level = 'restricted' | 'baseline' | 'privileged';

const nsName = (i: number) => `bench-${String(i).padStart(3, '0')}`;

/** Namespace i's PodSecurity posture: a quarter each restricted, baseline, warn-only and unlabelled. */
function levelOf(i: number): Level {
  return i % 4 === 0 ? 'restricted' : i % 4 === 1 ? 'baseline' : 'privileged';
}

function namespace(i: number): Obj {
  const labels: Record<string, string> = { team: `team-${i % 20}`, 'bench.k8s-audit.dev/tier': ['web', 'data', 'batch', 'platform'][i % 4]! };
  if (i % 4 === 0) Object.assign(labels, { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': i % 8 === 0 ? 'latest' : 'v1.29' });
  if (i % 4 === 1) Object.assign(labels, { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' });
  if (i % 4 === 2) Object.assign(labels, { 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted' });
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: nsName(i), labels, annotations: { 'bench.k8s-audit.dev/owner': `team-${i % 20}@example.com` } } };
}

/** A Kubernetes-looking random suffix, derived from a seed string (deterministic). */
function suffix(seed: string, n: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const h = createHash('sha256').update(seed).digest();
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[h[i]! % alphabet.length];
  return s;
}

const IMAGES = [
  'registry.example.com/shop/api:2.14.1',
  'registry.example.com/shop/web:2.14.1',
  'nginx:latest',
  'docker.io/library/redis:7.2',
  'ghcr.io/example/worker@sha256:6b0a7c4e1f5d9d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c',
  'registry.example.com/platform/agent:1.3',
  'quay.io/example/exporter:v0.9.0',
  'busybox',
];

function container(name: string, image: string, level: Level, w: number, main: boolean): Obj {
  const c: Obj = { name, image, imagePullPolicy: w % 4 === 0 ? 'Always' : 'IfNotPresent' };
  if (main) {
    c.ports = [{ name: 'http', containerPort: 8080, protocol: 'TCP' }];
    c.env = [
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ...(w % 5 === 0 ? [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } }] : []),
    ];
    if (w % 7 !== 0) {
      c.readinessProbe = { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 10 };
      c.livenessProbe = { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 10 };
    }
    c.volumeMounts = [
      { name: 'config', mountPath: '/etc/app', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ];
  } else {
    c.args = ['--listen=:15001', '--upstream=127.0.0.1:8080'];
  }
  if (w % 6 !== 0) c.resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
  if (level === 'restricted') {
    c.securityContext = {
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      readOnlyRootFilesystem: w % 2 === 0,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    };
  } else if (level === 'baseline') {
    c.securityContext = w % 3 === 0 ? { capabilities: { add: ['NET_BIND_SERVICE'] } } : { allowPrivilegeEscalation: false, runAsNonRoot: w % 2 === 0 };
  } else if (main && w % 10 === 0) {
    c.securityContext = { privileged: true };
  } else if (main && w % 10 === 3) {
    c.securityContext = { capabilities: { add: ['SYS_ADMIN', 'NET_ADMIN'] } };
  }
  return c;
}

/** The pod spec of workload w in a namespace of this level; insecure settings only where the namespace admits them. */
function podSpec(level: Level, w: number, ns: number): Obj {
  const sa = w % 5 === 0 ? 'default' : `app-${w % SERVICE_ACCOUNTS_PER_NAMESPACE}`;
  const spec: Obj = {
    serviceAccountName: sa,
    containers: [container('app', IMAGES[(w + ns) % IMAGES.length]!, level, w, true)],
    volumes: [
      { name: 'config', configMap: { name: 'app-config' } },
      { name: 'tmp', emptyDir: {} },
    ],
  };
  if (w % 2 === 0) spec.containers.push(container('proxy', 'envoyproxy/envoy:v1.31.0', level, w, false));
  if (w % 4 === 1) spec.initContainers = [{ ...container('migrate', IMAGES[(w + 1) % IMAGES.length]!, level, w + 1, false), args: ['migrate', '--up'] }];
  if (w % 3 === 0) spec.automountServiceAccountToken = false;
  if (level === 'restricted') spec.securityContext = { runAsNonRoot: true, runAsUser: 10001, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } };
  if (level === 'privileged') {
    if (w % 15 === 0) spec.hostNetwork = true;
    if (w % 20 === 0) {
      spec.volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } });
      spec.containers[0].volumeMounts.push({ name: 'docker', mountPath: '/var/run/docker.sock' });
    }
    if (w % 12 === 0) spec.hostPID = true;
  }
  return spec;
}

const hex = (text: string, n: number) => createHash('sha256').update(text).digest('hex').slice(0, n);

/**
 * The status a kubelet writes for a Pod that started (the seeder PUTs it to the status
 * subresource after creating the Pod): phase, conditions, IPs, and a status for every init
 * container (terminated) and container (running, or terminated for a Job's Pods, which
 * have succeeded).
 */
export function kubeletStatus(pod: Obj): Obj {
  const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
  const index = parseInt(hex(key, 8), 16);
  const done = pod.metadata.ownerReferences?.some((o: Obj) => o.kind === 'Job') === true;
  const at = (s: number) => new Date(Date.UTC(2026, 10, 1, 8, 0, s)).toISOString().replace('.000', '');
  const condition = (type: string, status = 'True', reason?: string) => ({ type, status, lastProbeTime: null, lastTransitionTime: at(type.length), ...(reason ? { reason } : {}) });
  const image = (c: Obj) => (c.image.includes('/') ? c.image : `docker.io/library/${c.image}`);
  const base = (c: Obj, i: number) => ({
    name: c.name,
    image: image(c),
    imageID: `${image(c).replace(/:[^:/]*$/, '')}@sha256:${hex(`image ${c.image}`, 64)}`,
    containerID: `containerd://${hex(`${key} ${c.name} ${i}`, 64)}`,
    lastState: {},
    restartCount: index % 17 === 0 ? 1 : 0,
    volumeMounts: (c.volumeMounts ?? []).map((m: Obj) => ({ name: m.name, mountPath: m.mountPath, ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}) })),
  });
  const terminated = (i: number) => ({ terminated: { exitCode: 0, reason: 'Completed', startedAt: at(2 + i), finishedAt: at(4 + i), containerID: `containerd://${hex(`${key} ${i}`, 64)}` } });
  const node = 1 + (index % 40);
  return {
    phase: done ? 'Succeeded' : 'Running',
    conditions: [
      condition('PodReadyToStartContainers', done ? 'False' : 'True'),
      condition('Initialized', 'True', done ? 'PodCompleted' : undefined),
      condition('Ready', done ? 'False' : 'True', done ? 'PodCompleted' : undefined),
      condition('ContainersReady', done ? 'False' : 'True', done ? 'PodCompleted' : undefined),
      condition('PodScheduled'),
    ],
    hostIP: `10.0.0.${node}`,
    hostIPs: [{ ip: `10.0.0.${node}` }],
    podIP: `10.244.${index % 250}.${1 + ((index / 250) | 0) % 250}`,
    podIPs: [{ ip: `10.244.${index % 250}.${1 + ((index / 250) | 0) % 250}` }],
    startTime: at(1),
    ...(pod.spec.initContainers ? { initContainerStatuses: pod.spec.initContainers.map((c: Obj, i: number) => ({ ...base(c, i), ready: true, started: false, state: terminated(i) })) } : {}),
    containerStatuses: pod.spec.containers.map((c: Obj, i: number) => ({ ...base(c, i + 10), ready: !done, started: !done, state: done ? terminated(i + 10) : { running: { startedAt: at(6 + i) } } })),
    qosClass: pod.status?.qosClass ?? 'BestEffort',
  };
}

function ownerRef(owner: Obj): Obj {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

function serviceAccount(i: number, k: number): Obj {
  const sa: Obj = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `app-${k}`, namespace: nsName(i), labels: { app: `app-${k}` } } };
  if (k % 2 === 1) sa.automountServiceAccountToken = false;
  return sa;
}

const ROLE_RULES: Obj[][] = [
  [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }],
  [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
  [
    { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: ['get', 'list', 'create', 'update', 'patch', 'delete'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete'] },
    { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
  ],
  [{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }],
  [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
  [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }, { apiGroups: [''], resources: ['events'], verbs: ['delete', 'deletecollection'] }],
];
const ROLE_NAMES = ['pod-reader', 'secret-reader', 'deployer', 'config-editor', 'namespace-admin', 'token-minter'];

function role(i: number, k: number): Obj {
  let rules = ROLE_RULES[k]!;
  // Only every third namespace gets the wildcard role; the others a job runner.
  if (k === 4 && i % 3 !== 0) rules = [{ apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['get', 'list', 'create'] }];
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: ROLE_NAMES[k], namespace: nsName(i) }, rules };
}

function roleBinding(i: number, k: number, clusterRoles: number): Obj {
  const ns = nsName(i);
  const sa = (name: string) => ({ kind: 'ServiceAccount', name, namespace: ns });
  const subjects: Obj[][] = [
    [sa('app-0')],
    [sa('app-1'), { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: `team-${i % 20}` }],
    [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'ci-bot' }],
    [sa('default')],
    [sa('app-2')],
    [sa(i % 2 === 0 ? 'app-3' : 'removed-sa')],
  ];
  const roleRef =
    k === 4
      ? { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `bench-cr-${i % clusterRoles}` }
      : k === 5 && i % 7 === 0
        ? { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deleted-role' } // dangling
        : { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: ROLE_NAMES[k === 4 ? 0 : k] };
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `${ROLE_NAMES[k]}-binding`, namespace: ns }, roleRef, subjects: subjects[k] };
}

const CLUSTER_RULES: Obj[][] = [
  [{ apiGroups: [''], resources: ['pods', 'services', 'endpoints'], verbs: ['get', 'list', 'watch'] }],
  [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }],
  [{ apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'] }],
  [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'clusterroles'], verbs: ['escalate', 'bind'] }],
  [{ apiGroups: [''], resources: ['users', 'groups', 'serviceaccounts'], verbs: ['impersonate'] }],
  [{ apiGroups: ['apps'], resources: ['*'], verbs: ['*'] }],
  [{ apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'], verbs: ['create', 'update', 'delete'] }],
  [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/approval'], verbs: ['update'] }, { apiGroups: ['certificates.k8s.io'], resources: ['signers'], resourceNames: ['kubernetes.io/kube-apiserver-client'], verbs: ['approve'] }],
  [{ apiGroups: ['monitoring.example.com'], resources: ['prometheusrules', 'servicemonitors'], verbs: ['get', 'list', 'watch', 'create', 'update'] }],
  [{ nonResourceURLs: ['/metrics', '/healthz'], verbs: ['get'] }],
];

function clusterRole(k: number): Obj {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: `bench-cr-${k}`, labels: { 'bench.k8s-audit.dev/family': String(k % CLUSTER_RULES.length) } },
    rules: CLUSTER_RULES[k % CLUSTER_RULES.length],
  };
}

function clusterRoleBinding(k: number, namespaces: number): Obj {
  const subjects =
    k % 4 === 0
      ? [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: k % 8 === 0 ? 'system:authenticated' : `team-${k % 20}` }]
      : k % 4 === 1
        ? [{ kind: 'ServiceAccount', name: 'app-0', namespace: nsName(k % namespaces) }]
        : [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: `user-${k}@example.com` }];
  // system:authenticated only ever gets the read-only family (0 and 9 are harmless-ish).
  const cr = k % 8 === 0 ? 0 : k;
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `bench-crb-${k}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `bench-cr-${cr}` },
    subjects,
  };
}

function networkPolicies(i: number): Obj[] {
  const ns = nsName(i);
  const first: Obj =
    i % 3 === 2
      ? { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-all-ingress', namespace: ns }, spec: { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] } }
      : {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'default-deny', namespace: ns },
          spec: { podSelector: {}, policyTypes: i % 2 === 0 ? ['Ingress', 'Egress'] : ['Ingress'] },
        };
  const second: Obj = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-web', namespace: ns },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/component': 'web' } },
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { team: `team-${(i + 1) % 20}` } } },
            { podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: ['web', 'gateway'] }] } },
          ],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
      ],
      egress: [{ to: [{ ipBlock: i % 3 === 0 ? { cidr: '0.0.0.0/0' } : { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] }],
      policyTypes: ['Ingress', 'Egress'],
    },
  };
  return [first, second];
}

function template(labels: Record<string, string>, spec: Obj): Obj {
  return { metadata: { labels, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' } }, spec };
}

function appLabels(name: string, component: string): Record<string, string> {
  return { app: name, 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': component, 'app.kubernetes.io/part-of': 'bench' };
}

// ---------------------------------------------------------------------------
// Seeding

export interface SeedOptions {
  context?: string;
  /** Requests in flight. */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface SeedResult {
  counts: Record<string, number>;
  seconds: number;
  requests: number;
}

class CreateError extends Error {}

/**
 * Create every object of the size's plan in the cluster behind kubeconfig. Owners
 * first (their uid goes into the ownerReferences of what they own); everything else
 * as concurrently as the API server takes it.
 */
export async function seed(kubeconfigPath: string, spec: SizeSpec, opts: SeedOptions = {}): Promise<SeedResult> {
  const t0 = performance.now();
  const log = opts.log ?? (() => {});
  const conn = loadConnection(kubeconfigPath, opts.context ?? 'admin');
  const concurrency = opts.concurrency ?? 32;
  const api = new ApiClient({
    server: conn.server,
    tls: { ca: conn.ca, cert: conn.cert, key: conn.key },
    maxSockets: concurrency,
    retries: 6,
    requestTimeoutMs: 120_000,
  });
  const limit = pLimit(concurrency);
  const expected = planCounts(spec);
  const total = Object.values(expected).reduce((a, b) => a + b, 0);
  let done = 0;
  let lastLog = performance.now();

  const path = (obj: Obj, plural: string): string => {
    const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
    const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
    return obj.metadata.namespace ? `${base}/namespaces/${obj.metadata.namespace}/${plural}` : `${base}/${plural}`;
  };

  /** POST one object; waits out a missing ServiceAccount (created asynchronously by the controller-manager). */
  const create = (obj: Obj, plural: string): Promise<Obj> =>
    limit(async () => {
      for (let attempt = 0; ; attempt++) {
        const res: HttpResponse = await api.request('POST', path(obj, plural), { body: obj });
        if (res.status === 201 || res.status === 200) {
          let created = JSON.parse(res.body) as Obj;
          if (plural === 'pods') {
            const put = await api.request('PUT', `${path(obj, plural)}/${obj.metadata.name}/status`, { body: { ...created, status: kubeletStatus(created) } });
            if (put.status !== 200) throw new CreateError(`PUT ${path(obj, plural)}/${obj.metadata.name}/status: HTTP ${put.status} ${put.body.slice(0, 300)}`);
            created = JSON.parse(put.body) as Obj;
          }
          done++;
          if (performance.now() - lastLog > 5000) {
            lastLog = performance.now();
            const s = (performance.now() - t0) / 1000;
            log(`seeded ${done}/${total} objects (${(done / s).toFixed(0)}/s)`);
          }
          return created;
        }
        const waiting = res.status === 403 && /serviceaccount|service account/i.test(res.body);
        if (waiting && attempt < 100) {
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        throw new CreateError(`POST ${path(obj, plural)} ${obj.metadata.name}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
      }
    });

  const units = spec.podUnitsPerNamespace;
  try {
    await Promise.all(Array.from({ length: spec.namespaces }, (_, i) => create(namespace(i), 'namespaces')));
    log(`${spec.namespaces} namespaces`);

    const rest: Promise<unknown>[] = [];
    for (let k = 0; k < spec.clusterRoles; k++) rest.push(create(clusterRole(k), 'clusterroles'));
    for (let k = 0; k < spec.clusterRoleBindings; k++) rest.push(create(clusterRoleBinding(k, spec.namespaces), 'clusterrolebindings'));
    for (let i = 0; i < spec.namespaces; i++) {
      for (let k = 0; k < SERVICE_ACCOUNTS_PER_NAMESPACE; k++) rest.push(create(serviceAccount(i, k), 'serviceaccounts'));
      for (let k = 0; k < ROLES_PER_NAMESPACE; k++) rest.push(create(role(i, k), 'roles'), create(roleBinding(i, k, spec.clusterRoles), 'rolebindings'));
      for (const np of networkPolicies(i)) rest.push(create(np, 'networkpolicies'));
    }
    await Promise.all(rest);
    log('ServiceAccounts, RBAC and NetworkPolicies');

    // Workloads: one chain per controller (owner, then what it owns). A separate limit on
    // chains keeps the number of pending bodies small; requests still go through `limit`.
    const chains = pLimit(concurrency * 2);
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < spec.namespaces; i++) {
      const ns = nsName(i);
      const level = levelOf(i);
      for (let u = 0; u < units; u++) {
        for (let d = 0; d < 3; d++) {
          const w = u * 10 + d;
          const name = `${['web', 'api', 'worker'][d]}-${u}`;
          work.push(chains(() => deploymentChain(ns, i, level, w, name, d === 0 ? 'web' : d === 1 ? 'api' : 'worker')));
        }
        work.push(chains(() => statefulSetChain(ns, i, level, u * 10 + 3, `db-${u}`)));
        work.push(chains(() => jobChain(ns, i, level, u * 10 + 4, `migrate-${u}`)));
        for (let b = 0; b < 3; b++) {
          const w = u * 10 + 5 + b;
          const name = `debug-${u}-${b}`;
          work.push(chains(() => create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: appLabels(name, 'debug') }, spec: podSpec(level, w, i) }, 'pods')));
        }
      }
      if (i % 5 === 0) {
        const labels = appLabels('report', 'batch');
        work.push(chains(() => create({
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: { name: 'nightly-report', namespace: ns, labels },
          spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { ...template(labels, { ...podSpec(level, 9, i), restartPolicy: 'OnFailure' }) } } } },
        }, 'cronjobs')));
      }
      if (i % 10 === 0) {
        const labels = appLabels('node-agent', 'agent');
        work.push(chains(() => create({
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          metadata: { name: 'node-agent', namespace: ns, labels },
          spec: { selector: { matchLabels: { app: 'node-agent' } }, template: template(labels, podSpec(level, 10, i)) },
        }, 'daemonsets')));
      }
    }
    await Promise.all(work);
  } finally {
    api.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  log(`seeded ${done} objects in ${seconds.toFixed(0)} s (${(done / seconds).toFixed(0)}/s)`);
  return { counts: expected, seconds, requests: done };

  async function deploymentChain(ns: string, i: number, level: Level, w: number, name: string, component: string): Promise<void> {
    const labels = appLabels(name, component);
    const spec = podSpec(level, w, i);
    const dep = await create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns, labels },
      spec: { replicas: 4, selector: { matchLabels: { app: name } }, template: template(labels, spec) },
    }, 'deployments');
    const hash = suffix(`${ns}/${name}`, 10);
    const rsLabels = { ...labels, 'pod-template-hash': hash };
    const rs = await create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${name}-${hash}`, namespace: ns, labels: rsLabels, annotations: { 'deployment.kubernetes.io/revision': '1' }, ownerReferences: [ownerRef(dep)] },
      spec: { replicas: 4, selector: { matchLabels: { app: name, 'pod-template-hash': hash } }, template: template(rsLabels, spec) },
    }, 'replicasets');
    await Promise.all(
      Array.from({ length: 4 }, (_, r) =>
        create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `${rs.metadata.name}-${suffix(`${rs.metadata.name}/${r}`, 5)}`, namespace: ns, labels: rsLabels, annotations: template(labels, spec).metadata.annotations, ownerReferences: [ownerRef(rs)] }, spec }, 'pods'),
      ),
    );
  }

  async function statefulSetChain(ns: string, i: number, level: Level, w: number, name: string): Promise<void> {
    const labels = appLabels(name, 'database');
    const spec = podSpec(level, w, i);
    const sts = await create({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, namespace: ns, labels },
      spec: { replicas: 3, serviceName: name, podManagementPolicy: 'Parallel', selector: { matchLabels: { app: name } }, template: template(labels, spec) },
    }, 'statefulsets');
    const revision = `${name}-${suffix(`${ns}/${name}`, 10)}`;
    await Promise.all(
      Array.from({ length: 3 }, (_, r) =>
        create({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `${name}-${r}`,
            namespace: ns,
            labels: { ...labels, 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': `${name}-${r}`, 'apps.kubernetes.io/pod-index': String(r) },
            ownerReferences: [ownerRef(sts)],
          },
          spec: { ...spec, hostname: `${name}-${r}`, subdomain: name },
        }, 'pods'),
      ),
    );
  }

  async function jobChain(ns: string, i: number, level: Level, w: number, name: string): Promise<void> {
    const labels = appLabels(name, 'batch');
    const spec = { ...podSpec(level, w, i), restartPolicy: 'Never' };
    const job = await create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: ns, labels }, spec: { parallelism: 2, completions: 2, template: template(labels, spec) } }, 'jobs');
    // The API server generated the selector and the template's controller-uid labels.
    const podLabels = job.spec.template.metadata.labels as Record<string, string>;
    await Promise.all(
      Array.from({ length: 2 }, (_, r) =>
        create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `${name}-${suffix(`${ns}/${name}/${r}`, 5)}`, namespace: ns, labels: podLabels, ownerReferences: [ownerRef(job)] }, spec }, 'pods'),
      ),
    );
  }
}
