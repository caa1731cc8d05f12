/**
 * What every Pod Security Standards control shares: one control per PodSecurity
 * admission check, evaluated by src/model/pss.ts on every workload subject at the
 * version the subject's namespace is enforced at (its `enforce-version` label,
 * else the cluster's version), with a finding per offending field and a
 * remediation for that field: the YAML to set and, where the object can be
 * patched in place, the `kubectl patch` that does it.
 *
 * Remediations are templates (the engine quotes every value it fills in for
 * shells and YAML): each control gives, per placement of a violation (a
 * container's field, the pod's, an annotation, a volume…), the action and the
 * YAML with `{{placeholders}}`; this file adds how to apply it — the kubectl
 * patch, whose JSON body is one value, or why the object must be recreated —
 * and picks the template for each finding (`remediationId`).
 *
 * A namespace pinned to a version before a check existed would hide the check's findings (and the CIS
 * recommendations it backs) from every workload there; such workloads are judged at the cluster's version
 * instead, and the finding says that the namespace's admission does not refuse them until the pin is raised.
 *
 * Not a control itself (files starting with `_` are not registered).
 */
import { defineControl, type Control, type ControlMeta, type Severity } from '../../src/engine/types.ts';
import type { ObjectMeta, PodSpec } from '../../src/model/k8s.ts';
import {
  PSS_MESSAGES,
  evaluatePssCheck,
  formatPssVersion,
  metadataPathFor,
  pssCheckLevel,
  pssCheckSince,
  pssVersionFor,
  serverPssVersion,
  type PssCheckId,
  type PssVersionChoice,
  type PssViolation,
} from '../../src/model/pss.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';
import { WORKLOAD_KINDS, isAddedContainer, podsWithOwnContainers, templateChangesRollOut, workloads, type ContainerRef, type Workload } from '../../src/model/workloads.ts';

/** Kinds every PSS control reads: the workloads, and namespaces for their `enforce-version` label. */
export const PSS_READS = [...WORKLOAD_KINDS, 'namespaces'] as const;

const PSS_LINKS = ['https://kubernetes.io/docs/concepts/security/pod-security-standards/', 'https://kubernetes.io/docs/concepts/security/pod-security-admission/'];

/**
 * How to fix one violation. `set` writes values (one strategic-merge patch, for
 * every path listed: a fix sometimes has to touch a field that validation ties
 * to the wrong one), `remove` deletes fields (one JSON patch, each removal
 * guarded by a `test` of the value found when one is given), `none` has no
 * in-place patch.
 */
export type Fix =
  | { op: 'set'; sets: { path: string; value: unknown }[] }
  | { op: 'remove'; removes: { path: string; test?: { path: string; value: unknown } }[] }
  | { op: 'none' };

/** The pod a violation was found in, for fixes that depend on its other fields. */
export interface FixContext {
  meta: ObjectMeta;
  spec: PodSpec;
  specPath: string;
}

/** The container object a container-level violation points into. */
export function containerOf(v: PssViolation, ctx: FixContext): Record<string, any> | undefined {
  if (!v.containerType) return undefined;
  const m = new RegExp(`^${ctx.specPath.replace(/[.[\]]/g, '\\$&')}\\.${v.containerType}\\[(\\d+)\\]`).exec(v.path);
  const list = (ctx.spec as unknown as Record<string, unknown>)[v.containerType];
  return m && Array.isArray(list) ? (list[Number(m[1])] as Record<string, any>) : undefined;
}

/** Path of the container holding a container-level violation, e.g. `spec.template.spec.containers[1]`. */
export function containerPathOf(v: PssViolation): string {
  return /^(.*\.(?:initContainers|containers|ephemeralContainers)\[\d+\])/.exec(v.path)?.[1] ?? '';
}

/** A fix that sets paths to values (the violation's, and any a validation rule ties to it). */
export function setFix(...sets: { path: string; value: unknown }[]): Fix {
  return { op: 'set', sets };
}

/** A fix that removes the violation's field (or `at`), after testing the field still holds the value found. */
export function removeFix(v: PssViolation, at: string = v.path): Fix {
  const test = v.observed === null || typeof v.observed === 'object' ? undefined : { path: v.path, value: v.observed };
  return { op: 'remove', removes: [{ path: at, ...(test ? { test } : {}) }] };
}

