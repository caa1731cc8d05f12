import { isDeepStrictEqual } from 'node:util';
import { kindKeyOf, type KindKey } from '../collect/kinds.ts';
import type { Container, K8sObject, ObjectMeta, PodSpec } from './k8s.ts';
import type { Snapshot } from './snapshot.ts';

/** The object a user fixes, as it appears in results. */
export interface SubjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export function subjectOf(obj: K8sObject): SubjectRef {
  const s: SubjectRef = { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name };
  if (obj.metadata.namespace) s.namespace = obj.metadata.namespace;
  return s;
}

/** A pod template and where it lives in its owning object. */
export interface Workload {
  subject: SubjectRef;
  object: K8sObject;
  /** Metadata of the pods this workload creates (the template's, or the Pod's own). */
  podMeta: ObjectMeta;
  podSpec: PodSpec;
  /** JSON path of the pod spec inside the object, e.g. `spec.template.spec`. */
  specPath: string;
}

/** The kinds that carry a pod template; a control that reads workloads declares all of them. */
export const WORKLOAD_KINDS = [
  'pods',
  'deployments',
  'replicasets',
  'statefulsets',
  'daemonsets',
  'jobs',
  'cronjobs',
  'replicationcontrollers',
] as const satisfies readonly KindKey[];

/**
 * Owner kinds whose pods (or ReplicaSets, or Jobs) k8s-audit already reports
 * through the owner's template. An object owned by anything else — a custom
 * operator, say — is reported itself, since its owner is not evaluated.
 */
const TEMPLATE_OWNERS: Record<string, ReadonlySet<string>> = {
  Pod: new Set(['ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet', 'Job']),
  ReplicaSet: new Set(['Deployment']),
  Job: new Set(['CronJob']),
};

function controllerOf(obj: K8sObject) {
  return obj.metadata.ownerReferences?.find((o) => o.controller === true);
}

/**
 * Whether this object's pods are already reported through a controller's
 * template. With a snapshot, the controller must also be in it (same name and,
 * when both carry one, same uid): a Pod whose ReplicaSet is gone — or was not
 * part of the manifests scanned — is reported itself rather than by nobody. A
 * ReplicaSet that still runs Pods of a template its Deployment no longer has
 * is reported itself too (runsSupersededTemplate), and so are a CronJob's Job
 * still running from a job template the CronJob no longer has
 * (runsSupersededJobTemplate) and a StatefulSet's Pod of an older revision
 * (ofOlderRevision).
 */
export function isReportedThroughOwner(obj: K8sObject, snapshot?: Snapshot): boolean {
  const owners = TEMPLATE_OWNERS[obj.kind];
  const ref = controllerOf(obj);
  if (!owners || !ref || !owners.has(ref.kind)) return false;
  if (!snapshot) return true;
  const key = kindKeyOf(ref.kind);
  const owner = key ? snapshot.get(key, obj.metadata.namespace, ref.name) : undefined;
  if (!owner || (ref.uid && owner.metadata.uid && ref.uid !== owner.metadata.uid)) return false;
  if (obj.kind === 'ReplicaSet' && runsSupersededTemplate(obj, owner)) return false;
  if (obj.kind === 'Job' && runsSupersededJobTemplate(obj, owner)) return false;
  return !(obj.kind === 'Pod' && ref.kind === 'StatefulSet' && ofOlderRevision(obj, owner));
}

/**
 * Whether a StatefulSet's Pod is of a revision older than the one its template is now (its `controller-revision-hash`
 * label differs from the StatefulSet's `status.updateRevision`): updated OnDelete, or mid-rollout, it still runs the
 * old spec, which the template no longer describes. Without either value, it is taken to be current.
 */
function ofOlderRevision(pod: K8sObject, sts: K8sObject): boolean {
  const revision = pod.metadata.labels?.['controller-revision-hash'];
  const current = (sts.status as { updateRevision?: string } | undefined)?.updateRevision;
  return !!revision && !!current && revision !== current;
}

const POD_TEMPLATE_HASH = 'pod-template-hash';
const superseded = new WeakMap<K8sObject, boolean>();

/**
 * Whether a Deployment's ReplicaSet still runs Pods from a template the Deployment no longer has: an older
 * revision during a rollout, or one a paused or stuck rollout left running. The Deployment's template does not
 * describe those Pods, so the ReplicaSet is reported itself. Compared as the Deployment controller compares them
 * (EqualIgnoreHash): equal but for the ReplicaSet's `pod-template-hash` label.
 */
function runsSupersededTemplate(rs: K8sObject, deployment: K8sObject): boolean {
  let out = superseded.get(rs);
  if (out === undefined) {
    const template = (rs.spec as { template?: unknown } | undefined)?.template;
    out = runsReplicas(rs) && !sameIgnoringHash(template, (deployment.spec as { template?: unknown } | undefined)?.template);
    superseded.set(rs, out);
  }
  return out;
}

