/**
 * What the hardening controls share: the `kubectl patch` bodies their
 * remediations name, and the containers they visit.
 *
 * Remediation templates keep their prose and command words in the template
 * and take only values from the finding (names, the JSON patch): the engine
 * quotes each value that is not a plain word, so a pasted command cannot run
 * a name, and a JSON patch arrives as one single-quoted shell word.
 */
import type { Reporter } from '../../src/engine/types.ts';
import { serverAtLeast, type Snapshot } from '../../src/model/snapshot.ts';
import { containersOf, isAddedContainer, podsWithOwnContainers, templateChangesRollOut, workloads, type ContainerRef, type Workload } from '../../src/model/workloads.ts';

/** The patch command every workload remediation uses, with `{{kindLower}}` and `{{patch}}` from containerPatch/podSpecPatch. */
export const PATCH_COMMAND = 'kubectl -n {{namespace}} patch {{kindLower}} {{name}} --type=strategic -p {{patch}}';

/**
 * How a fix to a workload reaches the cluster (a finding's remediationId; undefined: the patch applies and the
 * controller rolls it out). The API server judges these in test/integration/workload-remediation.test.ts.
 * - `patch-live`: the patch applies, but Pods already running keep the old spec (a ReplicaSet or ReplicationController
 *   of its own, a DaemonSet or StatefulSet updated OnDelete);
 * - `pod`: a Pod's spec cannot be changed, apart from its containers' images;
 * - `job`: a Job's pod template cannot be changed;
 * - `ephemeral`: an ephemeral container cannot be changed or removed at all;
 * - `added`: a container a controller's Pod has and its template does not, added at admission (isAddedContainer).
 */
export type WorkloadApply = 'patch-live' | 'pod' | 'job' | 'ephemeral' | 'added';

export interface WorkloadFix {
  /** What to change, one sentence without a final stop, with the finding's placeholders. */
  action: string;
  /** Commands shown before the patch, which every variant needs (creating a ServiceAccount, say). */
  before?: string;
  /** Commands shown after the patch that act on something other than the workload (the ServiceAccount's own setting). */
  after?: string;
}

/**
 * A workload control's `remediation` (the object is patched and rolls out) and its `remediations` for the
 * objects a patch does not fix: see WorkloadApply. A control's findings pick one with applyVia().
 */
export function workloadRemediations(fix: WorkloadFix): { remediation: string; remediations: Record<WorkloadApply, string> } {
  const before = fix.before ? `${fix.before}\n` : '';
  const after = fix.after ? `\n${fix.after}` : '';
  const commands = `${before}${PATCH_COMMAND}${after}`;
  const others = before || after ? `\n\n${before}${fix.after ?? ''}`.trimEnd() : '';
  return {
    remediation: `${fix.action}:\n\n${commands}`,
    remediations: {
      'patch-live': `${fix.action}:\n\n${commands}\n\nPods already running keep their old spec: {{kind}} {{name}} replaces a Pod only when it is deleted, so delete them one at a time once the patch is in.`,
      pod: `${fix.action}. A Pod's spec cannot be changed in place, apart from its containers' images: make the change where Pod {{name}} comes from (its manifest, or the controller that created it), then delete the Pod and create it again.${others}`,
      job: `${fix.action}. A Job's pod template cannot be changed: make the change in the manifest of Job {{name}}, then delete the Job and create it again. A Job a CronJob created has no manifest of its own: make the change in the CronJob's job template (its next Jobs take it), and delete this Job if it must not run to completion.${others}`,
      ephemeral:
        'Ephemeral container {{container}} of Pod {{namespace}}/{{name}} cannot be changed or removed: delete the Pod (a controller that owns it creates a new one without the container), and give the setting to future debug containers (kubectl debug --custom=<partial container spec>).',
      added: `${fix.action}. Container {{container}} is not in the pod template of the controller that created Pod {{namespace}}/{{name}}: it was added when the Pod was created (a mutating admission webhook, such as a service mesh's or a secrets agent's sidecar injector), and is added again to every replacement. Make the change where it is injected (the injector's template or configuration, or the annotation on the controller's pod template that the injector reads), then restart the controller's Pods.`,
    },
  };
}

