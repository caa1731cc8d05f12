/**
 * Remediation commands for the hardening controls: a `kubectl patch` that
 * changes exactly the field a finding names, built from the subject's
 * validated names (object and container names are DNS labels/subdomains, so
 * they are safe inside a single-quoted shell word; images, env names and
 * other free text never go into a command).
 */
import type { Snapshot } from '../../src/model/snapshot.ts';
import { containersOf, podsWithOwnEphemeralContainers, workloads, type ContainerRef, type Workload } from '../../src/model/workloads.ts';

/** What may stand inside the single-quoted patch: no quote, no control character. */
const SAFE_VALUE = /^[^'\x00-\x1f\x7f]*$/;

/** Kinds whose pod template cannot be changed in place. */
const IMMUTABLE_TEMPLATE = new Set(['Pod', 'Job']);

function nest(path: string, leaf: unknown): unknown {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), leaf);
}

function command(w: Workload, patch: unknown): string {
  if (!isSafeName(w.subject.name) || (w.subject.namespace !== undefined && !isSafeName(w.subject.namespace)) || !SAFE_VALUE.test(JSON.stringify(patch))) {
    return `Change the manifest of ${w.subject.kind} ${w.subject.name} at the path above and apply it again.`;
  }
  const kind = w.subject.kind.toLowerCase();
  const ns = w.subject.namespace ? `-n ${w.subject.namespace} ` : '';
  return `kubectl ${ns}patch ${kind} ${w.subject.name} --type=strategic -p '${JSON.stringify(patch)}'`;
}

function immutable(w: Workload, mutableOnPod = false): string | undefined {
  if (!IMMUTABLE_TEMPLATE.has(w.subject.kind)) return undefined;
  if (mutableOnPod && w.subject.kind === 'Pod') return undefined;
  return w.subject.kind === 'Pod'
    ? `A Pod's spec cannot be changed in place: change the manifest that creates Pod ${w.subject.name} and recreate it.`
    : `A Job's pod template cannot be changed in place: change the manifest of Job ${w.subject.name} and recreate the Job.`;
}

/**
 * A command (or, for Pods, Jobs and ephemeral containers, an instruction) that
 * merges `fragment` into one container. Containers are merged by name.
 * `mutableOnPod`: the field may be changed on a running Pod (only `image` is).
 */
export function containerFix(w: Workload, c: ContainerRef, fragment: Record<string, unknown>, opts: { mutableOnPod?: boolean } = {}): string {
  if (c.type === 'ephemeralContainers') {
    return `Ephemeral containers cannot be changed once added; start a new debug container with the setting instead (kubectl debug --profile=restricted).`;
  }
  const fixed = immutable(w, opts.mutableOnPod);
  if (fixed) return fixed;
  return command(w, nest(w.specPath, { [c.type]: [{ name: c.container.name, ...fragment }] }));
}

/** A command (or instruction) that merges `fragment` into the pod spec. */
export function podSpecFix(w: Workload, fragment: Record<string, unknown>): string {
  const fixed = immutable(w);
  if (fixed) return fixed;
  return command(w, nest(w.specPath, fragment));
}

/** Names written into a command line unquoted: DNS-1123 names only (the API server enforces this; static manifests may not). */
const SAFE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function isSafeName(name: string | undefined): name is string {
  return typeof name === 'string' && name.length <= 253 && SAFE_NAME.test(name);
}

/**
 * Every workload subject with its containers, plus controller-owned Pods that
 * carry ephemeral containers of their own (`kubectl debug`), with those
 * ephemeral containers only: no template holds them.
 */
export function containerTargets(snapshot: Snapshot, opts: { ephemeral: boolean }): { w: Workload; containers: ContainerRef[] }[] {
  const out = workloads(snapshot).map((w) => ({
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