function sameIgnoringHash(rsTemplate: unknown, template: unknown): boolean {
  const t = rsTemplate as { metadata?: { labels?: Record<string, string> } } | undefined;
  const labels = t?.metadata?.labels;
  if (!labels || !(POD_TEMPLATE_HASH in labels)) return isDeepStrictEqual(rsTemplate, template);
  const { [POD_TEMPLATE_HASH]: _hash, ...rest } = labels;
  const withoutHash = { ...t, metadata: { ...t!.metadata, labels: rest } };
  const d = template as { metadata?: { labels?: Record<string, string> } } | undefined;
  // A template whose only labels were the hash compares equal to one with no labels at all.
  if (Object.keys(rest).length === 0 && !d?.metadata?.labels) delete (withoutHash.metadata as { labels?: unknown }).labels;
  return isDeepStrictEqual(withoutHash, template);
}

/**
 * The labels the API server adds to a Job's pod template when it generates the Job's selector (job strategy,
 * generateSelector; every Job a CronJob creates has one): they are not in the CronJob's job template.
 */
const JOB_TEMPLATE_LABELS = ['batch.kubernetes.io/controller-uid', 'batch.kubernetes.io/job-name', 'controller-uid', 'job-name'];

/**
 * Whether a CronJob's Job that has not finished runs a pod template its CronJob no longer has: the CronJob was
 * changed after the Job was created (the CronJob controller copies `spec.jobTemplate.spec` into the Job once, and a
 * Job's template cannot change). Its Pods run the old template, so the Job is reported itself. A finished Job
 * (condition Complete or Failed) runs nothing and stays with its CronJob. Compared as stored, but for the labels
 * generateSelector adds.
 */
function runsSupersededJobTemplate(job: K8sObject, cronJob: K8sObject): boolean {
  let out = superseded.get(job);
  if (out === undefined) {
    const conditions = (job.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions;
    const finished = Array.isArray(conditions) && conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    const template = (cronJob.spec as { jobTemplate?: { spec?: { template?: unknown } } } | undefined)?.jobTemplate?.spec?.template;
    out = !finished && !isDeepStrictEqual(withoutLabels(templateOfJob(job), JOB_TEMPLATE_LABELS), withoutLabels(template, JOB_TEMPLATE_LABELS));
    superseded.set(job, out);
  }
  return out;
}

function templateOfJob(job: K8sObject): unknown {
  return (job.spec as { template?: unknown } | undefined)?.template;
}

/** A pod template without these labels, and with an empty `labels` or `metadata` dropped, for comparing. */
function withoutLabels(template: unknown, drop: readonly string[]): unknown {
  if (!template || typeof template !== 'object') return template;
  const { metadata, ...rest } = template as { metadata?: Record<string, unknown> };
  const { labels, ...meta } = (metadata ?? {}) as { labels?: Record<string, string> };
  const kept = Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => !drop.includes(k)));
  const m: Record<string, unknown> = Object.keys(kept).length > 0 ? { ...meta, labels: kept } : meta;
  return Object.keys(m).length > 0 ? { ...rest, metadata: m } : rest;
}

/**
 * Whether a change to a workload's pod template reaches its running Pods by itself. A Deployment, and a DaemonSet or
 * StatefulSet updated RollingUpdate (the default), replace them; a ReplicaSet or ReplicationController of its own, and a
 * DaemonSet or StatefulSet updated OnDelete, leave them running with the old spec until they are deleted. Pods and Jobs
 * answer true for want of anything better (their specs do not change at all), CronJobs too (a template applies to the
 * next Jobs).
 */
export function templateChangesRollOut(w: Workload): boolean {
  switch (w.subject.kind) {
    case 'ReplicaSet':
    case 'ReplicationController':
      return false;
    case 'DaemonSet':
    case 'StatefulSet':
      return (w.object.spec as { updateStrategy?: { type?: string } } | undefined)?.updateStrategy?.type !== 'OnDelete';
    default:
      return true;
  }
}

function templateOf(obj: K8sObject): { meta: ObjectMeta; spec: PodSpec; path: string } | undefined {
  const spec = obj.spec as Record<string, any> | undefined;
  if (!spec) return undefined;
  switch (obj.kind) {
    case 'Pod':
      return { meta: obj.metadata, spec: spec as unknown as PodSpec, path: 'spec' };
    case 'CronJob': {
      const t = spec.jobTemplate?.spec?.template;
      return t?.spec ? { meta: t.metadata ?? {}, spec: t.spec, path: 'spec.jobTemplate.spec.template.spec' } : undefined;
    }
    default: {
      const t = spec.template;
      return t?.spec ? { meta: t.metadata ?? {}, spec: t.spec, path: 'spec.template.spec' } : undefined;
    }
  }
}