/**
 * Which of workloadRemediations' variants a finding on workload `w` (and container `c`) takes.
 * - `imageOnly`: the fix changes nothing but a container's image, which a Pod allows (an ephemeral container's excepted);
 * - `suspendedJob`: a suspended Job accepts the fix in place (see suspendedJobTakesResources).
 */
export function applyVia(w: Workload, c?: ContainerRef, opts: { imageOnly?: boolean; suspendedJob?: boolean } = {}): WorkloadApply | undefined {
  if (c?.type === 'ephemeralContainers') return 'ephemeral';
  if (c && isAddedContainer(c)) return 'added';
  switch (w.subject.kind) {
    case 'Pod':
      return opts.imageOnly ? undefined : 'pod';
    case 'Job':
      return opts.suspendedJob && (w.object.spec as { suspend?: boolean } | undefined)?.suspend === true ? undefined : 'job';
    default:
      return templateChangesRollOut(w) ? undefined : 'patch-live';
  }
}

function nest(path: string, leaf: unknown): unknown {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), leaf);
}

/**
 * Finding data for a strategic-merge patch that merges `fragment` into one
 * container (containers are merged by name): `kindLower` and `patch`.
 */
export function containerPatch(w: Workload, c: ContainerRef, fragment: Record<string, unknown>): { kindLower: string; patch: string } {
  return { kindLower: w.subject.kind.toLowerCase(), patch: JSON.stringify(nest(w.specPath, { [c.type]: [{ name: c.container.name, ...fragment }] })) };
}

/** Finding data for a strategic-merge patch that merges `fragment` into the pod spec. */
export function podSpecPatch(w: Workload, fragment: Record<string, unknown>): { kindLower: string; patch: string } {
  return { kindLower: w.subject.kind.toLowerCase(), patch: JSON.stringify(nest(w.specPath, fragment)) };
}

const targets = new WeakMap<Snapshot, Map<string, readonly ContainerTarget[]>>();

export interface ContainerTarget {
  w: Workload;
  containers: readonly ContainerRef[];
  /** The pod spec's image volumes; none for a Pod listed for its own containers only (its controller reports its volumes). */
  imageVolumes: readonly ImageVolumeRef[];
  /** A controller-owned Pod judged for its own containers only (podsWithOwnContainers): failures, never a pass. */
  ownOnly?: true;
}

/**
 * An image volume (`volumes[].image`, GA and always on from Kubernetes v1.36): the kubelet pulls `reference` as it
 * pulls a container's image, with `pullPolicy` defaulted the same way (Always for `latest` or no tag, else
 * IfNotPresent), and mounts its content into the containers.
 */
export interface ImageVolumeRef {
  name: string;
  /** JSON path of the volume's `image` object, e.g. `spec.template.spec.volumes[2].image`. */
  path: string;
  reference: string | undefined;
  pullPolicy: string | undefined;
}

/** Every image volume of a workload's pod spec. */
export function imageVolumesOf(w: Workload): ImageVolumeRef[] {
  const out: ImageVolumeRef[] = [];
  (w.podSpec.volumes ?? []).forEach((v, i) => {
    const image = v?.image as { reference?: unknown; pullPolicy?: unknown } | null | undefined;
    if (image == null || typeof image !== 'object') return;
    out.push({
      name: String(v.name ?? ''),
      path: `${w.specPath}.volumes[${i}].image`,
      reference: typeof image.reference === 'string' ? image.reference : undefined,
      pullPolicy: typeof image.pullPolicy === 'string' && image.pullPolicy !== '' ? image.pullPolicy : undefined,
    });
  });
  return out;
}

/** Which of imageVolumeRemediations' variants a finding on an image volume of `w` takes: a Pod's volumes cannot be changed in place. */
export function applyVolumeVia(w: Workload): string {
  const via = applyVia(w);
  return via === undefined ? 'volume' : `volume-${via}`;
}

