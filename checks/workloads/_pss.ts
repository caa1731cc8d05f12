/**
 * What every Pod Security Standards control shares: one control per PodSecurity
 * admission check, evaluated by src/model/pss.ts on every workload subject at the
 * version the subject's namespace is enforced at (its `enforce-version` label,
 * else the cluster's version), with a finding per offending field and a
 * remediation rendered for that field: the securityContext to set and, where the
 * object can be patched in place, the `kubectl patch` that does it.
 *
 * Not a control itself (files starting with `_` are not registered).
 */
import { defineControl, type Control, type ControlMeta, type Severity } from '../../src/engine/types.ts';
import type { ObjectMeta } from '../../src/model/k8s.ts';
import {
  PSS_MESSAGES,
  evaluatePssCheck,
  formatPssVersion,
  pssCheckLevel,
  pssCheckSince,
  pssVersionFor,
  type PssCheckId,
  type PssVersionChoice,
  type PssViolation,
} from '../../src/model/pss.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';
import { WORKLOAD_KINDS, podsWithOwnEphemeralContainers, workloads, type Workload } from '../../src/model/workloads.ts';

/** Kinds every PSS control reads: the workloads, and namespaces for their `enforce-version` label. */
export const PSS_READS = [...WORKLOAD_KINDS, 'namespaces'] as const;

const PSS_LINKS = ['https://kubernetes.io/docs/concepts/security/pod-security-standards/', 'https://kubernetes.io/docs/concepts/security/pod-security-admission/'];

/** How to fix one kind of violation. `set` fixes write a value; `remove` fixes delete the field. */
export type Fix =
  | { op: 'set'; value: unknown; snippet: string }
  | { op: 'remove'; snippet: string; /** remove this (parent) path instead of the violation's */ at?: string; test?: { at: string; value: string } }
  | { op: 'none'; snippet: string };

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
   * Remediation template. Besides the engine's placeholders it may use
   * `{{snippet}}` (YAML to put at the path), `{{apply}}` (the kubectl command, or
   * why the object must be recreated) and the violation's data (`setter`, `value`, …).
   */
  remediation: string;
  /** The fix for a violation, by its rule. */
  fix(v: PssViolation): Fix;
}

function namespaceLabels(snapshot: Snapshot, namespace: string | undefined): Record<string, string> | undefined {
  if (!namespace) return undefined;
  return snapshot.get('namespaces', undefined, namespace)?.metadata.labels;
}

