/**
 * The Pod Security Standards, evaluated the way the PodSecurity admission plugin
 * evaluates them (k8s.io/pod-security-admission/policy, Kubernetes v1.37).
 *
 * One function per admission check, under the admission's own check id
 * (`privileged`, `hostNamespaces`, … `seccompProfile_restricted`), each with the
 * versions at which its rule changed. Evaluating a level at a version picks, for
 * every check, the newest rule not newer than that version; at `restricted` the
 * restricted checks are added and the baseline checks they override are dropped
 * (capabilities_baseline, hostPathVolumes, procMount, seccompProfile_baseline).
 * Containers are visited as the plugin visits them: init, regular, then ephemeral.
 *
 * The checks see a pod as the API server hands it to the admission, after
 * defaulting: a volume without a known source is an emptyDir, and on a pod with
 * hostNetwork every containerPort of a regular or init container is also its
 * hostPort. Both are applied here, so that a controller's template (which the API
 * server does not default that way) is judged as the pods it creates will be.
 *
 * Everything here is pure: (pod metadata, pod spec, where the spec lives, level,
 * version) → violations. Nothing reads a cluster, nothing mutates its input. The
 * admission's own wording is reproduced too (`admissionDetail`), byte for byte,
 * so that a test can compare it with an API server's denial.
 *
 * Entry points:
 * - `evaluatePss(meta, spec, specPath, level, version)`: every violation, one per
 *   offending field, with its JSON path, container, observed and expected value.
 * - `evaluatePssLevel(...)`: the same, grouped by check in the admission's order,
 *   with the verdict and the admission's message.
 * - `evaluatePssCheck(id, ...)`: one check alone (what a control reports).
 * - `pssVersionFor(namespaceLabels, serverVersion)`: the version the PodSecurity
 *   admission would evaluate a namespace's pods at.
 */
import type { Container, ObjectMeta, PodSpec } from './k8s.ts';
import type { ContainerType } from './workloads.ts';

// ---------------------------------------------------------------------------
// Levels, versions, check ids
// ---------------------------------------------------------------------------

export type PssLevel = 'privileged' | 'baseline' | 'restricted';

/** A policy version: always major 1 (`v1.0` … `v1.37`). */
export interface PssVersion {
  major: 1;
  minor: number;
}

/** The newest version at which any check changed; `latest` means this version. */
export const PSS_NEWEST_VERSION: Readonly<PssVersion> = Object.freeze({ major: 1, minor: 37 });

export const PSS_BASELINE_CHECK_IDS = [
  'appArmorProfile',
  'capabilities_baseline',
  'hostNamespaces',
  'hostPathVolumes',
  'hostPorts',
  'hostProbesAndHostLifecycle',
  'privileged',
  'procMount',
  'seLinuxOptions',
  'seccompProfile_baseline',
  'sysctls',
  'windowsHostProcess',
] as const;

export const PSS_RESTRICTED_CHECK_IDS = [
  'allowPrivilegeEscalation',
  'capabilities_restricted',
  'procMount_restricted',
  'restrictedVolumes',
  'runAsNonRoot',
  'runAsUser',
  'seccompProfile_restricted',
] as const;

export type PssCheckId = (typeof PSS_BASELINE_CHECK_IDS)[number] | (typeof PSS_RESTRICTED_CHECK_IDS)[number];

export function formatPssVersion(v: PssVersion): string {
  return `v${v.major}.${v.minor}`;
}

const VERSION_LABEL = /^v1\.([0-9]|[1-9][0-9]*)$/;

/**
 * Parse a version as the `pod-security.kubernetes.io/<mode>-version` label holds
 * it: `latest` or `v1.<minor>`. Returns undefined for anything else (the
 * admission plugin then evaluates at `latest`).
 */
export function parsePssVersion(text: string): PssVersion | 'latest' | undefined {
  if (text === 'latest') return 'latest';
  const m = VERSION_LABEL.exec(text);
  if (!m) return undefined;
  const minor = Number(m[1]);
  return Number.isSafeInteger(minor) ? { major: 1, minor } : undefined;
}

function older(a: PssVersion, b: PssVersion): boolean {
  return a.major !== b.major ? a.major < b.major : a.minor < b.minor;
}

/** The minor version of a server's `/version` (`"30+"` on some managed clusters counts as 30). */
export function serverPssVersion(server: { major: string; minor: string } | undefined): PssVersion | undefined {
  if (!server) return undefined;
  const minor = /^\d+/.exec(server.minor ?? '')?.[0];
  if (server.major !== '1' || minor === undefined) return undefined;
  return { major: 1, minor: Number(minor) };
}

/**
 * Resolve what a caller asked for to the version the checks are evaluated at:
 * `latest` (or an unparsable string) is the newest known version, and a version
 * newer than the newest known is clamped to it, as the admission plugin clamps
 * to the newest version it has checks for.
 */
export function resolvePssVersion(version: PssVersion | string): PssVersion {
  const parsed = typeof version === 'string' ? parsePssVersion(version) : version;
  if (parsed === undefined || parsed === 'latest') return { ...PSS_NEWEST_VERSION };
  return older(PSS_NEWEST_VERSION, parsed) ? { ...PSS_NEWEST_VERSION } : { major: 1, minor: parsed.minor };
}

export const PSA_ENFORCE_VERSION_LABEL = 'pod-security.kubernetes.io/enforce-version';

export interface PssVersionChoice {
  version: PssVersion;
  /**
   * Where it came from: the namespace's `enforce-version` label (`label`), the
   * label holding `latest` or an invalid value (`label-latest`, `label-invalid`,
   * both meaning the server's version), or no label (`server`).
   */
  source: 'label' | 'label-latest' | 'label-invalid' | 'server';
  /** The label's value, when there is one. */
  label?: string;
  /** Set when the version was lowered to what the server (or k8s-audit) knows. */
  clampedFrom?: string;
}

/**
 * The version the PodSecurity admission evaluates a namespace's pods at: the
 * `pod-security.kubernetes.io/enforce-version` label when it pins one, else
 * `latest`, which is the server's own version. Either is capped at the server's
 * version (an API server has no checks newer than itself) and at the newest
 * version k8s-audit knows. An invalid label counts as `latest`, as in the plugin.
 */
export function pssVersionFor(
  namespaceLabels: Readonly<Record<string, string>> | undefined,
  serverVersion?: { major: string; minor: string },
): PssVersionChoice {
  const server = serverPssVersion(serverVersion);
  const cap = server && older(server, PSS_NEWEST_VERSION) ? server : { ...PSS_NEWEST_VERSION };
  const label = namespaceLabels?.[PSA_ENFORCE_VERSION_LABEL];
  if (label === undefined) return { version: cap, source: 'server' };
  const parsed = parsePssVersion(label);
  if (parsed === undefined) return { version: cap, source: 'label-invalid', label };
  if (parsed === 'latest') return { version: cap, source: 'label-latest', label };
  if (older(cap, parsed)) return { version: cap, source: 'label', label, clampedFrom: formatPssVersion(parsed) };
  return { version: parsed, source: 'label', label };
}

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