/** A Workload for one object, whether or not it is reported through an owner. */
export function workloadOf(obj: K8sObject): Workload | undefined {
  const t = templateOf(obj);
  if (!t) return undefined;
  return { subject: subjectOf(obj), object: obj, podMeta: t.meta, podSpec: t.spec, specPath: t.path };
}

const cache = new WeakMap<Snapshot, readonly Workload[]>();

function sortWorkloads(out: Workload[]): readonly Workload[] {
  out.sort(
    (a, b) =>
      cmp(a.subject.namespace ?? '', b.subject.namespace ?? '') || cmp(a.subject.kind, b.subject.kind) || cmp(a.subject.name, b.subject.name),
  );
  return Object.freeze(out);
}

/**
 * Every workload subject in the snapshot: controllers' pod templates, CronJobs'
 * job templates, and Pods, ReplicaSets and Jobs not owned by a controller that
 * is reported itself (and present in the snapshot). Sorted by namespace, kind,
 * name. Computed once per snapshot.
 */
export function workloads(snapshot: Snapshot): readonly Workload[] {
  const hit = cache.get(snapshot);
  if (hit) return hit;
  const out: Workload[] = [];
  const history = revisionHistory(snapshot);
  for (const kind of WORKLOAD_KINDS) {
    for (const obj of snapshot.list(kind)) {
      if (isReportedThroughOwner(obj, snapshot) || history.has(obj)) continue;
      const w = workloadOf(obj);
      if (w) out.push(w);
    }
  }
  const sorted = sortWorkloads(out);
  cache.set(snapshot, sorted);
  return sorted;
}

/**
 * ReplicaSets that are only the revision history of a controller k8s-audit does not read (an Argo Rollout, say, or
 * any operator that rolls out through ReplicaSets): they run nothing — no replica wanted, none left — while a
 * sibling of the same controller does, or, when none runs (the controller is scaled to 0), a newer sibling exists.
 * Such a controller keeps up to ten of them by default, each with an old revision's template: reported, each would
 * repeat the findings of the one that runs, or of one that no longer describes anything. A Deployment's own history
 * is left to the Deployment (isReportedThroughOwner).
 */
function revisionHistory(snapshot: Snapshot): ReadonlySet<K8sObject> {
  const groups = new Map<string, K8sObject[]>();
  for (const rs of snapshot.list('replicasets')) {
    const ref = controllerOf(rs);
    if (!ref || TEMPLATE_OWNERS.ReplicaSet!.has(ref.kind)) continue;
    const key = `${rs.metadata.namespace ?? ''}\u0000${ref.apiVersion ?? ''}\u0000${ref.kind}\u0000${ref.uid || ref.name}`;
    const group = groups.get(key);
    if (group) group.push(rs);
    else groups.set(key, [rs]);
  }
  const out = new Set<K8sObject>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const running = group.filter(runsReplicas);
    const kept = running.length > 0 ? new Set(running) : new Set([group.reduce((a, b) => (newerRevision(b, a) ? b : a))]);
    for (const rs of group) if (!kept.has(rs)) out.add(rs);
  }
  return out;
}

function runsReplicas(rs: K8sObject): boolean {
  const spec = rs.spec as { replicas?: number } | undefined;
  const status = rs.status as { replicas?: number } | undefined;
  return (spec?.replicas ?? 1) > 0 || (status?.replicas ?? 0) > 0;
}

