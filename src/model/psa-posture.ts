/**
 * Pod Security Admission posture of each namespace: its enforce/audit/warn
 * labels as the PodSecurity admission plugin reads them, and "what breaks if you
 * tighten now" — for each level at or above the current enforce level, the
 * workloads whose pods it would refuse and the existing Pods the API server
 * would name when the label is set.
 *
 * Label semantics follow k8s.io/pod-security-admission/api (PolicyToEvaluate):
 * - a missing level label means the cluster default, `privileged` unless the API
 *   server's AdmissionConfiguration says otherwise (not visible through the API);
 * - an invalid `enforce` level is evaluated as `restricted` (fail closed), an
 *   invalid `audit` or `warn` level as `privileged` (fail open);
 * - a missing or invalid version label means `latest`.
 *
 * When an enforce label is made stricter, the API server evaluates every Pod in
 * the namespace against the new level and returns one warning per distinct set
 * of failed checks, naming the lexically first Pod and counting the others
 * (`EvaluatePodsInNamespace`). `admissionWarnings` reproduces those lines from
 * this analysis. The API server checks at most 3000 Pods and stops after a
 * timeout; it skips Pods of exempt runtime classes (exemptions are API server
 * configuration, not visible here, and not applied).
 */
import { WORKLOAD_KINDS, isReportedThroughOwner, subjectOf, workloads, type SubjectRef } from './workloads.ts';
import { kindKeyOf, type KindKey } from '../collect/kinds.ts';
import type { K8sObject, ObjectMeta, PodSpec } from './k8s.ts';
import { PSA_LEVELS, PSA_PREFIX, isSystemNamespace, isTerminating, type PsaLevel } from './namespaces.ts';
import { PSS_NEWEST_VERSION, evaluatePssLevel, formatPssVersion, pssVersionFor, serverPssVersion, type PssCheckId, type PssEvaluation, type PssVersion } from './pss.ts';
import type { Snapshot } from './snapshot.ts';

export const PSA_MODES = ['enforce', 'audit', 'warn'] as const;
export type PsaMode = (typeof PSA_MODES)[number];

const VERSION_LABEL = /^v1\.([0-9]|[1-9][0-9]*)$/;

export function levelLabel(mode: PsaMode): string {
  return `${PSA_PREFIX}${mode}`;
}

export function versionLabel(mode: PsaMode): string {
  return `${PSA_PREFIX}${mode}-version`;
}

/** One mode's labels, as written and as the admission plugin evaluates them. */
export interface PsaModeSetting {
  /** The level label's value; absent when unset. */
  level?: string;
  /** The level the plugin evaluates (`privileged` when unset: the cluster default is not visible). */
  effectiveLevel: PsaLevel;
  /** The version label's value; absent when unset. */
  version?: string;
  /** `latest` or `v1.<minor>`: what the plugin evaluates (invalid values count as latest). */
  effectiveVersion: string;
  /** Labels of this mode the plugin cannot parse. */
  invalid: ('level' | 'version')[];
  /**
   * warn only: set when its level label is absent and the enforce label sets a stricter level, which the plugin then
   * warns at too (with the enforce version, unless a warn-version label is set): PolicyToEvaluate's
   * "default warn to the enforce level when explicitly set to a more restrictive level".
   */
  fromEnforce?: true;
}

export type NamespacePsa = Record<PsaMode, PsaModeSetting>;

export function isPsaLevel(value: string): value is PsaLevel {
  return (PSA_LEVELS as readonly string[]).includes(value);
}

/** A namespace's Pod Security labels, resolved per mode as the admission plugin resolves them. */
export function namespacePsa(labels: Readonly<Record<string, string>> | undefined): NamespacePsa {
  const out = {} as NamespacePsa;
  for (const mode of PSA_MODES) {
    const level = labels?.[levelLabel(mode)];
    const version = labels?.[versionLabel(mode)];
    const invalid: ('level' | 'version')[] = [];
    let effectiveLevel: PsaLevel = 'privileged';
    if (level !== undefined) {
      if (isPsaLevel(level)) effectiveLevel = level;
      else {
        invalid.push('level');
        effectiveLevel = mode === 'enforce' ? 'restricted' : 'privileged';
      }
    }
    let effectiveVersion = 'latest';
    if (version !== undefined) {
      if (version === 'latest' || VERSION_LABEL.test(version)) effectiveVersion = version;
      else invalid.push('version');
    }
    const setting: PsaModeSetting = { effectiveLevel, effectiveVersion, invalid };
    if (level !== undefined) setting.level = level;
    if (version !== undefined) setting.version = version;
    out[mode] = setting;
  }
  // k8s.io/pod-security-admission/api PolicyToEvaluate: without a warn level label, a valid enforce label stricter
  // than the (default) warn level sets warn to it, and to its version unless a warn-version label is present.
  const enforce = out.enforce;
  if (out.warn.level === undefined && enforce.level !== undefined && !enforce.invalid.includes('level') && compareLevels(enforce.effectiveLevel, out.warn.effectiveLevel) > 0) {
    out.warn = { ...out.warn, effectiveLevel: enforce.effectiveLevel, fromEnforce: true };
    if (out.warn.version === undefined) out.warn.effectiveVersion = enforce.effectiveVersion;
  }
  return out;
}