/** One offending field (or one missing required field) of a pod spec. */
export interface PssViolation {
  /** The admission check id, e.g. `allowPrivilegeEscalation`. */
  check: PssCheckId;
  /** Which rule of the check, a message id: e.g. `missing` or `explicit`. See PSS_MESSAGES. */
  rule: string;
  /**
   * JSON path of the wrong field inside the object, or for a missing required
   * field the path where it must be set, e.g.
   * `spec.template.spec.containers[1].securityContext.allowPrivilegeEscalation`.
   */
  path: string;
  /** Container name, for container-level fields. */
  container?: string;
  containerType?: ContainerType;
  /** The value found; null when unset. */
  observed: unknown;
  /** What the standard accepts there. */
  expected: unknown;
  /** Values for the message template (`PSS_MESSAGES[check][rule]`). */
  data: Record<string, string | number | boolean>;
  /** The message, rendered. */
  message: string;
}

export type PssCheckStatus = 'pass' | 'fail' | 'exempt';

export interface PssCheckResult {
  check: PssCheckId;
  level: 'baseline' | 'restricted';
  /** The version of the check's rule that was applied (its minimum version). */
  rule: PssVersion;
  status: PssCheckStatus;
  /** Why the pod is exempt (Windows pods, pods in a user namespace), for `exempt`. */
  exemption?: string;
  /** The admission's forbidden reason and detail, for `fail`. */
  reason?: string;
  detail?: string;
  violations: PssViolation[];
}

export interface PssEvaluation {
  level: PssLevel;
  version: PssVersion;
  allowed: boolean;
  /** Every check evaluated, in the admission's order (baseline ids sorted, then restricted ids sorted). */
  checks: PssCheckResult[];
  /** The failing checks' `reason (detail)`, joined as the admission joins them; '' when allowed. */
  admissionDetail: string;
  violations: PssViolation[];
}

// ---------------------------------------------------------------------------
// Messages (templates filled from a violation's data; `container` comes from the violation)
// ---------------------------------------------------------------------------

/** Message templates per check and rule; `{{setter}}` reads e.g. `Init container "setup"` or `The pod`. */
export const PSS_MESSAGES: Readonly<Record<PssCheckId, Readonly<Record<string, string>>>> = {
  privileged: { privileged: '{{setter}} sets securityContext.privileged=true.' },
  hostNamespaces: { hostNamespace: 'The pod sets {{field}}=true.' },
  hostPorts: {
    hostPort: '{{setter}} binds hostPort {{hostPort}}.',
    hostNetworkPort: '{{setter}} declares containerPort {{hostPort}}, a host port since the pod sets hostNetwork=true.',
  },
  hostPathVolumes: { hostPath: 'Volume "{{volume}}" mounts the host path "{{hostPath}}".' },
  capabilities_baseline: { added: '{{setter}} adds capability {{capability}}, which is not in the baseline set.' },
  windowsHostProcess: { hostProcess: '{{setter}} sets securityContext.windowsOptions.hostProcess=true.' },
  procMount: { procMount: '{{setter}} sets securityContext.procMount to "{{value}}".' },
  appArmorProfile: {
    profile: '{{setter}} sets AppArmor profile type "{{value}}".',
    annotation: 'The annotation {{annotation}} sets AppArmor profile "{{value}}".',
  },
  seLinuxOptions: {
    type: '{{setter}} sets SELinux type "{{value}}".',
    user: '{{setter}} sets SELinux user "{{value}}".',
    role: '{{setter}} sets SELinux role "{{value}}".',
  },
  seccompProfile_baseline: {
    profile: '{{setter}} sets seccomp profile type "{{value}}".',
    annotation: 'The annotation {{annotation}} sets seccomp profile "{{value}}".',
  },
  sysctls: { sysctl: 'The pod sets the sysctl {{sysctl}}, which is not in the safe set of {{version}}.' },
  hostProbesAndHostLifecycle: { host: '{{setter}} sets {{field}} to "{{value}}".' },
  allowPrivilegeEscalation: {
    missing: '{{setter}} does not set securityContext.allowPrivilegeEscalation (it defaults to true).',
    explicit: '{{setter}} sets securityContext.allowPrivilegeEscalation=true.',
  },
  capabilities_restricted: {
    dropAll: '{{setter}} does not drop ALL capabilities.',
    added: '{{setter}} adds capability {{capability}}; only NET_BIND_SERVICE may be added.',
  },
  procMount_restricted: { procMount: '{{setter}} sets securityContext.procMount to "{{value}}".' },
  restrictedVolumes: { volumeType: 'Volume "{{volume}}" is of type {{volumeType}}.' },
  runAsNonRoot: {
    explicit: '{{setter}} sets securityContext.runAsNonRoot=false.',
    missing: '{{setter}} does not set securityContext.runAsNonRoot=true, nor does the pod.',
  },
  runAsUser: { root: '{{setter}} sets runAsUser=0.' },
  seccompProfile_restricted: {
    profile: '{{setter}} sets seccomp profile type "{{value}}".',
    missing: '{{setter}} sets no seccomp profile, nor does the pod.',
  },
};

function render(template: string, data: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, k: string) => String(data[k] ?? ''));
}

// ---------------------------------------------------------------------------
// Helpers that reproduce the admission plugin's formatting
// ---------------------------------------------------------------------------

function pluralize(singular: string, plural: string, n: number): string {
  return n === 1 ? singular : plural;
}

function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

/** Go's byte-wise string order (UTF-8 bytes order as code points do). */
function goCompare(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** sets.NewString(...).List(): unique, sorted. */
function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort(goCompare);
}

/** Go's %q for the strings Kubernetes holds (annotation values). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if ((cp >= 0x80 && cp < 0xa0) || cp === 0xad || (cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) || cp === 0xfeff)
      out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** A plain object, or undefined for null, arrays and scalars (Go would see nil or fail to decode). */
function obj(v: unknown): Record<string, any> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : undefined;
}