export const NO_FIX: Fix = Object.freeze({ op: 'none' });

/** Whether the pod runs HostProcess containers (pod-level or any container). */
export function isHostProcessPod(ctx: FixContext): boolean {
  const spec = ctx.spec as unknown as Record<string, any>;
  if (spec.securityContext?.windowsOptions?.hostProcess === true) return true;
  return ['initContainers', 'containers', 'ephemeralContainers'].some(
    (t) => Array.isArray(spec[t]) && spec[t].some((c: any) => c?.securityContext?.windowsOptions?.hostProcess === true),
  );
}

/**
 * Deprecated annotations that API validation requires to agree with a profile
 * field (`seccomp` or `apparmor`): when a fix sets the field of a container (or
 * of the pod, inherited by containers without their own), an annotation saying
 * otherwise must go in the same patch, or the API server refuses it.
 */
export function conflictingAnnotations(kind: 'seccomp' | 'apparmor', v: PssViolation, ctx: FixContext, runtimeDefault: readonly string[]): { path: string; value: null }[] {
  const annotations = ctx.meta.annotations ?? {};
  const keys: string[] = [];
  const spec = ctx.spec as unknown as Record<string, any>;
  const field = kind === 'seccomp' ? 'seccompProfile' : 'appArmorProfile';
  const prefix = kind === 'seccomp' ? 'container.seccomp.security.alpha.kubernetes.io/' : 'container.apparmor.security.beta.kubernetes.io/';
  if (v.container !== undefined) keys.push(prefix + v.container);
  else {
    if (kind === 'seccomp') keys.push('seccomp.security.alpha.kubernetes.io/pod');
    for (const t of ['initContainers', 'containers'])
      for (const c of Array.isArray(spec[t]) ? spec[t] : []) if (c?.securityContext?.[field] == null) keys.push(prefix + String(c?.name));
  }
  return keys.filter((k) => Object.hasOwn(annotations, k) && !runtimeDefault.includes(annotations[k]!)).map((k) => ({ path: annotationPathFor(ctx, k), value: null }));
}

/** Path of an annotation of the pod a violation belongs to. */
export function annotationPathFor(ctx: FixContext, key: string): string {
  return `${metadataPathFor(ctx.specPath)}.annotations[${JSON.stringify(key)}]`;
}

export interface PssControlSpec {
  id: string;
  check: PssCheckId;
  title: string;
  severity: Severity;
  description: string;
  rationale: string;
  /** CIS Kubernetes Benchmark v1.12 sections. */
  cis?: string[];
  /**
   * Remediation by placement (see `placement`): the action to take and the YAML
   * (or a comment) showing it, both templates. Placeholders: the engine's
   * (`kind`, `namespace`, `name`, `path`, `container`) and the violation's data
   * (`containerType`, `value`, `capability`, `field`, …).
   */
  remediation: Record<string, { action: string; snippet: string }>;
  /** The placement of a violation; default `container` when it names one, else `pod`. */
  placement?(v: PssViolation, ctx: FixContext): string;
  /** The fix for a violation, by its rule. */
  fix(v: PssViolation, ctx: FixContext): Fix;
}

function namespaceLabels(snapshot: Snapshot, namespace: string | undefined): Record<string, string> | undefined {
  if (!namespace) return undefined;
  return snapshot.get('namespaces', undefined, namespace)?.metadata.labels;
}

/** Message ids of findings judged at the cluster's version because the namespace pins one before the check. */
const UNPINNED = '-unpinned';

/** Why the pinned version does not refuse what the cluster's does: the check is newer than the pin, or its rule then was narrower. */
function pinNote(check: PssCheckId, pinned: string): string {
  const since = pssCheckSince(check);
  const pinnedMinor = Number(pinned.replace(/^v1\./, ''));
  return pinnedMinor < since.minor
    ? `and PodSecurity checks this only from ${formatPssVersion(since)}`
    : `whose rule of the ${check} check does not refuse this`;
}

function unpinnedMessages(messages: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, text] of Object.entries(messages)) {
    out[`${id}${UNPINNED}`] =
      `${text} (Judged at {{pssEvaluatedAt}}, {{pssEvaluatedAtIs}}: namespace {{namespace}} pins {{pssPinned}}, {{pssPinNote}}, so the namespace's admission does not refuse it until the pin is raised.)`;
  }
  return out;
}

