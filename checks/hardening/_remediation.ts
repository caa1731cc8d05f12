/**
 * What the hardening controls share: the `kubectl patch` bodies their
 * remediations name, and the containers they visit.
 *
 * Remediation templates keep their prose and command words in the template
 * and take only values from the finding (names, the JSON patch): the engine
 * quotes each value that is not a plain word, so a pasted command cannot run
 * a name, and a JSON patch arrives as one single-quoted shell word.
 */
import type { Snapshot } from '../../src/model/snapshot.ts';
import { containersOf, podsWithOwnEphemeralContainers, workloads, type ContainerRef, type Workload } from '../../src/model/workloads.ts';

/** What a remediation says about objects a patch cannot change. */
export const IMMUTABLE_NOTE =
  "A Pod's spec (apart from its images) and a Job's pod template cannot be changed in place, and an ephemeral container not at all: make the change in the manifest and recreate the object.";

/** The patch command every workload remediation uses, with `{{kindLower}}` and `{{patch}}` from containerPatch/podSpecPatch. */
export const PATCH_COMMAND = 'kubectl -n {{namespace}} patch {{kindLower}} {{name}} --type=strategic -p {{patch}}';

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

const targets = new WeakMap<Snapshot, Map<boolean, readonly ContainerTarget[]>>();

export interface ContainerTarget {
  w: Workload;
  containers: readonly ContainerRef[];
}

/**
 * Every workload subject with its containers, plus controller-owned Pods that
 * carry ephemeral containers of their own (`kubectl debug`), with those
 * ephemeral containers only: no template holds them. Memoised per snapshot
 * (nine controls ask for the same list): shared, so read-only.
 */
export function containerTargets(snapshot: Snapshot, opts: { ephemeral: boolean }): readonly ContainerTarget[] {
  let bySnapshot = targets.get(snapshot);
  if (!bySnapshot) targets.set(snapshot, (bySnapshot = new Map()));
  let list = bySnapshot.get(opts.ephemeral);
  if (!list) bySnapshot.set(opts.ephemeral, (list = listTargets(snapshot, opts)));
  return list;
}

function listTargets(snapshot: Snapshot, opts: { ephemeral: boolean }): ContainerTarget[] {
  const out: ContainerTarget[] = workloads(snapshot).map((w) => ({
    w,
    containers: containersOf(w.podSpec, w.specPath).filter((c) => opts.ephemeral || c.type !== 'ephemeralContainers'),
  }));
  if (opts.ephemeral) {
    for (const w of podsWithOwnEphemeralContainers(snapshot)) {
      out.push({ w, containers: containersOf(w.podSpec, w.specPath).filter((c) => c.type === 'ephemeralContainers') });
    }
  }
  return out;
}