/** Whether `a` is a newer revision than `b`: by the revision annotation both carry (a rollback raises an old one's), else by creation time, then name. */
function newerRevision(a: K8sObject, b: K8sObject): boolean {
  const revision = (o: K8sObject) => {
    const v = o.metadata.annotations?.['rollout.argoproj.io/revision'] ?? o.metadata.annotations?.['deployment.kubernetes.io/revision'];
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const ra = revision(a);
  const rb = revision(b);
  if (ra !== undefined && rb !== undefined && ra !== rb) return ra > rb;
  const ta = String(a.metadata.creationTimestamp ?? '');
  const tb = String(b.metadata.creationTimestamp ?? '');
  if (ta !== tb) return ta > tb;
  return a.metadata.name > b.metadata.name;
}

/** A Pod that workloads() leaves to its controller, with the containers of its own (see podsWithOwnContainers). */
export interface OwnContainers {
  w: Workload;
  containers: readonly ContainerRef[];
}

const ownCache = new WeakMap<Snapshot, readonly OwnContainers[]>();
const added = new WeakSet<ContainerRef>();

/** Whether a container is one podsWithOwnContainers found added to a controller's Pod at admission (not an ephemeral one). */
export function isAddedContainer(c: ContainerRef): boolean {
  return added.has(c);
}

/**
 * Pods that `workloads()` leaves to their controller but that run containers the
 * controller's template does not hold, with those containers:
 * - ephemeral containers (`kubectl debug`), on every Pod that has them;
 * - init and regular containers added when the Pod was created: a name the
 *   template does not have among its containers of that type. A mutating
 *   admission webhook adds them (a service mesh's proxy and its init container,
 *   a secrets agent), and PodSecurity admission judges the Pod with them, but
 *   the template never shows them. Pods of one controller that carry the same
 *   added containers (alike but for the service-account token's mount) give
 *   them once, on the first such Pod by name: they are one finding, not one per
 *   replica.
 * No template holds these containers, so they are visible only on the Pod.
 * Controls that inspect containers report these Pods for these containers only,
 * and do not pass them: the rest of the Pod is judged through its controller.
 */
export function podsWithOwnContainers(snapshot: Snapshot): readonly OwnContainers[] {
  const hit = ownCache.get(snapshot);
  if (hit) return hit;
  const out: OwnContainers[] = [];
  const seen = new Set<string>();
  const pods = [...snapshot.list('pods')].sort((a, b) => cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || cmp(a.metadata.name, b.metadata.name));
  for (const pod of pods) {
    const spec = pod.spec as PodSpec | undefined;
    if (!spec || !isReportedThroughOwner(pod, snapshot)) continue;
    const w = workloadOf(pod);
    if (!w) continue;
    const own: ContainerRef[] = [];
    const extra = addedContainers(pod, w, snapshot);
    if (extra.length > 0) {
      const ref = controllerOf(pod)!;
      const key = `${pod.metadata.namespace ?? ''}/${ref.kind}/${ref.name}/${JSON.stringify(extra.map((c) => [c.type, withoutTokenMount(c.container)]))}`;
      if (!seen.has(key)) {
        seen.add(key);
        for (const c of extra) added.add(c);
        own.push(...extra);
      }
    }
    own.push(...containersOf(w.podSpec, w.specPath).filter((c) => c.type === 'ephemeralContainers'));
    if (own.length > 0) out.push({ w, containers: own });
  }
  const frozen = Object.freeze(out);
  ownCache.set(snapshot, frozen);
  return frozen;
}

/** The init and regular containers of a Pod whose name its controller's template does not have among containers of that type. */
function addedContainers(pod: K8sObject, w: Workload, snapshot: Snapshot): ContainerRef[] {
  const ref = controllerOf(pod);
  const key = ref ? kindKeyOf(ref.kind) : undefined;
  const owner = ref && key ? snapshot.get(key, pod.metadata.namespace, ref.name) : undefined;
  const template = owner ? templateOf(owner)?.spec : undefined;
  if (!template) return [];
  const names = (type: 'initContainers' | 'containers') => new Set((template[type] ?? []).map((c) => c.name));
  const known = { initContainers: names('initContainers'), containers: names('containers') };
  return containersOf(w.podSpec, w.specPath).filter((c) => c.type !== 'ephemeralContainers' && !known[c.type].has(c.container.name));
}

/** A container without the mount of the Pod's service-account token volume (`kube-api-access-<random>`, one name per Pod). */
function withoutTokenMount(c: Container): Container {
  const mounts = c.volumeMounts;
  if (!Array.isArray(mounts)) return c;
  return { ...c, volumeMounts: mounts.filter((m) => !m.name?.startsWith('kube-api-access-')) };
}

export type ContainerType = 'initContainers' | 'containers' | 'ephemeralContainers';

export interface ContainerRef {
  container: Container;
  type: ContainerType;
  index: number;
  /** JSON path of the container, e.g. `spec.template.spec.initContainers[0]`. */
  path: string;
}

const containerRefs = new WeakMap<PodSpec, Map<string, readonly ContainerRef[]>>();

/**
 * Init, regular and ephemeral containers of a pod spec, in that order, with their
 * paths. Memoised per spec object and path (dozens of controls visit the containers
 * of every workload): the list is shared, so treat it as read-only.
 */
export function containersOf(spec: PodSpec, specPath: string): readonly ContainerRef[] {
  let bySpec = containerRefs.get(spec);
  if (!bySpec) containerRefs.set(spec, (bySpec = new Map()));
  let refs = bySpec.get(specPath);
  if (!refs) bySpec.set(specPath, (refs = listContainers(spec, specPath)));
  return refs;
}

function listContainers(spec: PodSpec, specPath: string): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const type of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    (spec[type] ?? []).forEach((container, index) => {
      out.push({ container, type, index, path: `${specPath}.${type}[${index}]` });
    });
  }
  return out;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