/** What the version a workload was judged at is, when it is `latest`: the cluster's, or the newest k8s-audit knows. */
function evaluatedAtIs(choice: PssVersionChoice, serverVersion: Snapshot['serverVersion']): string {
  const server = serverPssVersion(serverVersion);
  if (!server) return "the newest version k8s-audit knows, as the cluster's version is unknown";
  if (server.minor > choice.version.minor) return `the newest version k8s-audit knows, older than the cluster's ${formatPssVersion(server)}`;
  return "the cluster's version";
}

function versionSentence(choice: PssVersionChoice, namespace: string | undefined, serverVersion: Snapshot['serverVersion']): string {
  const v = formatPssVersion(choice.version);
  // `latest` is the cluster's version, capped at the newest k8s-audit knows: say which when it is not the cluster's.
  const server = serverPssVersion(serverVersion);
  const is = evaluatedAtIs(choice, serverVersion);
  const latest = is === "the cluster's version" ? `the cluster's version, ${v}` : `${v}, ${is}`;
  switch (choice.source) {
    case 'label':
      if (!choice.clampedFrom) return `namespace ${namespace} pins ${v} (pod-security.kubernetes.io/enforce-version)`;
      return server && server.minor === choice.version.minor
        ? `namespace ${namespace} pins ${choice.clampedFrom}, evaluated at ${v}, the newest the cluster enforces`
        : `namespace ${namespace} pins ${choice.clampedFrom}, evaluated at ${latest}`;
    case 'label-invalid':
      return `namespace ${namespace}'s enforce-version label is invalid, which the admission treats as latest: ${latest}`;
    case 'label-latest':
      return `namespace ${namespace} pins latest: ${latest}`;
    case 'server':
      return latest;
  }
}

// ---------------------------------------------------------------------------
// kubectl patch commands, built only from values that are safe inside single quotes
// ---------------------------------------------------------------------------

type Segment = string | number;

/** `spec.containers[1].x` → ['spec', 'containers', 1, 'x']; `metadata.annotations["a/b"]` → ['metadata', 'annotations', 'a/b']. */
export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  const re = /([A-Za-z0-9_]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\./gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < path.length && (m = re.exec(path))) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(m[3]) as string);
  }
  return out;
}