/** The minor of a pinned `v1.<minor>` version, or undefined for `latest`. */
export function pinnedMinor(effectiveVersion: string): number | undefined {
  const m = VERSION_LABEL.exec(effectiveVersion);
  return m ? Number(m[1]) : undefined;
}

export function compareLevels(a: PsaLevel, b: PsaLevel): number {
  return PSA_LEVELS.indexOf(a) - PSA_LEVELS.indexOf(b);
}

// ---------------------------------------------------------------------------
// What breaks at a level
// ---------------------------------------------------------------------------

/** A workload (controller template or bare Pod) whose pods a level would refuse. */
export interface WorkloadImpact {
  subject: SubjectRef;
  /** The failed admission checks, in the admission's order. */
  checks: PssCheckId[];
  /** The admission's forbidden reasons, joined as it joins them. */
  reasons: string;
  /** The first offending field, for a finding's path. */
  path: string;
  /** The admission's full detail (`reason (detail), …`). */
  detail: string;
}

/** An existing Pod the API server would name when the level is set. */
export interface PodImpact {
  name: string;
  /** The subject that owns it (itself for a bare Pod): the object to fix. */
  owner: SubjectRef;
  checks: PssCheckId[];
  /** The admission's forbidden reasons (what its namespace warning shows). */
  reasons: string;
}

export interface LevelImpact {
  level: 'baseline' | 'restricted';
  /** The version label value the admission would use: the namespace's enforce-version pin when valid, else `latest`. */
  versionLabel: string;
  /** The policy version the checks were evaluated at (the pin, or the cluster's version, capped at what k8s-audit knows). */
  evaluatedAt: string;
  /** Whether this is the namespace's current enforce level (already enforced: violations mean pods cannot be recreated). */
  current: boolean;
  workloads: WorkloadImpact[];
  pods: PodImpact[];
  /** For a stricter level the namespace would be raised to: the warning lines the API server answers the label change with (admissionWarnings). */
  warnings?: string[];
  /** Over 3,000 Pods, the API server checks only the first 3,000 (and stops after a second): said here, as it says it. */
  partialCheck?: string;
}

/** The API server checks at most this many of a namespace's Pods when its enforce level is raised (defaultNamespaceMaxPodsToCheck). */
const MAX_PODS_CHECKED = 3000;

/** What impactAt needs of a PSS evaluation: kept per spec instead of the whole evaluation (every check's result). */
interface Verdict {
  allowed: boolean;
  /** The failed admission checks and their reasons, in the admission's order. */
  checks: PssCheckId[];
  reasons: string;
  /** The first violation's path, if any. */
  path: string | undefined;
  detail: string;
}

const ALLOWED: Verdict = Object.freeze({ allowed: true, checks: [], reasons: '', path: undefined, detail: '' }) as Verdict;

function verdictOf(e: PssEvaluation): Verdict {
  if (e.allowed) return ALLOWED;
  const failed = e.checks.filter((c) => c.status === 'fail');
  return {
    allowed: false,
    checks: failed.map((c) => c.check),
    reasons: failed.map((c) => c.reason ?? c.check).join(', '),
    path: e.violations[0]?.path,
    detail: e.admissionDetail,
  };
}

const verdicts = new WeakMap<object, Map<string, Verdict>>();

/**
 * The verdict of evaluatePssLevel, memoised per pod spec object: the insight and
 * the controls evaluate the same specs at the same levels, and a bare Pod is both
 * a workload and an existing Pod. Snapshots are frozen, so it cannot go stale.
 * Only the verdict is kept (on a large cluster, every Pod at two levels).
 *
 * (Sharing verdicts between Pods of equal content was tried and dropped: on a
 * real cluster every Pod's spec differs — the ServiceAccount admission gives each
 * a `kube-api-access-<random>` volume — so serialising specs to compare them costs
 * time and finds nothing to share.)
 */
