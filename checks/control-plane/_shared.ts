/**
 * What every control-plane flag control shares: finding the component's mirror
 * pods, deciding whether flags can be judged at all (managed control plane,
 * scan scope, no static pods), and turning a rule's verdict into results.
 *
 * A control here is a rule over one component's flags. It never passes what it
 * could not see: no mirror pod means `not-assessed` with the reason; a managed
 * control plane means `not-applicable`, pointing to the provider's benchmark;
 * a decisive setting that may live in a `--config` file the API cannot show
 * means `not-assessed`.
 */
import { CLUSTER_SUBJECT } from '../../src/engine/run.ts';
import { defineControl, type Area, type Control, type ControlMeta, type Reporter, type Severity } from '../../src/engine/types.ts';
import type { Container, K8sObject, PodSpec } from '../../src/model/k8s.ts';
import { ComponentFlags, parseVersion, type ControlPlaneComponent, type EffectiveFlag, type FlagOccurrence } from '../../src/model/flags.ts';
import { detectDistribution, managedControlPlane, type ManagedDetection } from '../../src/model/managed.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';
import { subjectOf, type SubjectRef } from '../../src/model/workloads.ts';

/** Where kubeadm keeps each component's static pod manifest. */
export const MANIFEST: Record<ControlPlaneComponent, string> = {
  'kube-apiserver': '/etc/kubernetes/manifests/kube-apiserver.yaml',
  'kube-controller-manager': '/etc/kubernetes/manifests/kube-controller-manager.yaml',
  'kube-scheduler': '/etc/kubernetes/manifests/kube-scheduler.yaml',
  etcd: '/etc/kubernetes/manifests/etcd.yaml',
};

/** A control-plane component's mirror pod and its parsed command line. */
export interface MirrorPod {
  pod: K8sObject;
  subject: SubjectRef;
  component: ControlPlaneComponent;
  container: Container;
  /** JSON path of the container in the pod, e.g. `spec.containers[0]`. */
  containerPath: string;
  flags: ComponentFlags;
}

function isMirrorPodOf(pod: K8sObject, component: ControlPlaneComponent): boolean {
  const labels = pod.metadata.labels ?? {};
  const mirror = !!pod.metadata.annotations?.['kubernetes.io/config.mirror'];
  // kubeadm (and RKE2) label static pods component=<name>, tier=control-plane; mirror pods carry the kubelet's
  // config.mirror annotation.
  if (labels.component === component) return labels.tier === 'control-plane' || mirror || pod.metadata.name.startsWith(`${component}-`);
  // kops labels them k8s-app=<name> instead: a mirror pod, or its manifest file (named after the component) in a static scan.
  if (labels['k8s-app'] === component) return mirror || pod.metadata.name === component;
  return false;
}

function containerOf(spec: PodSpec, component: ControlPlaneComponent): number {
  const containers = spec.containers ?? [];
  const byName = containers.findIndex((c) => c.name === component);
  if (byName >= 0) return byName;
  const byCommand = containers.findIndex((c) => [...(c.command ?? []), ...(c.args ?? [])].some((w) => w.split('/').pop() === component || w.includes(`${component} `)));
  return byCommand >= 0 ? byCommand : 0;
}

const podCache = new WeakMap<Snapshot, Map<ControlPlaneComponent, MirrorPod[]>>();