function pointer(segments: Segment[]): string {
  return '/' + segments.map((s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/** The strategic-merge patch that sets one field, containers addressed by name. */
function mergePatchFor(segments: Segment[], value: unknown, containerName: (list: string, index: number) => string | undefined): unknown {
  const build = (i: number): unknown => {
    if (i === segments.length) return value;
    const seg = segments[i]!;
    const next = segments[i + 1];
    if (typeof next === 'number') {
      if (seg !== 'containers' && seg !== 'initContainers') throw new Error('not patchable');
      const name = containerName(String(seg), next);
      if (name === undefined) throw new Error('unnamed container');
      return { [seg]: [{ name, ...(build(i + 2) as object) }] };
    }
    return { [seg]: build(i + 1) };
  };
  return build(0);
}

/** Deep merge of strategic-merge patches; lists of containers are merged by name. */
function mergePatches(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) {
    const out = a.map((x) => ({ ...x }));
    for (const y of b) {
      const i = out.findIndex((x) => x.name === y.name);
      if (i < 0) out.push(y);
      else out[i] = mergePatches(out[i], y);
    }
    return out;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? mergePatches(out[k], v) : v;
    return out;
  }
  return b;
}

const KUBECTL_RESOURCE: Record<string, string> = {
  Deployment: 'deployment',
  StatefulSet: 'statefulset',
  DaemonSet: 'daemonset',
  ReplicaSet: 'replicaset',
  ReplicationController: 'replicationcontroller',
  CronJob: 'cronjob',
};

/** How a fix reaches the cluster, after the action and its YAML. */
const APPLY: Record<string, string> = {
  patch: 'Apply it in place:\n\nkubectl -n {{namespace}} patch {{resource}} {{name}} --type={{patchType}} -p {{patch}}',
  'patch-live':
    'Apply it in place (pods already running keep their old spec until they are replaced):\n\nkubectl -n {{namespace}} patch {{resource}} {{name}} --type={{patchType}} -p {{patch}}',
  pod: 'A Pod cannot be changed in place: fix the manifest or the controller that created Pod {{name}}, then recreate it.',
  job: "A Job's pod template cannot be changed in place: fix the manifest of Job {{name}} and recreate the Job. A Job a CronJob created has no manifest of its own: fix the CronJob's job template (its next Jobs take it), and delete this Job if it must not run to completion.",
  ephemeral:
    'Ephemeral container {{container}} cannot be changed or removed: delete Pod {{name}} (its controller, if any, recreates it without the container), and start debug containers with a compliant securityContext (kubectl debug --profile=restricted).',
  added:
    "Container {{container}} is not in the pod template of the controller that created Pod {{name}}: it was added when the Pod was created (a mutating admission webhook, such as a service mesh's or a secrets agent's sidecar injector), and is added again to every replacement. Make the change where it is injected (the injector's template or configuration, or the annotation on the controller's pod template that the injector reads), then restart the controller's Pods.",
  manual: 'Change it in the manifest {{kind}} {{name}} is deployed from, and apply that again.',
};

/** How to apply a fix to a workload, and the patch's values when it can be patched in place. */
function applyMode(w: Workload, v: PssViolation, fix: Fix): { mode: string; data?: Record<string, string> } {
  if (v.containerType === 'ephemeralContainers') return { mode: 'ephemeral' };
  if (w.subject.kind === 'Pod') return { mode: 'pod' };
  if (w.subject.kind === 'Job') return { mode: 'job' };
  const resource = KUBECTL_RESOURCE[w.subject.kind];
  if (!resource || fix.op === 'none') return { mode: 'manual' };
  const spec = w.podSpec as unknown as Record<string, unknown>;
  const nameOf = (list: string, index: number): string | undefined => {
    const c = Array.isArray(spec[list]) ? (spec[list] as Record<string, unknown>[])[index] : undefined;
    return typeof c?.name === 'string' ? c.name : undefined;
  };
  try {
    let patch: string;
    let patchType: string;
    if (fix.op === 'set') {
      patchType = 'strategic';
      patch = JSON.stringify(fix.sets.map((s) => mergePatchFor(parsePath(s.path), s.value, nameOf)).reduce(mergePatches));
    } else {
      patchType = 'json';
      const ops: unknown[] = [];
      for (const r of fix.removes) {
        if (r.test) ops.push({ op: 'test', path: pointer(parsePath(r.test.path)), value: r.test.value });
        ops.push({ op: 'remove', path: pointer(parsePath(r.path)) });
      }
      patch = JSON.stringify(ops);
    }
    return { mode: templateChangesRollOut(w) ? 'patch' : 'patch-live', data: { resource, patchType, patch } };
  } catch {
    return { mode: 'manual' };
  }
}

/** YAML (a template) setting `leaf` in a container's securityContext; the container is named by placeholders. */
export function containerYaml(leaf: string): string {
  const body = leaf
    .split('\n')
    .map((l) => '      ' + l)
    .join('\n');
  return `{{containerType}}:\n  - name: {{container}}\n    securityContext:\n${body}`;
}

/** YAML (a template) setting `leaf` in the pod's securityContext. */
export function podYaml(leaf: string): string {
  return `securityContext:\n${leaf
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n')}`;
}

// ---------------------------------------------------------------------------
// The control
// ---------------------------------------------------------------------------

export function pssControl(spec: PssControlSpec): Control {
  const level = pssCheckLevel(spec.check);
  const placements = Object.keys(spec.remediation);
  const template = (placement: string, mode: string) => {
    const r = spec.remediation[placement]!;
    return `${r.action}\n\n${r.snippet}\n\n${APPLY[mode]}`;
  };
  const remediations: Record<string, string> = {};
  for (const p of placements) for (const mode of Object.keys(APPLY)) remediations[`${p}-${mode}`] = template(p, mode);
  const meta: ControlMeta = {
    id: spec.id,
    title: spec.title,
    area: 'workloads',
    severity: spec.severity,
    description: spec.description,
    rationale: spec.rationale,
    remediation: template(placements[0]!, 'manual'),
    remediations,
    references: { ...(spec.cis?.length ? { cis: spec.cis } : {}), pss: [spec.check], links: PSS_LINKS },
    messages: { ...PSS_MESSAGES[spec.check], ...unpinnedMessages(PSS_MESSAGES[spec.check]) },
  };

  // `only`: the containers of a controller-owned Pod that its controller's template does not hold (podsWithOwnContainers):
  // their violations are reported, nothing else (the rest of the Pod is judged through the controller), and no pass.
  const report1 = (snapshot: Snapshot, w: Workload, only: readonly ContainerRef[] | undefined, reporter: Parameters<Control['evaluate']>[1]) => {
    let choice = pssVersionFor(namespaceLabels(snapshot, w.subject.namespace), snapshot.serverVersion);
    let result = evaluatePssCheck(spec.check, w.podMeta as ObjectMeta, w.podSpec, w.specPath, choice.version);
    let pinnedBefore: string | undefined;
    if (choice.source === 'label' && (!result || (result.status !== 'exempt' && result.violations.length === 0))) {
      // The namespace pins a version before the check, or whose rule of it does not see what the current rule does
      // (seccomp before v1.19 read only annotations): judged at the cluster's version when that finds something, the
      // pin noted, so that a pin does not hide a finding (and the CIS recommendation behind it).
      const cluster = pssVersionFor(undefined, snapshot.serverVersion);
      const current = cluster.version.minor === choice.version.minor ? undefined : evaluatePssCheck(spec.check, w.podMeta as ObjectMeta, w.podSpec, w.specPath, cluster.version);
      if (current && (!result || (current.status !== 'exempt' && current.violations.length > 0))) {
        result = current;
        pinnedBefore = formatPssVersion(choice.version);
        choice = cluster;
      }
    }
    if (!result) {
      if (!only)
        reporter.notApplicable(
          w.subject,
          `The ${level} check ${spec.check} applies from ${formatPssVersion(pssCheckSince(spec.check))}; this workload is evaluated at ${versionSentence(choice, w.subject.namespace, snapshot.serverVersion)}.`,
        );
      return;
    }
    if (result.status === 'exempt') {
      if (!only) reporter.notApplicable(w.subject, `Exempt: ${result.exemption} (evaluated at ${versionSentence(choice, w.subject.namespace, snapshot.serverVersion)}).`);
      return;
    }
    const violations = only ? result.violations.filter((v) => only.some((c) => c.type === v.containerType && c.container.name === v.container)) : result.violations;
    if (violations.length === 0) {
      if (!only) reporter.pass(w.subject);
      return;
    }
    const ctx: FixContext = { meta: (w.podMeta ?? {}) as ObjectMeta, spec: w.podSpec, specPath: w.specPath };
    for (const v of violations) {
      const placement = spec.placement?.(v, ctx) ?? (v.container !== undefined ? 'container' : 'pod');
      if (!spec.remediation[placement]) throw new Error(`${spec.id}: no remediation for placement "${placement}"`);
      const injected = only?.some((c) => isAddedContainer(c) && c.type === v.containerType && c.container.name === v.container);
      const apply = injected ? { mode: 'added', data: undefined } : applyMode(w, v, spec.fix(v, ctx));
      reporter.fail(w.subject, {
        messageId: pinnedBefore ? `${v.rule}${UNPINNED}` : v.rule,
        remediationId: `${placement}-${apply.mode}`,
        data: {
          ...v.data,
          pssLevel: level,
          pssVersionFrom: pinnedBefore ? 'cluster version (the namespace pins a version whose rule does not refuse this)' : choice.source === 'server' ? 'cluster version' : 'namespace label',
          ...(pinnedBefore ? { pssPinned: pinnedBefore, pssSince: formatPssVersion(pssCheckSince(spec.check)), pssPinNote: pinNote(spec.check, pinnedBefore), pssEvaluatedAt: formatPssVersion(choice.version), pssEvaluatedAtIs: evaluatedAtIs(choice, snapshot.serverVersion) } : {}),
          ...apply.data,
        },
        path: v.path,
        ...(v.container !== undefined ? { container: v.container } : {}),
        observed: v.observed,
        expected: v.expected,
      });
    }
  };

  return defineControl({
    meta,
    reads: PSS_READS,
    evaluate(snapshot, reporter) {
      for (const w of workloads(snapshot)) report1(snapshot, w, undefined, reporter);
      for (const { w, containers } of podsWithOwnContainers(snapshot)) report1(snapshot, w, containers, reporter);
    },
  });
}