function verdictCached(meta: ObjectMeta | undefined, spec: PodSpec, specPath: string, level: 'baseline' | 'restricted', version: PssVersion): Verdict {
  let bySpec = verdicts.get(spec);
  if (!bySpec) verdicts.set(spec, (bySpec = new Map()));
  const key = `${specPath}|${level}|${version.minor}`;
  let v = bySpec.get(key);
  if (!v) bySpec.set(key, (v = verdictOf(evaluatePssLevel(meta, spec, specPath, level, version))));
  return v;
}

/** The topmost evaluated owner of an object (Pod → ReplicaSet → Deployment), as workloads() reports it. */
export function reportedOwner(snapshot: Snapshot, obj: K8sObject): SubjectRef {
  let current = obj;
  for (let depth = 0; depth < 4 && isReportedThroughOwner(current, snapshot); depth++) {
    const ref = current.metadata.ownerReferences?.find((o) => o.controller === true);
    const key = ref ? kindKeyOf(ref.kind) : undefined;
    const owner = ref && key ? snapshot.get(key, current.metadata.namespace, ref.name) : undefined;
    if (!owner) break;
    current = owner;
  }
  return subjectOf(current);
}

/**
 * The workloads and existing Pods of a namespace that a level would refuse, at
 * the version the namespace's enforce-version label selects (else the
 * cluster's version).
 */
export function impactAt(snapshot: Snapshot, namespace: string, level: 'baseline' | 'restricted', current = false): LevelImpact {
  const labels = snapshot.get('namespaces', undefined, namespace)?.metadata.labels;
  const choice = pssVersionFor(labels, snapshot.serverVersion);
  const label = choice.source === 'label' ? (choice.label ?? formatPssVersion(choice.version)) : 'latest';
  const impact: LevelImpact = { level, versionLabel: label, evaluatedAt: formatPssVersion(choice.version), current, workloads: [], pods: [] };
  for (const w of workloadsIn(snapshot, namespace)) {
    const v = verdictCached(w.podMeta, w.podSpec, w.specPath, level, choice.version);
    if (v.allowed) continue;
    impact.workloads.push({ subject: w.subject, checks: v.checks, reasons: v.reasons, path: v.path ?? w.specPath, detail: v.detail });
  }
  for (const pod of snapshot.inNamespace('pods', namespace)) {
    const spec = pod.spec as PodSpec | undefined;
    if (!spec) continue;
    const v = verdictCached(pod.metadata, spec, 'spec', level, choice.version);
    if (v.allowed) continue;
    impact.pods.push({ name: pod.metadata.name, owner: reportedOwner(snapshot, pod), checks: v.checks, reasons: v.reasons });
  }
  impact.pods.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return impact;
}

const workloadsByNamespace = new WeakMap<Snapshot, Map<string, ReturnType<typeof workloads>[number][]>>();

function workloadsIn(snapshot: Snapshot, namespace: string) {
  let index = workloadsByNamespace.get(snapshot);
  if (!index) {
    index = new Map();
    for (const w of workloads(snapshot)) {
      const ns = w.subject.namespace ?? '';
      const list = index.get(ns);
      if (list) list.push(w);
      else index.set(ns, [w]);
    }
    workloadsByNamespace.set(snapshot, index);
  }
  return index.get(namespace) ?? [];
}

/**
 * The warnings the API server returns when a namespace's enforce label is
 * raised to `impact.level` (with its version label unchanged), as its
 * EvaluatePodsInNamespace writes them: a header line when any Pod violates,
 * then per distinct reason list `<first pod>[ (and N other pod[s])]: <reasons>`,
 * sorted. The "only checked against the first N pods" line (namespaces over
 * 3000 Pods, or a timeout) is not predicted.
 */
export function admissionWarnings(namespace: string, impact: LevelImpact): string[] {
  if (impact.pods.length === 0) return [];
  const groups = new Map<string, { first: string; count: number }>();
  for (const p of impact.pods) {
    const g = groups.get(p.reasons);
    if (!g) groups.set(p.reasons, { first: p.name, count: 1 });
    else {
      g.count++;
      if (p.name < g.first) g.first = p.name;
    }
  }
  const lines = [...groups].map(([reasons, { first, count }]) =>
    count === 1 ? `${first}: ${reasons}` : count === 2 ? `${first} (and 1 other pod): ${reasons}` : `${first} (and ${count - 1} other pods): ${reasons}`,
  );
  lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [`existing pods in namespace "${namespace}" violate the new PodSecurity enforce level "${impact.level}:${impact.versionLabel}"`, ...lines];
}

// ---------------------------------------------------------------------------
// The `psaPosture` insight
// ---------------------------------------------------------------------------