/**
 * The remediations of a finding on an image volume (see applyVolumeVia), to add to a control's `remediations`:
 * `volume` (the patch rolls out), `volume-patch-live`, `volume-pod`, `volume-job`. The action names {{volume}};
 * the patch merges into the pod spec's volumes (merged by name).
 */
export function imageVolumeRemediations(action: string): Record<string, string> {
  const r = workloadRemediations({ action });
  return {
    volume: r.remediation,
    'volume-patch-live': r.remediations['patch-live'],
    'volume-pod': `${action}. A Pod's volumes cannot be changed in place: make the change where Pod {{name}} comes from (its manifest, or the controller that created it), then delete the Pod and create it again.`,
    'volume-job': r.remediations.job,
  };
}

/** Finding data for a strategic-merge patch that merges `fragment` into one volume's `image` (volumes are merged by name). */
export function imageVolumePatch(w: Workload, v: ImageVolumeRef, fragment: Record<string, unknown>): { kindLower: string; patch: string } {
  return podSpecPatch(w, { volumes: [{ name: v.name, image: fragment }] });
}

/**
 * Every workload subject with its containers, plus controller-owned Pods that
 * carry ephemeral containers of their own (`kubectl debug`), with those
 * ephemeral containers only: no template holds them. With `added`, those Pods
 * also carry the init and regular containers their controller's template does
 * not have (a webhook's injected sidecar; see podsWithOwnContainers). Memoised
 * per snapshot (nine controls ask for the same list): shared, so read-only.
 */
export function containerTargets(snapshot: Snapshot, opts: { ephemeral: boolean; added?: boolean }): readonly ContainerTarget[] {
  let bySnapshot = targets.get(snapshot);
  if (!bySnapshot) targets.set(snapshot, (bySnapshot = new Map()));
  const key = `${opts.ephemeral}/${opts.added === true}`;
  let list = bySnapshot.get(key);
  if (!list) bySnapshot.set(key, (list = listTargets(snapshot, opts)));
  return list;
}

/**
 * Judge each container (ephemeral ones, and those added to a controller's Pods at admission, included) of each
 * Linux workload: a Windows pod is not applicable, for `windowsReason`; a workload none of whose containers `judge`
 * fails (it returns true when it reported a failure) passes. A Pod judged for its own containers only is reported
 * for their failures, never passed nor not applicable: its controller is the subject for the rest.
 */
export function judgeLinuxContainers(snapshot: Snapshot, report: Reporter, windowsReason: string, judge: (w: Workload, c: ContainerRef) => boolean): void {
  for (const { w, containers, ownOnly } of containerTargets(snapshot, { ephemeral: true, added: true })) {
    if (w.podSpec.os?.name === 'windows') {
      if (!ownOnly) report.notApplicable(w.subject, windowsReason);
      continue;
    }
    let failed = false;
    for (const c of containers) if (judge(w, c)) failed = true;
    if (!failed && !ownOnly) report.pass(w.subject);
  }
}

function listTargets(snapshot: Snapshot, opts: { ephemeral: boolean; added?: boolean }): ContainerTarget[] {
  const out: ContainerTarget[] = workloads(snapshot).map((w) => ({
    w,
    containers: containersOf(w.podSpec, w.specPath).filter((c) => opts.ephemeral || c.type !== 'ephemeralContainers'),
    imageVolumes: imageVolumesOf(w),
  }));
  for (const { w, containers } of podsWithOwnContainers(snapshot)) {
    const own = containers.filter((c) => (c.type === 'ephemeralContainers' ? opts.ephemeral : opts.added === true));
    if (own.length > 0) out.push({ w, containers: own, imageVolumes: [], ownOnly: true });
  }
  return out;
}

/**
 * Whether a suspended Job's container resources can be changed in place: from Kubernetes v1.36, where
 * MutablePodResourcesForSuspendedJobs is beta and on by default (alpha, off, in v1.35).
 */
export function suspendedJobTakesResources(snapshot: Snapshot): boolean {
  return serverAtLeast(snapshot.serverVersion, 36);
}