/** The component's mirror pods in kube-system, sorted by name, each with its flags parsed. */
export function mirrorPods(snapshot: Snapshot, component: ControlPlaneComponent): MirrorPod[] {
  let bySnapshot = podCache.get(snapshot);
  if (!bySnapshot) podCache.set(snapshot, (bySnapshot = new Map()));
  const hit = bySnapshot.get(component);
  if (hit) return hit;
  const out: MirrorPod[] = [];
  for (const pod of snapshot.inNamespace('pods', 'kube-system')) {
    if (!isMirrorPodOf(pod, component)) continue;
    const spec = pod.spec as PodSpec | undefined;
    if (!spec?.containers?.length) continue;
    const i = containerOf(spec, component);
    const container = spec.containers[i]!;
    const tag = /:(v\d+\.\d+[^@]*)/.exec(container.image ?? '')?.[1];
    const version = parseVersion(tag) ?? parseVersion(snapshot.serverVersion?.gitVersion);
    out.push({ pod, subject: subjectOf(pod), component, container, containerPath: `spec.containers[${i}]`, flags: new ComponentFlags(component, container, version) });
  }
  out.sort((a, b) => (a.pod.metadata.name < b.pod.metadata.name ? -1 : 1));
  bySnapshot.set(component, out);
  return out;
}

export type Visibility =
  | { kind: 'visible'; pods: MirrorPod[] }
  | { kind: 'managed'; detection: ManagedDetection }
  | { kind: 'hidden'; reason: string };

/** Whether a component's flags can be read, and if not, why. */
export function visibility(snapshot: Snapshot, component: ControlPlaneComponent): Visibility {
  const managed = managedControlPlane(snapshot);
  if (managed) return { kind: 'managed', detection: managed };
  if (!snapshot.readsNamespace('kube-system')) {
    return { kind: 'hidden', reason: `${snapshot.scopeText()}; kube-system, where control-plane mirror pods live, was not read.` };
  }
  const pods = mirrorPods(snapshot, component);
  if (pods.length > 0) return { kind: 'visible', pods };
  const distribution = detectDistribution(snapshot.serverVersion?.gitVersion);
  if (distribution) {
    return {
      kind: 'hidden',
      reason: `No ${component} mirror pod in kube-system: this is ${distribution.name} (${distribution.evidence}), which does not run the control plane as kubeadm-style static pods, so its ${component} flags are not visible through the API.`,
    };
  }
  if (component !== 'kube-apiserver' && mirrorPods(snapshot, 'kube-apiserver').length > 0) {
    return {
      kind: 'hidden',
      reason: `No ${component} mirror pod in kube-system, although kube-apiserver runs as one: ${component} runs outside a static pod (or not at all), so its flags are not visible through the API.`,
    };
  }
  return {
    kind: 'hidden',
    reason: `No ${component} mirror pod in kube-system (or kube-system was excluded from the scan): the control plane does not run as kubeadm-style static pods here, so its flags are not visible through the API.`,
  };
}

/** The result for a control whose subject cannot be judged on this cluster. */
export function reportInvisible(report: Reporter, v: Exclude<Visibility, { kind: 'visible' }>, component: string): void {
  if (v.kind === 'managed') {
    const d = v.detection;
    report.notApplicable(
      CLUSTER_SUBJECT,
      `Not applicable: the control plane is managed by the provider (${d.provider.name}; evidence: ${d.evidence.join('; ')}). ${component} is operated by ${d.provider.name}, not configured by you; see the ${d.provider.benchmark} (${d.provider.benchmarkUrl}).`,
    );
  } else {
    report.notAssessed(CLUSTER_SUBJECT, v.reason);
  }
}

/** What a rule decides for one mirror pod. */
export type Verdict =
  | { status: 'pass'; flag?: string }
  | { status: 'fail'; messageId: string; flag?: string; data?: Record<string, string | number | boolean>; observed?: unknown; expected?: unknown }
  | { status: 'not-assessed'; reason: string }
  | { status: 'not-applicable'; reason: string };

export interface RuleContext {
  snapshot: Snapshot;
  pod: MirrorPod;
  flags: ComponentFlags;
}