export interface NamespacePosture {
  namespace: string;
  /** One of Kubernetes' own namespaces (audited like the others). */
  system: boolean;
  /** Each mode in words, e.g. `baseline @v1.25`, `unset (default: privileged unless configured)`, `"restriced" (invalid: restricted)`. */
  enforce: string;
  audit: string;
  warn: string;
  /** What enforcing each level would do, in words: `nothing breaks`, `2 workloads, 3 pods refused`, `enforced: 1 workload violates`. */
  baseline: string;
  restricted: string;
  modes: NamespacePsa;
  /** Workload subjects (controllers, CronJobs, bare Pods) in the namespace. */
  workloads: number;
  /** Pod objects in the namespace. */
  pods: number;
  /**
   * For the current enforce level (when baseline or restricted) and each
   * stricter one: what it refuses. Empty lists mean the level can be enforced
   * without breaking anything.
   */
  levels: LevelImpact[];
  /**
   * The next step of the rollout the hardening guides describe (warn and audit
   * first, then enforce, one level at a time), as one sentence; undefined when
   * the namespace already enforces restricted. For a namespace being deleted, says so (no pod can be created in it).
   */
  nextStep?: string;
}

export interface PsaPostureInsight {
  /** The cluster's version (`v1.37`), which `latest` means; absent when unknown. */
  clusterVersion?: string;
  /**
   * Without an API server (a static scan), the version `latest` was taken to mean: the newest whose rules k8s-audit
   * knows. The checks changed over the versions, so what passes there may be refused by an older cluster.
   */
  assumedVersion?: string;
  /**
   * What the analysis cannot see: why the verdicts hold only at assumedVersion, when it is set; and always, that the
   * API server's PodSecurity configuration (defaults, exemptions) is not visible through the API.
   */
  note?: string;
  namespaces: NamespacePosture[];
}

function nextStep(p: Omit<NamespacePosture, 'nextStep'>): string | undefined {
  const stricter = p.levels.filter((l) => !l.current);
  if (stricter.length === 0) return undefined;
  const clean = [...stricter].reverse().find((l) => l.workloads.length === 0 && l.pods.length === 0);
  if (clean) {
    const more = clean.level === 'restricted' ? '' : ' now, and set warn and audit to restricted for the next step';
    return `Nothing in the namespace violates ${clean.level}: enforce it${more}.`;
  }
  const next = stricter[0]!;
  const watching = compareLevels(p.modes.warn.effectiveLevel, next.level) >= 0 || compareLevels(p.modes.audit.effectiveLevel, next.level) >= 0;
  if (!watching) return `Set warn and audit to ${next.level} so that new violations are reported as they are created, then fix those listed here.`;
  const subjects = new Set([...next.workloads.map((w) => w.subject), ...next.pods.map((pod) => pod.owner)].map((s) => `${s.kind}/${s.name}`));
  return `Fix the ${subjects.size} ${subjects.size === 1 ? 'workload' : 'workloads'} listed for ${next.level}, then enforce it.`;
}

/**
 * The API server's PodSecurity configuration (its AdmissionConfiguration) is not visible through the API: its defaults
 * apply to every mode a namespace does not label, and its exemptions skip whole namespaces, Pods of some runtime
 * classes and requests of some users (reproduced on kube-apiserver v1.37.2: with `defaults.enforce: baseline`, labelling
 * an unlabelled namespace enforce=baseline is answered with no warning; in an exempt namespace, or for a Pod of an exempt
 * runtime class, a level is neither enforced nor checked against existing Pods).
 */
const CONFIGURATION_NOTE =
  'The API server\'s PodSecurity configuration is not visible through the API: "unset" is its default level, privileged unless its AdmissionConfiguration sets another (it then enforces, audits or warns at that level, and raising a label to it changes nothing); and namespaces, runtime classes and users it exempts are neither refused nor named in its warnings, so what is listed as refused there is not.';