function arr(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

/** Go's `*string` field read into a string: unset is "". */
function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

// ---------------------------------------------------------------------------
// Pod view shared by the checks
// ---------------------------------------------------------------------------

interface VisitedContainer {
  container: Container;
  name: string;
  type: ContainerType;
  path: string;
  /** `Container "web"`, `Init container "setup"`, `Ephemeral container "debugger"`. */
  setter: string;
  sc: Record<string, any> | undefined;
}

interface Pod {
  meta: ObjectMeta;
  spec: PodSpec;
  specPath: string;
  metaPath: string;
  podSc: Record<string, any> | undefined;
  containers: VisitedContainer[];
  version: PssVersion;
}

const SETTER_PREFIX: Record<ContainerType, string> = {
  initContainers: 'Init container',
  containers: 'Container',
  ephemeralContainers: 'Ephemeral container',
};

const views = new WeakMap<PodSpec, Map<string, { meta: ObjectMeta | undefined; view: Pod }>>();

/**
 * podView, memoised per spec object, path and version: every check of every
 * level asks for the same view of the same spec (the PSS controls run one check
 * each over every workload). The view is read-only to the checks, and specs are
 * not modified once evaluated (snapshots are frozen; a caller that edits a spec
 * passes a new object). A different metadata object for the same spec gets a
 * view of its own.
 */
function podView(meta: ObjectMeta | undefined, spec: PodSpec, specPath: string, version: PssVersion): Pod {
  if (spec === null || typeof spec !== 'object') return buildPodView(meta, spec, specPath, version);
  let bySpec = views.get(spec);
  if (!bySpec) views.set(spec, (bySpec = new Map()));
  const key = `${specPath}|${version.minor}`;
  const hit = bySpec.get(key);
  if (hit && hit.meta === meta) return hit.view;
  const view = buildPodView(meta, spec, specPath, version);
  bySpec.set(key, { meta, view });
  return view;
}

function buildPodView(meta: ObjectMeta | undefined, spec: PodSpec, specPath: string, version: PssVersion): Pod {
  const containers: VisitedContainer[] = [];
  for (const type of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    arr(spec?.[type]).forEach((c: unknown, index: number) => {
      const container = (obj(c) ?? {}) as Container;
      const name = str(container.name);
      containers.push({
        container,
        name,
        type,
        path: `${specPath}.${type}[${index}]`,
        setter: `${SETTER_PREFIX[type]} "${name}"`,
        sc: obj(container.securityContext),
      });
    });
  }
  return {
    meta: meta ?? ({ name: '' } as ObjectMeta),
    spec: spec ?? ({ containers: [] } as unknown as PodSpec),
    specPath,
    metaPath: metadataPathFor(specPath),
    podSc: obj(spec?.securityContext),
    containers,
    version,
  };
}

/** `spec.template.spec` → `spec.template.metadata`; a Pod's `spec` → `metadata`. */
export function metadataPathFor(specPath: string): string {
  if (specPath === 'spec' || specPath === '') return 'metadata';
  return specPath.endsWith('.spec') ? `${specPath.slice(0, -'.spec'.length)}.metadata` : `${specPath}.metadata`;
}

function annotationPath(pod: Pod, key: string): string {
  return `${pod.metaPath}.annotations[${JSON.stringify(key)}]`;
}

type Outcome = { status: 'pass' } | { status: 'exempt'; exemption: string } | { status: 'fail'; reason: string; detail: string; violations: PssViolation[] };

const PASS: Outcome = Object.freeze({ status: 'pass' }) as Outcome;

interface ViolationInput {
  rule: string;
  path: string;
  c?: VisitedContainer;
  observed: unknown;
  expected: unknown;
  data?: Record<string, string | number | boolean>;
}

function violation(check: PssCheckId, pod: Pod, v: ViolationInput): PssViolation {
  const data: Record<string, string | number | boolean> = {
    setter: v.c ? v.c.setter : 'The pod',
    version: formatPssVersion(pod.version),
    ...v.data,
  };
  if (v.c) data.containerType = v.c.type;
  const out: PssViolation = {
    check,
    rule: v.rule,
    path: v.path,
    observed: v.observed === undefined ? null : v.observed,
    expected: v.expected,
    data,
    message: render(PSS_MESSAGES[check][v.rule] ?? v.rule, { ...data, container: v.c?.name ?? '' }),
  };
  if (v.c) {
    out.container = v.c.name;
    out.containerType = v.c.type;
  }
  return out;
}

function fail(reason: string, detail: string, violations: PssViolation[]): Outcome {
  return { status: 'fail', reason, detail, violations };
}

function names(cs: readonly VisitedContainer[]): string[] {
  return cs.map((c) => c.name);
}

function containersPhrase(cs: readonly VisitedContainer[]): string {
  return `${pluralize('container', 'containers', cs.length)} ${joinQuote(names(cs))}`;
}

const isWindowsPod = (pod: Pod) => obj(pod.spec.os)?.name === 'windows';
const inUserNamespace = (pod: Pod) => pod.spec.hostUsers === false;

const WINDOWS_EXEMPTION = 'Windows pods (spec.os.name: windows) are exempt from this check from v1.25';
const USERNS_EXEMPTION = 'pods in a user namespace (spec.hostUsers: false) are exempt from this check from v1.35';

// ---------------------------------------------------------------------------
// Baseline checks
// ---------------------------------------------------------------------------

function privileged_1_0(pod: Pod): Outcome {
  const bad = pod.containers.filter((c) => c.sc?.privileged === true);
  if (bad.length === 0) return PASS;
  return fail(
    'privileged',
    `${containersPhrase(bad)} must not set securityContext.privileged=true`,
    bad.map((c) => violation('privileged', pod, { rule: 'privileged', c, path: `${c.path}.securityContext.privileged`, observed: true, expected: false })),
  );
}

function hostNamespaces_1_0(pod: Pod): Outcome {
  const set = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((f) => pod.spec[f] === true);
  if (set.length === 0) return PASS;
  return fail(
    'host namespaces',
    set.map((f) => `${f}=true`).join(', '),
    set.map((f) => violation('hostNamespaces', pod, { rule: 'hostNamespace', path: `${pod.specPath}.${f}`, observed: true, expected: false, data: { field: f } })),
  );
}

function hostPorts_1_0(pod: Pod): Outcome {
  const bad: VisitedContainer[] = [];
  const ports = new Set<string>();
  const violations: PssViolation[] = [];
  for (const c of pod.containers) {
    let valid = true;
    arr(c.container.ports).forEach((p: unknown, j: number) => {
      const port = obj(p) ?? {};
      let hostPort = port.hostPort;
      let defaulted = false;
      // The API server defaults hostPort to containerPort on a Pod with hostNetwork (regular and init containers).
      if (pod.spec.hostNetwork === true && c.type !== 'ephemeralContainers' && (hostPort === undefined || hostPort === null || hostPort === 0)) {
        hostPort = port.containerPort ?? 0;
        defaulted = true;
      }
      if (hostPort !== undefined && hostPort !== null && hostPort !== 0) {
        valid = false;
        ports.add(String(hostPort));
        violations.push(
          violation('hostPorts', pod, {
            rule: defaulted ? 'hostNetworkPort' : 'hostPort',
            c,
            path: `${c.path}.ports[${j}].${defaulted ? 'containerPort' : 'hostPort'}`,
            observed: hostPort,
            expected: defaulted ? 'hostNetwork unset or false' : 0,
            data: { hostPort: String(hostPort) },
          }),
        );
      }
    });
    if (!valid) bad.push(c);
  }
  if (bad.length === 0) return PASS;
  const list = sortedSet(ports);
  return fail(
    'hostPort',
    `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', list.length)} ${list.join(', ')}`,
    violations,
  );
}

function hostPathVolumes_1_0(pod: Pod): Outcome {
  const bad: string[] = [];
  const violations: PssViolation[] = [];
  arr(pod.spec.volumes).forEach((v: unknown, i: number) => {
    const vol = obj(v) ?? {};
    if (vol.hostPath !== undefined && vol.hostPath !== null) {
      bad.push(str(vol.name));
      violations.push(
        violation('hostPathVolumes', pod, {
          rule: 'hostPath',
          path: `${pod.specPath}.volumes[${i}].hostPath`,
          observed: vol.hostPath,
          expected: null,
          data: { volume: str(vol.name), hostPath: str(obj(vol.hostPath)?.path) },
        }),
      );
    }
  });
  if (bad.length === 0) return PASS;
  return fail('hostPath volumes', `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}`, violations);
}

/** Capabilities a container may add at the baseline level. */
export const BASELINE_ALLOWED_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

function capabilitiesBaseline_1_0(pod: Pod): Outcome {
  const bad: VisitedContainer[] = [];
  const caps = new Set<string>();
  const violations: PssViolation[] = [];
  for (const c of pod.containers) {
    const capabilities = obj(c.sc?.capabilities);
    if (!capabilities) continue;
    let valid = true;
    arr(capabilities.add).forEach((cap: unknown, k: number) => {
      const name = str(cap);
      if (!BASELINE_ALLOWED_CAPABILITIES.has(name)) {
        valid = false;
        caps.add(name);
        violations.push(
          violation('capabilities_baseline', pod, {
            rule: 'added',
            c,
            path: `${c.path}.securityContext.capabilities.add[${k}]`,
            observed: name,
            expected: [...BASELINE_ALLOWED_CAPABILITIES],
            data: { capability: name },
          }),
        );
      }
    });
    if (!valid) bad.push(c);
  }
  if (bad.length === 0) return PASS;
  return fail(
    'non-default capabilities',
    `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`,
    violations,
  );
}

function windowsHostProcess_1_0(pod: Pod): Outcome {
  const bad = pod.containers.filter((c) => obj(c.sc?.windowsOptions)?.hostProcess === true);
  const podBad = obj(pod.podSc?.windowsOptions)?.hostProcess === true;
  const setters: string[] = [];
  const violations: PssViolation[] = [];
  if (podBad) {
    setters.push('pod');
    violations.push(
      violation('windowsHostProcess', pod, { rule: 'hostProcess', path: `${pod.specPath}.securityContext.windowsOptions.hostProcess`, observed: true, expected: false }),
    );
  }
  if (bad.length > 0) {
    setters.push(containersPhrase(bad));
    for (const c of bad)
      violations.push(
        violation('windowsHostProcess', pod, { rule: 'hostProcess', c, path: `${c.path}.securityContext.windowsOptions.hostProcess`, observed: true, expected: false }),
      );
  }
  if (setters.length === 0) return PASS;
  return fail('hostProcess', `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`, violations);
}

function procMountCheck(check: 'procMount' | 'procMount_restricted', pod: Pod): Outcome {
  const bad: VisitedContainer[] = [];
  const types = new Set<string>();
  const violations: PssViolation[] = [];
  for (const c of pod.containers) {
    const pm = c.sc?.procMount;
    if (pm === undefined || pm === null) continue;
    if (pm !== 'Default') {
      bad.push(c);
      types.add(String(pm));
      violations.push(
        violation(check, pod, { rule: 'procMount', c, path: `${c.path}.securityContext.procMount`, observed: pm, expected: 'Default', data: { value: String(pm) } }),
      );
    }
  }
  if (bad.length === 0) return PASS;
  return fail('procMount', `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`, violations);
}

const procMount_1_0 = (pod: Pod) => procMountCheck('procMount', pod);
const procMount_1_35_baseline = (pod: Pod): Outcome =>
  inUserNamespace(pod) ? { status: 'exempt', exemption: USERNS_EXEMPTION } : procMountCheck('procMount', pod);
const procMountRestricted_1_35 = (pod: Pod) => procMountCheck('procMount_restricted', pod);

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function appArmorProfile_1_0(pod: Pod): Outcome {
  const setters: string[] = [];
  const badValues = new Set<string>();
  const violations: PssViolation[] = [];
  const allowedType = (t: string) => t === 'RuntimeDefault' || t === 'Localhost';
  const podProfile = obj(pod.podSc?.appArmorProfile);
  if (pod.podSc?.appArmorProfile != null) {
    const t = str(podProfile?.type);
    if (!allowedType(t)) {
      setters.push('pod');
      badValues.add(t);
      violations.push(
        violation('appArmorProfile', pod, {
          rule: 'profile',
          path: `${pod.specPath}.securityContext.appArmorProfile.type`,
          observed: t,
          expected: ['RuntimeDefault', 'Localhost'],
          data: { value: t },
        }),
      );
    }
  }
  const bad: VisitedContainer[] = [];
  for (const c of pod.containers) {
    if (c.sc?.appArmorProfile == null) continue;
    const t = str(obj(c.sc.appArmorProfile)?.type);
    if (!allowedType(t)) {
      bad.push(c);
      badValues.add(t);
      violations.push(
        violation('appArmorProfile', pod, {
          rule: 'profile',
          c,
          path: `${c.path}.securityContext.appArmorProfile.type`,
          observed: t,
          expected: ['RuntimeDefault', 'Localhost'],
          data: { value: t },
        }),
      );
    }
  }
  if (bad.length > 0) setters.push(containersPhrase(bad));
  const forbidden: string[] = [];
  const annotations = obj(pod.meta.annotations) ?? {};
  for (const key of Object.keys(annotations).sort(goCompare)) {
    if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
    const value = str(annotations[key]);
    if (value === '' || value === 'runtime/default' || value.startsWith('localhost/')) continue;
    forbidden.push(`${key}=${goQuote(value)}`);
    violations.push(
      violation('appArmorProfile', pod, {
        rule: 'annotation',
        path: annotationPath(pod, key),
        observed: value,
        expected: ['runtime/default', 'localhost/<profile>'],
        data: { annotation: key, value },
      }),
    );
  }
  const badValueList = sortedSet(badValues);
  if (forbidden.length > 0) {
    forbidden.sort(goCompare);
    badValueList.push(...forbidden);
    setters.push(pluralize('annotation', 'annotations', forbidden.length));
  }
  if (setters.length === 0) return PASS;
  return fail(
    pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', badValueList.length),
    `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(badValueList)}`,
    violations,
  );
}

const SELINUX_TYPES_1_0: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const SELINUX_TYPES_1_31: ReadonlySet<string> = new Set([...SELINUX_TYPES_1_0, 'container_engine_t']);

function seLinuxOptions(allowedTypes: ReadonlySet<string>) {
  return (pod: Pod): Outcome => {
    const setters: string[] = [];
    const badTypes = new Set<string>();
    let setUser = false;
    let setRole = false;
    const violations: PssViolation[] = [];
    const expectedTypes = [...allowedTypes].filter((t) => t !== '');
    const validate = (opts: Record<string, any>, base: string, c?: VisitedContainer): boolean => {
      let valid = true;
      const type = str(opts.type);
      if (!allowedTypes.has(type)) {
        valid = false;
        badTypes.add(type);
        violations.push(violation('seLinuxOptions', pod, { rule: 'type', c, path: `${base}.type`, observed: type, expected: expectedTypes, data: { value: type } }));
      }
      const user = str(opts.user);
      if (user.length > 0) {
        valid = false;
        setUser = true;
        violations.push(violation('seLinuxOptions', pod, { rule: 'user', c, path: `${base}.user`, observed: user, expected: null, data: { value: user } }));
      }
      const role = str(opts.role);
      if (role.length > 0) {
        valid = false;
        setRole = true;
        violations.push(violation('seLinuxOptions', pod, { rule: 'role', c, path: `${base}.role`, observed: role, expected: null, data: { value: role } }));
      }
      return valid;
    };
    if (pod.podSc?.seLinuxOptions != null) {
      if (!validate(obj(pod.podSc.seLinuxOptions) ?? {}, `${pod.specPath}.securityContext.seLinuxOptions`)) setters.push('pod');
    }
    const bad: VisitedContainer[] = [];
    for (const c of pod.containers) {
      if (c.sc?.seLinuxOptions == null) continue;
      if (!validate(obj(c.sc.seLinuxOptions) ?? {}, `${c.path}.securityContext.seLinuxOptions`, c)) bad.push(c);
    }
    if (bad.length > 0) setters.push(containersPhrase(bad));
    if (setters.length === 0) return PASS;
    const badData: string[] = [];
    if (badTypes.size > 0) badData.push(`${pluralize('type', 'types', badTypes.size)} ${joinQuote(sortedSet(badTypes))}`);
    if (setUser) badData.push('user may not be set');
    if (setRole) badData.push('role may not be set');
    return fail('seLinuxOptions', `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${badData.join('; ')}`, violations);
  };
}

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

const validSeccompType = (t: string) => t === 'Localhost' || t === 'RuntimeDefault';
const validSeccompAnnotation = (v: string) => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');

function seccompProfileBaseline_1_0(pod: Pod): Outcome {
  const forbidden = new Set<string>();
  const violations: PssViolation[] = [];
  const annotations = obj(pod.meta.annotations) ?? {};
  const consider = (key: string) => {
    if (!Object.hasOwn(annotations, key)) return;
    const value = str(annotations[key]);
    if (validSeccompAnnotation(value)) return;
    const entry = `${key}=${goQuote(value)}`;
    if (forbidden.has(entry)) return;
    forbidden.add(entry);
    violations.push(
      violation('seccompProfile_baseline', pod, {
        rule: 'annotation',
        path: annotationPath(pod, key),
        observed: value,
        expected: ['runtime/default', 'docker/default', 'localhost/<profile>'],
        data: { annotation: key, value },
      }),
    );
  };
  consider(SECCOMP_POD_ANNOTATION);
  for (const c of pod.containers) consider(SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name);
  if (forbidden.size === 0) return PASS;
  return fail('seccompProfile', `forbidden ${pluralize('annotation', 'annotations', forbidden.size)} ${sortedSet(forbidden).join(', ')}`, violations);
}

/** seccomp profile fields: shared by the baseline (1.19+) and restricted checks. */
function seccompFields(check: 'seccompProfile_baseline' | 'seccompProfile_restricted', pod: Pod): Outcome {
  const setters: string[] = [];
  const badValues = new Set<string>();
  const violations: PssViolation[] = [];
  const expected = ['RuntimeDefault', 'Localhost'];
  let podSet = false;
  if (pod.podSc?.seccompProfile != null) {
    const t = str(obj(pod.podSc.seccompProfile)?.type);
    if (!validSeccompType(t)) {
      setters.push('pod');
      badValues.add(t);
      violations.push(violation(check, pod, { rule: 'profile', path: `${pod.specPath}.securityContext.seccompProfile.type`, observed: t, expected, data: { value: t } }));
    } else podSet = true;
  }
  const explicitBad: VisitedContainer[] = [];
  const implicitBad: VisitedContainer[] = [];
  for (const c of pod.containers) {
    if (c.sc?.seccompProfile != null) {
      const t = str(obj(c.sc.seccompProfile)?.type);
      if (!validSeccompType(t)) {
        explicitBad.push(c);
        badValues.add(t);
        violations.push(violation(check, pod, { rule: 'profile', c, path: `${c.path}.securityContext.seccompProfile.type`, observed: t, expected, data: { value: t } }));
      }
    } else if (!podSet) implicitBad.push(c);
  }
  if (explicitBad.length > 0) setters.push(containersPhrase(explicitBad));
  if (setters.length > 0) {
    return fail('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`, violations);
  }
  if (check === 'seccompProfile_restricted' && implicitBad.length > 0) {
    return fail(
      'seccompProfile',
      `pod or ${containersPhrase(implicitBad)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
      implicitBad.map((c) => violation(check, pod, { rule: 'missing', c, path: `${c.path}.securityContext.seccompProfile.type`, observed: null, expected })),
    );
  }
  return PASS;
}

/** Sysctls allowed at the baseline level, by the version that added them. */
export const SAFE_SYSCTLS: ReadonlyArray<{ since: number; names: readonly string[] }> = [
  { since: 0, names: ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'] },
  { since: 27, names: ['net.ipv4.ip_local_reserved_ports'] },
  { since: 29, names: ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'] },
  { since: 32, names: ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'] },
  { since: 37, names: ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'] },
];

function safeSysctlsAt(minor: number): Set<string> {
  return new Set(SAFE_SYSCTLS.filter((s) => s.since <= minor).flatMap((s) => s.names));
}

function sysctls(since: number) {
  const allowed = safeSysctlsAt(since);
  return (pod: Pod): Outcome => {
    const bad: string[] = [];
    const violations: PssViolation[] = [];
    arr(pod.podSc?.sysctls).forEach((s: unknown, i: number) => {
      const name = str(obj(s)?.name);
      if (allowed.has(name)) return;
      bad.push(name);
      violations.push(
        violation('sysctls', pod, {
          rule: 'sysctl',
          path: `${pod.specPath}.securityContext.sysctls[${i}].name`,
          observed: name,
          expected: [...allowed],
          data: { sysctl: name },
        }),
      );
    });
    if (bad.length === 0) return PASS;
    return fail('forbidden sysctls', bad.join(', '), violations);
  };
}

function hostProbesAndHostLifecycle_1_34(pod: Pod): Outcome {
  const badContainers = new Set<string>();
  const hosts = new Set<string>();
  const violations: PssViolation[] = [];
  const visitHandler = (c: VisitedContainer, handler: unknown, base: string) => {
    const h = obj(handler);
    if (!h) return;
    for (const kind of ['httpGet', 'tcpSocket'] as const) {
      const action = obj(h[kind]);
      if (!action) continue;
      const host = str(action.host);
      if (host === '') continue;
      badContainers.add(c.name);
      hosts.add(host);
      const field = `${base}.${kind}.host`;
      violations.push(
        violation('hostProbesAndHostLifecycle', pod, { rule: 'host', c, path: `${c.path}.${field}`, observed: host, expected: '', data: { field, value: host } }),
      );
    }
  };
  for (const c of pod.containers) {
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) visitHandler(c, (c.container as any)[probe], probe);
    const lifecycle = obj((c.container as any).lifecycle);
    if (lifecycle) {
      visitHandler(c, lifecycle.postStart, 'lifecycle.postStart');
      visitHandler(c, lifecycle.preStop, 'lifecycle.preStop');
    }
  }
  if (badContainers.size === 0) return PASS;
  const cs = sortedSet(badContainers);
  const hs = sortedSet(hosts);
  return fail(
    'probe or lifecycle host',
    `${pluralize('container', 'containers', cs.length)} ${joinQuote(cs)} ${pluralize('uses', 'use', cs.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', hs.length)} ${joinQuote(hs)}`,
    violations,
  );
}

// ---------------------------------------------------------------------------
// Restricted checks
// ---------------------------------------------------------------------------

function allowPrivilegeEscalation_1_8(pod: Pod): Outcome {
  const bad = pod.containers.filter((c) => c.sc?.allowPrivilegeEscalation !== false);
  if (bad.length === 0) return PASS;
  return fail(
    'allowPrivilegeEscalation != false',
    `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`,
    bad.map((c) => {
      const observed = c.sc?.allowPrivilegeEscalation ?? null;
      return violation('allowPrivilegeEscalation', pod, {
        rule: observed === null ? 'missing' : 'explicit',
        c,
        path: `${c.path}.securityContext.allowPrivilegeEscalation`,
        observed,
        expected: false,
      });
    }),
  );
}

const windowsExempt =
  (fn: (pod: Pod) => Outcome) =>
  (pod: Pod): Outcome =>
    isWindowsPod(pod) ? { status: 'exempt', exemption: WINDOWS_EXEMPTION } : fn(pod);

function capabilitiesRestricted_1_22(pod: Pod): Outcome {
  const missingDropAll: VisitedContainer[] = [];
  const addingForbidden: VisitedContainer[] = [];
  const forbidden = new Set<string>();
  const violations: PssViolation[] = [];
  for (const c of pod.containers) {
    const caps = c.sc?.capabilities == null ? undefined : (obj(c.sc.capabilities) ?? {});
    if (!caps) {
      missingDropAll.push(c);
      violations.push(
        violation('capabilities_restricted', pod, { rule: 'dropAll', c, path: `${c.path}.securityContext.capabilities.drop`, observed: null, expected: ['ALL'] }),
      );
      continue;
    }
    const drop = arr(caps.drop);
    if (!drop.some((d) => d === 'ALL')) {
      missingDropAll.push(c);
      violations.push(
        violation('capabilities_restricted', pod, {
          rule: 'dropAll',
          c,
          path: `${c.path}.securityContext.capabilities.drop`,
          observed: caps.drop ?? null,
          expected: ['ALL'],
        }),
      );
    }
    let added = false;
    arr(caps.add).forEach((cap: unknown, k: number) => {
      const name = str(cap);
      if (name === 'NET_BIND_SERVICE') return;
      added = true;
      forbidden.add(name);
      violations.push(
        violation('capabilities_restricted', pod, {
          rule: 'added',
          c,
          path: `${c.path}.securityContext.capabilities.add[${k}]`,
          observed: name,
          expected: ['NET_BIND_SERVICE'],
          data: { capability: name },
        }),
      );
    });
    if (added) addingForbidden.push(c);
  }
  const details: string[] = [];
  if (missingDropAll.length > 0) details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  if (addingForbidden.length > 0)
    details.push(`${containersPhrase(addingForbidden)} must not include ${joinQuote(sortedSet(forbidden))} in securityContext.capabilities.add`);
  if (details.length === 0) return PASS;
  return fail('unrestricted capabilities', details.join('; '), violations);
}

function runAsNonRoot_1_0(pod: Pod): Outcome {
  const setters: string[] = [];
  const violations: PssViolation[] = [];
  let podNonRoot = false;
  const podValue = pod.podSc?.runAsNonRoot;
  if (podValue !== undefined && podValue !== null) {
    if (podValue !== true) {
      setters.push('pod');
      violations.push(
        violation('runAsNonRoot', pod, { rule: 'explicit', path: `${pod.specPath}.securityContext.runAsNonRoot`, observed: podValue, expected: true }),
      );
    } else podNonRoot = true;
  }
  const explicitBad: VisitedContainer[] = [];
  const implicitBad: VisitedContainer[] = [];
  for (const c of pod.containers) {
    const v = c.sc?.runAsNonRoot;
    if (v !== undefined && v !== null) {
      if (v !== true) {
        explicitBad.push(c);
        violations.push(
          violation('runAsNonRoot', pod, { rule: 'explicit', c, path: `${c.path}.securityContext.runAsNonRoot`, observed: v, expected: true }),
        );
      }
    } else if (!podNonRoot) implicitBad.push(c);
  }
  if (explicitBad.length > 0) setters.push(containersPhrase(explicitBad));
  if (setters.length > 0) return fail('runAsNonRoot != true', `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`, violations);
  if (implicitBad.length > 0) {
    return fail(
      'runAsNonRoot != true',
      `pod or ${containersPhrase(implicitBad)} must set securityContext.runAsNonRoot=true`,
      implicitBad.map((c) =>
        violation('runAsNonRoot', pod, { rule: 'missing', c, path: `${c.path}.securityContext.runAsNonRoot`, observed: null, expected: true }),
      ),
    );
  }
  return PASS;
}

function runAsUser_1_23(pod: Pod): Outcome {
  const setters: string[] = [];
  const violations: PssViolation[] = [];
  if (pod.podSc?.runAsUser === 0) {
    setters.push('pod');
    violations.push(
      violation('runAsUser', pod, { rule: 'root', path: `${pod.specPath}.securityContext.runAsUser`, observed: 0, expected: 'a non-zero UID' }),
    );
  }
  const bad = pod.containers.filter((c) => c.sc?.runAsUser === 0);
  for (const c of bad)
    violations.push(violation('runAsUser', pod, { rule: 'root', c, path: `${c.path}.securityContext.runAsUser`, observed: 0, expected: 'a non-zero UID' }));
  if (bad.length > 0) setters.push(containersPhrase(bad));
  if (setters.length === 0) return PASS;
  return fail('runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`, violations);
}

const userNsExempt =
  (fn: (pod: Pod) => Outcome) =>
  (pod: Pod): Outcome =>
    inUserNamespace(pod) ? { status: 'exempt', exemption: USERNS_EXEMPTION } : fn(pod);

/** Inline volume sources the restricted level allows. */
export const RESTRICTED_ALLOWED_VOLUME_TYPES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
] as const;

/** Volume sources the admission names when it forbids them, in its order. */
const RESTRICTED_VOLUME_TYPES = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
] as const;

function restrictedVolumes_1_0(pod: Pod): Outcome {
  const bad: string[] = [];
  const types = new Set<string>();
  const violations: PssViolation[] = [];
  arr(pod.spec.volumes).forEach((v: unknown, i: number) => {
    const vol = obj(v) ?? {};
    const set = (k: string) => vol[k] !== undefined && vol[k] !== null;
    if (RESTRICTED_ALLOWED_VOLUME_TYPES.some(set)) return;
    const type = RESTRICTED_VOLUME_TYPES.find(set);
    // A volume with no source the API knows is defaulted to emptyDir by the API server.
    if (type === undefined) return;
    bad.push(str(vol.name));
    types.add(type);
    violations.push(
      violation('restrictedVolumes', pod, {
        rule: 'volumeType',
        path: `${pod.specPath}.volumes[${i}].${type}`,
        observed: type,
        expected: [...RESTRICTED_ALLOWED_VOLUME_TYPES],
        data: { volume: str(vol.name), volumeType: type },
      }),
    );
  });
  if (bad.length === 0) return PASS;
  const list = sortedSet(types);
  return fail(
    'restricted volume types',
    `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('restricted volume type', 'restricted volume types', list.length)} ${joinQuote(list)}`,
    violations,
  );
}

// ---------------------------------------------------------------------------
// The registry: check ids, levels, versions, overrides (policy/check_*.go)
// ---------------------------------------------------------------------------

type CheckFn = (pod: Pod) => Outcome;

interface VersionedCheck {
  minor: number;
  fn: CheckFn;
  /** Baseline checks this restricted check replaces at the restricted level. */
  overrides?: readonly PssCheckId[];
}

interface CheckDef {
  id: PssCheckId;
  level: 'baseline' | 'restricted';
  versions: readonly VersionedCheck[];
}

const CHECKS: readonly CheckDef[] = [
  { id: 'privileged', level: 'baseline', versions: [{ minor: 0, fn: privileged_1_0 }] },
  { id: 'hostNamespaces', level: 'baseline', versions: [{ minor: 0, fn: hostNamespaces_1_0 }] },
  { id: 'hostPorts', level: 'baseline', versions: [{ minor: 0, fn: hostPorts_1_0 }] },
  { id: 'hostPathVolumes', level: 'baseline', versions: [{ minor: 0, fn: hostPathVolumes_1_0 }] },
  { id: 'capabilities_baseline', level: 'baseline', versions: [{ minor: 0, fn: capabilitiesBaseline_1_0 }] },
  { id: 'windowsHostProcess', level: 'baseline', versions: [{ minor: 0, fn: windowsHostProcess_1_0 }] },
  {
    id: 'procMount',
    level: 'baseline',
    versions: [
      { minor: 0, fn: procMount_1_0 },
      { minor: 35, fn: procMount_1_35_baseline },
    ],
  },
  { id: 'appArmorProfile', level: 'baseline', versions: [{ minor: 0, fn: appArmorProfile_1_0 }] },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    versions: [
      { minor: 0, fn: seLinuxOptions(SELINUX_TYPES_1_0) },
      { minor: 31, fn: seLinuxOptions(SELINUX_TYPES_1_31) },
    ],
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    versions: [
      { minor: 0, fn: seccompProfileBaseline_1_0 },
      { minor: 19, fn: (pod) => seccompFields('seccompProfile_baseline', pod) },
    ],
  },
  { id: 'sysctls', level: 'baseline', versions: SAFE_SYSCTLS.map((s) => ({ minor: s.since, fn: sysctls(s.since) })) },
  { id: 'hostProbesAndHostLifecycle', level: 'baseline', versions: [{ minor: 34, fn: hostProbesAndHostLifecycle_1_34 }] },
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    versions: [
      { minor: 8, fn: allowPrivilegeEscalation_1_8 },
      { minor: 25, fn: windowsExempt(allowPrivilegeEscalation_1_8) },
    ],
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    versions: [
      { minor: 22, fn: capabilitiesRestricted_1_22, overrides: ['capabilities_baseline'] },
      { minor: 25, fn: windowsExempt(capabilitiesRestricted_1_22), overrides: ['capabilities_baseline'] },
    ],
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    versions: [
      { minor: 0, fn: runAsNonRoot_1_0 },
      { minor: 35, fn: userNsExempt(runAsNonRoot_1_0) },
    ],
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    versions: [
      { minor: 23, fn: runAsUser_1_23 },
      { minor: 35, fn: userNsExempt(runAsUser_1_23) },
    ],
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    versions: [
      { minor: 19, fn: (pod) => seccompFields('seccompProfile_restricted', pod), overrides: ['seccompProfile_baseline'] },
      { minor: 25, fn: windowsExempt((pod) => seccompFields('seccompProfile_restricted', pod)), overrides: ['seccompProfile_baseline'] },
    ],
  },
  { id: 'restrictedVolumes', level: 'restricted', versions: [{ minor: 0, fn: restrictedVolumes_1_0, overrides: ['hostPathVolumes'] }] },
  { id: 'procMount_restricted', level: 'restricted', versions: [{ minor: 35, fn: procMountRestricted_1_35, overrides: ['procMount'] }] },
];

const CHECK_BY_ID = new Map(CHECKS.map((c) => [c.id, c]));

/** The admission's evaluation order: baseline ids sorted, then restricted ids sorted. */
const ORDER: readonly PssCheckId[] = [...[...PSS_BASELINE_CHECK_IDS].sort(goCompare), ...[...PSS_RESTRICTED_CHECK_IDS].sort(goCompare)];

/** The rule of a check in force at a version: the newest whose minimum version is not newer. */
function ruleAt(def: CheckDef, minor: number): VersionedCheck | undefined {
  let found: VersionedCheck | undefined;
  for (const v of def.versions) if (v.minor <= minor) found = v;
  return found;
}

/** Public description of a check: its level and the versions at which its rule changed. */
export interface PssCheckInfo {
  id: PssCheckId;
  level: 'baseline' | 'restricted';
  /** Versions at which the rule was introduced or changed, e.g. ['v1.0', 'v1.19']. */
  versions: string[];
  /** Baseline checks it replaces at the restricted level, per version. */
  overrides: PssCheckId[];
}

export const PSS_CHECKS: readonly PssCheckInfo[] = ORDER.map((id) => {
  const def = CHECK_BY_ID.get(id)!;
  return {
    id,
    level: def.level,
    versions: def.versions.map((v) => `v1.${v.minor}`),
    overrides: [...new Set(def.versions.flatMap((v) => v.overrides ?? []))],
  };
});

/** The checks the admission runs for a level at a version, in its order. */
export function pssChecksAt(level: PssLevel, version: PssVersion | string): PssCheckId[] {
  return checksAt(level, resolvePssVersion(version).minor).map(([def]) => def.id);
}

/** Each check the admission runs for a level at a version, in its order, with the rule it applies: the same for every pod. */
const checksByLevel = new Map<string, readonly (readonly [CheckDef, VersionedCheck])[]>();

function checksAt(level: PssLevel, minor: number): readonly (readonly [CheckDef, VersionedCheck])[] {
  const key = `${level}|${minor}`;
  let list = checksByLevel.get(key);
  if (list) return list;
  const out: (readonly [CheckDef, VersionedCheck])[] = [];
  if (level !== 'privileged') {
    const overridden = new Set<PssCheckId>();
    if (level === 'restricted') {
      for (const def of CHECKS) if (def.level === 'restricted') for (const o of ruleAt(def, minor)?.overrides ?? []) overridden.add(o);
    }
    for (const id of ORDER) {
      const def = CHECK_BY_ID.get(id)!;
      if (def.level === 'restricted' && level !== 'restricted') continue;
      if (overridden.has(id)) continue;
      const rule = ruleAt(def, minor);
      if (rule) out.push([def, rule]);
    }
  }
  checksByLevel.set(key, (list = Object.freeze(out)));
  return list;
}

/**
 * The newest version, up to `minor`, at which a check was introduced or changed: what `latest` evaluates at on a
 * server of that version (the admission clamps to the newest version its checks know). A pin at it or above
 * enforces the same rules as latest. Undefined for a server newer than k8s-audit's checks: its rules are unknown.
 */
export function newestRuleVersion(minor: number): number | undefined {
  if (minor > PSS_NEWEST_VERSION.minor) return undefined;
  let newest = 0;
  for (const def of CHECKS) for (const v of def.versions) if (v.minor <= minor && v.minor > newest) newest = v.minor;
  return newest;
}

/** The first version at which a check applies, e.g. `v1.23` for runAsUser. */
export function pssCheckSince(id: PssCheckId): PssVersion {
  return { major: 1, minor: CHECK_BY_ID.get(id)!.versions[0]!.minor };
}

export function pssCheckLevel(id: PssCheckId): 'baseline' | 'restricted' {
  return CHECK_BY_ID.get(id)!.level;
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

/** One frozen passing result per check rule: most checks pass, and every pod would otherwise get its own copies. */
const passResults = new WeakMap<VersionedCheck, PssCheckResult>();

function runCheck(def: CheckDef, rule: VersionedCheck, pod: Pod): PssCheckResult {
  const outcome = rule.fn(pod);
  if (outcome.status === 'pass') {
    let pass = passResults.get(rule);
    if (!pass) {
      pass = { check: def.id, level: def.level, rule: Object.freeze({ major: 1 as const, minor: rule.minor }), status: 'pass', violations: Object.freeze([]) as unknown as PssViolation[] };
      passResults.set(rule, Object.freeze(pass));
    }
    return pass;
  }
  const base = { check: def.id, level: def.level, rule: { major: 1 as const, minor: rule.minor } };
  switch (outcome.status) {
    case 'exempt':
      return { ...base, status: 'exempt', exemption: outcome.exemption, violations: [] };
    case 'fail':
      return { ...base, status: 'fail', reason: outcome.reason, detail: outcome.detail, violations: outcome.violations };
  }
}

/**
 * One check alone, at a version: `undefined` when the check does not exist at
 * that version (runAsUser before v1.23, say). The check's own level does not
 * matter here; overrides do not apply (that is `evaluatePssLevel`'s business).
 */
export function evaluatePssCheck(
  id: PssCheckId,
  podMeta: ObjectMeta | undefined,
  podSpec: PodSpec,
  specPath: string,
  version: PssVersion | string,
): PssCheckResult | undefined {
  const v = resolvePssVersion(version);
  const def = CHECK_BY_ID.get(id);
  if (!def) throw new Error(`unknown Pod Security Standards check "${id}"`);
  const rule = ruleAt(def, v.minor);
  return rule ? runCheck(def, rule, podView(podMeta, podSpec, specPath, v)) : undefined;
}

/**
 * A pod against a level of the Pod Security Standards at a version, as the
 * PodSecurity admission evaluates it: the verdict, each check's outcome in the
 * admission's order, its message, and every violation.
 *
 * @param podMeta   the pod's metadata (a template's metadata for controllers): annotations are read
 * @param podSpec   the pod spec
 * @param specPath  where the spec lives in its object, for violation paths: `spec` for a Pod,
 *                  `spec.template.spec` for a Deployment, `spec.jobTemplate.spec.template.spec` for a CronJob
 * @param level     `privileged` (nothing to check), `baseline` or `restricted`
 * @param version   `{major: 1, minor}`, `v1.<minor>` or `latest` (the newest version known, v1.37);
 *                  use `pssVersionFor` to get the version a namespace is enforced at
 */
export function evaluatePssLevel(
  podMeta: ObjectMeta | undefined,
  podSpec: PodSpec,
  specPath: string,
  level: PssLevel,
  version: PssVersion | string,
): PssEvaluation {
  const v = resolvePssVersion(version);
  const pod = podView(podMeta, podSpec, specPath, v);
  const checks = checksAt(level, v.minor).map(([def, rule]) => runCheck(def, rule, pod));
  const failing = checks.filter((c) => c.status === 'fail');
  return {
    level,
    version: v,
    allowed: failing.length === 0,
    checks,
    admissionDetail: failing.map((c) => (c.detail ? `${c.reason} (${c.detail})` : c.reason)).join(', '),
    violations: failing.flatMap((c) => c.violations),
  };
}

/**
 * Every violation of a level of the Pod Security Standards, one per offending
 * field, in the admission's check order. Empty when the PodSecurity admission
 * would admit the pod. Pure: the inputs are not modified. See evaluatePssLevel
 * for the parameters.
 */
export function evaluatePss(
  podMeta: ObjectMeta | undefined,
  podSpec: PodSpec,
  specPath: string,
  level: PssLevel,
  version: PssVersion | string,
): PssViolation[] {
  return evaluatePssLevel(podMeta, podSpec, specPath, level, version).violations;
}

/** The message an API server returns when it denies a pod: `violates PodSecurity "<level>:<version>": <detail>`. */
export function admissionDenial(level: PssLevel, versionLabel: string, evaluation: PssEvaluation): string {
  return `violates PodSecurity "${level}:${versionLabel}": ${evaluation.admissionDetail}`;
}

/** The admission's forbidden reason of each check (what its message names), to map a message back to check ids. */
export const PSS_FORBIDDEN_REASONS: Readonly<Record<PssCheckId, readonly string[]>> = {
  appArmorProfile: ['forbidden AppArmor profile', 'forbidden AppArmor profiles'],
  capabilities_baseline: ['non-default capabilities'],
  hostNamespaces: ['host namespaces'],
  hostPathVolumes: ['hostPath volumes'],
  hostPorts: ['hostPort'],
  hostProbesAndHostLifecycle: ['probe or lifecycle host'],
  privileged: ['privileged'],
  procMount: ['procMount'],
  seLinuxOptions: ['seLinuxOptions'],
  seccompProfile_baseline: ['seccompProfile'],
  sysctls: ['forbidden sysctls'],
  windowsHostProcess: ['hostProcess'],
  allowPrivilegeEscalation: ['allowPrivilegeEscalation != false'],
  capabilities_restricted: ['unrestricted capabilities'],
  procMount_restricted: ['procMount'],
  restrictedVolumes: ['restricted volume types'],
  runAsNonRoot: ['runAsNonRoot != true'],
  runAsUser: ['runAsUser=0'],
  seccompProfile_restricted: ['seccompProfile'],
};