export interface FlagRule {
  id: string;
  title: string;
  severity: Severity;
  description: string;
  rationale: string;
  /** How to fix; `{{name}}`/`{{namespace}}` name the mirror pod, `{{manifest}}` its kubeadm manifest path. */
  remediation: string;
  cis: string[];
  links?: string[];
  area?: Area;
  component: ControlPlaneComponent;
  messages: Record<string, string>;
  /**
   * A flag naming a file that replaces the flags the rule reads when given (etcd's --config-file replaces every
   * flag; the scheduler's --config its deprecated ones, --profiling among them): then nothing is assessed.
   */
  configFileReplacesFlags?: string;
  check(ctx: RuleContext): Verdict;
  /**
   * When the component has no visible mirror pod (and the control plane is not
   * managed), a rule may still decide from another component's flags, e.g. a
   * plain-HTTP --etcd-servers on the API server. Return no entries to report
   * the component as not visible.
   */
  whenHidden?(snapshot: Snapshot): { pod: MirrorPod; verdict: Verdict }[];
}

/** JSON path of a flag inside the pod: its occurrence, or the container's command line when absent. */
export function flagPath(pod: MirrorPod, flag: string | undefined): string {
  const occ: FlagOccurrence | undefined = flag ? pod.flags.last(flag) : undefined;
  if (occ) return `${pod.containerPath}.${occ.at}`;
  return `${pod.containerPath}.${pod.container.command?.length ? 'command' : 'args'}`;
}

/** A control over one component's flags, evaluated on each of its mirror pods. */
export function flagControl(rule: FlagRule): Control {
  const meta: ControlMeta = {
    id: rule.id,
    title: rule.title,
    area: rule.area ?? 'control-plane',
    severity: rule.severity,
    description: rule.description,
    rationale: rule.rationale,
    remediation: rule.remediation,
    references: { cis: rule.cis, links: rule.links ?? [`https://kubernetes.io/docs/reference/command-line-tools-reference/${rule.component}/`] },
    static: { ifAbsent: `no ${rule.component} static pod manifest (kubeadm: ${MANIFEST[rule.component]}) is among the files, so its flags cannot be judged.` },
    messages: rule.messages,
  };
  return defineControl({
    meta,
    reads: ['pods', 'nodes'],
    evaluate(snapshot, report) {
      const v = visibility(snapshot, rule.component);
      if (v.kind === 'hidden' && rule.whenHidden) {
        const decided = rule.whenHidden(snapshot);
        if (decided.length > 0) {
          for (const d of decided) reportVerdict(report, d.pod, d.verdict);
          return;
        }
      }
      if (v.kind !== 'visible') return reportInvisible(report, v, rule.component);
      for (const pod of v.pods) {
        const file = rule.configFileReplacesFlags ? pod.flags.value(rule.configFileReplacesFlags) : undefined;
        const verdict: Verdict = file
          ? { status: 'not-assessed', reason: `With --${rule.configFileReplacesFlags}=${file}, ${rule.component} takes this setting from that file, not from its flags; the API cannot show that file.` }
          : rule.check({ snapshot, pod, flags: pod.flags });
        reportVerdict(report, pod, verdict);
      }
    },
  });
}

function reportVerdict(report: Reporter, pod: MirrorPod, verdict: Verdict): void {
  switch (verdict.status) {
    case 'pass':
      report.pass(pod.subject, { path: flagPath(pod, verdict.flag), container: pod.container.name });
      break;
    case 'fail': {
      const finding: Parameters<Reporter['fail']>[1] = {
        messageId: verdict.messageId,
        data: { manifest: MANIFEST[pod.component], component: pod.component, ...(verdict.flag ? { flag: `--${verdict.flag}` } : {}), ...verdict.data },
        path: flagPath(pod, verdict.flag),
        container: pod.container.name,
      };
      if (verdict.observed !== undefined) finding.observed = verdict.observed;
      if (verdict.expected !== undefined) finding.expected = verdict.expected;
      report.fail(pod.subject, finding);
      break;
    }
    case 'not-assessed':
      report.notAssessed(pod.subject, verdict.reason);
      break;
    case 'not-applicable':
      report.notApplicable(pod.subject, verdict.reason);
      break;
  }
}