function modeText(m: PsaModeSetting): string {
  const version = m.version === undefined ? '' : m.invalid.includes('version') ? ` @"${m.version}" (invalid: latest)` : ` @${m.version}`;
  if (m.fromEnforce) return `unset (as enforce: ${m.effectiveLevel}${m.version === undefined && m.effectiveVersion !== 'latest' ? ` @${m.effectiveVersion}` : ''})${version}`;
  if (m.level === undefined) return `unset (default: privileged unless configured)${version}`;
  if (m.invalid.includes('level')) return `"${m.level}" (invalid: ${m.effectiveLevel})${version}`;
  return `${m.level}${version}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function levelText(l: LevelImpact | undefined): string {
  if (!l) return 'looser than enforced';
  const subjects = l.workloads.length;
  if (l.current) return subjects === 0 && l.pods.length === 0 ? 'enforced, met' : `enforced, violated by ${plural(subjects, 'workload')} (${plural(l.pods.length, 'pod')})`;
  return subjects === 0 && l.pods.length === 0 ? 'nothing breaks' : `${plural(subjects, 'workload')}, ${plural(l.pods.length, 'pod')} refused`;
}

export function psaPosture(snapshot: Snapshot): PsaPostureInsight {
  const server = serverPssVersion(snapshot.serverVersion);
  const insight: PsaPostureInsight = { namespaces: [] };
  if (server) insight.clusterVersion = formatPssVersion(server);
  const assumed = server ? undefined : formatPssVersion(PSS_NEWEST_VERSION);
  if (assumed) {
    insight.assumedVersion = assumed;
    const why = snapshot.source === 'cluster' ? "The cluster's version could not be read (/version)" : 'No API server was read';
    insight.note = `${why}: "latest" is taken as ${assumed}, the newest version whose checks k8s-audit knows. On a cluster of an older version "latest" means that version, whose checks refuse some of what ${assumed} allows (sysctls allowed from v1.27, v1.29, v1.32 and v1.37; pods in user namespaces exempted from two checks from v1.35): judge a namespace against its cluster (scan it live) before enforcing a level there.`;
  }
  insight.note = insight.note ? `${insight.note} ${CONFIGURATION_NOTE}` : CONFIGURATION_NOTE;
  // Scanned files often put workloads in a namespace without its Namespace object: those namespaces are judged too,
  // their labels unknown (as if unset: privileged, which is what the cluster does if the namespace has none).
  const names = [...new Set([...snapshot.list('namespaces').map((n) => n.metadata.name), ...workloadNamespaces(snapshot)])].sort();
  for (const namespace of names) {
    const ns = snapshot.get('namespaces', undefined, namespace);
    const modes = namespacePsa(ns?.metadata.labels);
    const unknown = (m: PsaModeSetting) => (ns ? modeText(m) : 'unknown: no Namespace object scanned');
    const enforce = modes.enforce.effectiveLevel;
    const levels: LevelImpact[] = [];
    for (const level of ['baseline', 'restricted'] as const) {
      if (compareLevels(level, enforce) < 0) continue;
      const impact = impactAt(snapshot, namespace, level, level === enforce);
      if (!impact.current) {
        const warnings = admissionWarnings(namespace, impact);
        if (warnings.length) impact.warnings = warnings;
        const pods = snapshot.inNamespace('pods', namespace).length;
        if (pods > MAX_PODS_CHECKED) {
          impact.partialCheck = `The API server checks only the first ${MAX_PODS_CHECKED} of the ${pods} Pods (within a second) and says so: "new PodSecurity enforce level only checked against the first ${MAX_PODS_CHECKED} of ${pods} existing pods"; the lines above cover every Pod.`;
        }
      }
      levels.push(impact);
    }
    const posture: Omit<NamespacePosture, 'nextStep'> = {
      namespace,
      system: isSystemNamespace(namespace),
      enforce: unknown(modes.enforce),
      audit: unknown(modes.audit),
      warn: unknown(modes.warn),
      baseline: levelText(levels.find((l) => l.level === 'baseline')),
      restricted: levelText(levels.find((l) => l.level === 'restricted')),
      modes,
      workloads: workloadsIn(snapshot, namespace).length,
      pods: snapshot.inNamespace('pods', namespace).length,
      levels,
    };
    // A namespace being deleted admits no new pod (NamespaceLifecycle): there is nothing to roll out.
    let step = ns && isTerminating(ns) ? 'None: the namespace is being deleted (Terminating), and the API server admits no new pod into it.' : nextStep(posture);
    if (step && assumed && !(ns && isTerminating(ns))) step = `${step} (Judged at ${assumed}: check on the cluster first, see the note.)`;
    insight.namespaces.push(step ? { ...posture, nextStep: step } : posture);
  }
  return insight;
}

/** Namespaces that hold workloads or Pods. */
function workloadNamespaces(snapshot: Snapshot): string[] {
  const out = new Set<string>();
  for (const kind of WORKLOAD_KINDS) for (const o of snapshot.list(kind)) if (o.metadata.namespace) out.add(o.metadata.namespace);
  return [...out];
}

/** Kinds the posture analysis reads. */
export const PSA_POSTURE_READS: readonly KindKey[] = ['namespaces', ...WORKLOAD_KINDS];

export const PSA_POSTURE_PROVIDER = {
  key: 'psaPosture',
  reads: PSA_POSTURE_READS,
  compute: psaPosture,
};