function versionSentence(choice: PssVersionChoice, namespace: string | undefined): string {
  const v = formatPssVersion(choice.version);
  switch (choice.source) {
    case 'label':
      return choice.clampedFrom
        ? `namespace ${namespace} pins ${choice.clampedFrom}, evaluated at ${v}, the newest the cluster enforces`
        : `namespace ${namespace} pins ${v} (pod-security.kubernetes.io/enforce-version)`;
    case 'label-invalid':
      return `namespace ${namespace}'s enforce-version label is invalid, which the admission treats as latest: ${v}`;
    case 'label-latest':
      return `namespace ${namespace} pins latest: ${v}`;
    case 'server':
      return `the cluster's version, ${v}`;
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

/** Names placed on the command line outside quotes: DNS-1123 names only. */
const SAFE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** Values placed inside the single-quoted patch: anything but a quote or a control character. */
const SAFE_VALUE = /^[^'\x00-\x1f\x7f]*$/;

/** The strategic-merge patch that sets one field, containers addressed by name. */
function mergePatchFor(segments: Segment[], value: unknown, containerName: string | undefined): unknown {
  const build = (i: number): unknown => {
    if (i === segments.length) return value;
    const seg = segments[i]!;
    const next = segments[i + 1];
    if (typeof next === 'number') {
      if (seg !== 'containers' && seg !== 'initContainers') throw new Error('not patchable');
      return { [seg]: [{ name: containerName, ...(build(i + 2) as object) }] };
    }
    return { [seg]: build(i + 1) };
  };
  return build(0);
}

const KUBECTL_RESOURCE: Record<string, string> = {
  Deployment: 'deployment',
  StatefulSet: 'statefulset',
  DaemonSet: 'daemonset',
  ReplicaSet: 'replicaset',
  ReplicationController: 'replicationcontroller',
  CronJob: 'cronjob',
};

function applyText(w: Workload, v: PssViolation, fix: Fix): string {
  if (v.containerType === 'ephemeralContainers')
    return `Ephemeral containers cannot be changed or removed: delete Pod ${w.subject.name} (its controller, if any, recreates it without them) and debug with a compliant securityContext next time.`;
  if (w.subject.kind === 'Pod') return 'A Pod cannot be changed in place: fix the manifest or controller that created it, then recreate the Pod.';
  if (w.subject.kind === 'Job') return "A Job's pod template is immutable: fix its manifest and recreate the Job.";
  const resource = KUBECTL_RESOURCE[w.subject.kind];
  if (!resource || fix.op === 'none') return 'Change it in the manifest the object is deployed from.';
  const ns = w.subject.namespace ?? 'default';
  const manual = 'Change it in the manifest the object is deployed from.';
  if (![ns, w.subject.name].every((n) => SAFE_NAME.test(n))) return manual;
  let body: string;
  let type: string;
  try {
    if (fix.op === 'set') {
      type = 'strategic';
      body = JSON.stringify(mergePatchFor(parsePath(v.path), fix.value, v.container));
    } else {
      type = 'json';
      const target = parsePath(fix.at ?? v.path);
      const ops: unknown[] = [];
      if (fix.test) {
        ops.push({ op: 'test', path: pointer(parsePath(fix.test.at)), value: fix.test.value });
      }
      ops.push({ op: 'remove', path: pointer(target) });
      body = JSON.stringify(ops);
    }
  } catch {
    return manual;
  }
  if (!SAFE_VALUE.test(body)) return manual;
  const verb = w.subject.kind === 'ReplicaSet' || w.subject.kind === 'ReplicationController' ? ' (pods already running keep the old spec until replaced)' : '';
  return `kubectl -n ${ns} patch ${resource} ${w.subject.name} --type=${type} -p '${body}'${verb}`;
}

/** A YAML block: a mapping nested along `keys`, the last holding `leaf` (already YAML). */
export function yamlAt(keys: string[], leaf: string): string {
  let out = '';
  keys.forEach((k, i) => (out += `${'  '.repeat(i)}${k}:\n`));
  return out + leaf.split('\n').map((l) => '  '.repeat(keys.length) + l).join('\n');
}

/** The YAML that sets a container's securityContext field, e.g. `containers:\n  - name: app\n    securityContext: …`. */
export function containerSnippet(v: PssViolation, leaf: string): string {
  const list = v.containerType ?? 'containers';
  const body = yamlAt(['securityContext'], leaf)
    .split('\n')
    .map((l) => '    ' + l)
    .join('\n');
  return `${list}:\n  - name: ${v.container ?? ''}\n${body}`;
}

/** The YAML for a pod-level or container-level securityContext field, depending on where the violation is. */
export function securityContextSnippet(v: PssViolation, leaf: string): string {
  return v.container !== undefined ? containerSnippet(v, leaf) : yamlAt(['securityContext'], leaf);
}

// ---------------------------------------------------------------------------
// The control
// ---------------------------------------------------------------------------

export function pssControl(spec: PssControlSpec): Control {
  const level = pssCheckLevel(spec.check);
  const meta: ControlMeta = {
    id: spec.id,
    title: spec.title,
    area: 'workloads',
    severity: spec.severity,
    description: spec.description,
    rationale: spec.rationale,
    remediation: spec.remediation,
    references: { ...(spec.cis?.length ? { cis: spec.cis } : {}), pss: [spec.check], links: PSS_LINKS },
    messages: { ...PSS_MESSAGES[spec.check] },
  };

  const report1 = (snapshot: Snapshot, w: Workload, ephemeralOnly: boolean, reporter: Parameters<Control['evaluate']>[1]) => {
    const choice = pssVersionFor(namespaceLabels(snapshot, w.subject.namespace), snapshot.serverVersion);
    const result = evaluatePssCheck(spec.check, w.podMeta as ObjectMeta, w.podSpec, w.specPath, choice.version);
    if (!result) {
      if (!ephemeralOnly)
        reporter.notApplicable(
          w.subject,
          `The ${level} check ${spec.check} applies from ${formatPssVersion(pssCheckSince(spec.check))}; this workload is evaluated at ${versionSentence(choice, w.subject.namespace)}.`,
        );
      return;
    }
    if (result.status === 'exempt') {
      if (!ephemeralOnly) reporter.notApplicable(w.subject, `Exempt: ${result.exemption} (evaluated at ${versionSentence(choice, w.subject.namespace)}).`);
      return;
    }
    const violations = ephemeralOnly ? result.violations.filter((v) => v.containerType === 'ephemeralContainers') : result.violations;
    if (violations.length === 0) {
      if (!ephemeralOnly) reporter.pass(w.subject);
      return;
    }
    for (const v of violations) {
      const fix = spec.fix(v);
      reporter.fail(w.subject, {
        messageId: v.rule,
        data: {
          ...v.data,
          where: String(v.data.setter).replace(/^The /, 'the ').replace(/^(Init|Ephemeral) /, (m) => m.toLowerCase()).replace(/^Container /, 'container '),
          pssLevel: level,
          pssVersionFrom: choice.source === 'server' ? 'cluster version' : 'namespace label',
          snippet: fix.snippet,
          apply: applyText(w, v, fix),
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
      for (const w of workloads(snapshot)) report1(snapshot, w, false, reporter);
      for (const w of podsWithOwnEphemeralContainers(snapshot)) report1(snapshot, w, true, reporter);
    },
  });
}