// ---------------------------------------------------------------------------
// Verdict helpers for the common shapes of CIS flag items.

/** How an effective value came about, for messages: `set on the command line`, `the default`. */
export function sourceText(e: EffectiveFlag): string {
  return e.source === 'flag' ? 'set on the command line' : e.source === 'env' ? 'set in the environment' : e.source === 'default' ? 'the default when the flag is absent' : 'not set';
}

/** The config-file flag that may hold a setting the command line does not show, when it is given. */
export function configFileFor(flags: ComponentFlags, configFlags: readonly string[]): string | undefined {
  for (const f of configFlags) if (flags.value(f)) return `--${f}=${flags.value(f)}`;
  return undefined;
}

/**
 * A boolean flag that must have one value. Messages: `wrongValue` with
 * {{flag}}, {{value}}, {{source}}, {{expected}}.
 */
export function boolFlag(flags: ComponentFlags, flag: string, expected: boolean, opts: { configFlags?: readonly string[] } = {}): Verdict {
  const e = flags.effective(flag);
  if (e.source !== 'flag' && e.source !== 'env') {
    const cfg = configFileFor(flags, opts.configFlags ?? []);
    if (cfg) return { status: 'not-assessed', reason: `--${flag} is not on the command line and ${cfg} may set it; the API cannot show that file.` };
  }
  if (e.value === undefined) return { status: 'not-assessed', reason: `--${flag} is not set and its default for this version is not known.` };
  const b = flags.bool(flag);
  if (b === undefined) return { status: 'fail', messageId: 'wrongValue', flag, data: { value: e.value, source: sourceText(e), expected: String(expected) }, observed: e.value, expected };
  if (b === expected) return { status: 'pass', flag };
  return { status: 'fail', messageId: 'wrongValue', flag, data: { value: e.value, source: sourceText(e), expected: String(expected) }, observed: b, expected };
}

/** Flags that must all be set to a non-empty value. Message: `notSet` with {{flag}}, {{missing}}. */
export function requireSet(flags: ComponentFlags, names: readonly string[], opts: { configFlags?: readonly string[] } = {}): Verdict {
  const missing = names.filter((n) => !flags.value(n));
  if (missing.length === 0) return { status: 'pass', flag: names[0]! };
  const cfg = configFileFor(flags, opts.configFlags ?? []);
  if (cfg) return { status: 'not-assessed', reason: `${missing.map((m) => `--${m}`).join(' and ')} not on the command line, and ${cfg} may set it; the API cannot show that file.` };
  return { status: 'fail', messageId: 'notSet', flag: missing[0]!, data: { missing: missing.map((m) => `--${m}`).join(' and ') }, observed: null, expected: 'set' };
}

/** A flag that must not be given. Message: `isSet` with {{flag}}, {{value}}. */
export function requireUnset(flags: ComponentFlags, name: string): Verdict {
  const v = flags.value(name);
  if (v === undefined || v === '') return { status: 'pass' };
  return { status: 'fail', messageId: 'isSet', flag: name, data: { value: v }, observed: v, expected: 'not set' };
}

/** Whether an address is a loopback address (127.0.0.0/8, ::1, localhost), for bind-address rules. */
export function isLoopback(address: string): boolean {
  const cidr = /^(127\.\d+\.\d+\.\d+)\/(\d+)$/.exec(address.trim());
  if (cidr) return Number(cidr[2]) >= 8;
  if (address.trim() === '::1/128') return true;
  const host = hostOf(address);
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The host of `host`, `host:port`, `[v6]:port` or a bare IPv6 address. */
export function hostOf(address: string): string {
  const a = address.trim();
  const bracketed = /^\[([^\]]+)\](?::\d*)?$/.exec(a);
  if (bracketed) return bracketed[1]!;
  const colons = a.split(':').length - 1;
  return colons === 1 ? a.slice(0, a.indexOf(':')) : a;
}
