/**
 * Command lines of control-plane components, as kubeadm-style mirror pods
 * record them: `command` + `args` of the component's container, parsed the way
 * the components' own flag libraries read them (spf13/pflag for the Kubernetes
 * binaries, Go's `flag` package for etcd):
 *
 * - `--name=value` and `--name value`; a boolean flag never takes the next word
 *   (`--profiling false` leaves profiling on and makes "false" a positional
 *   argument), so boolean flags are known per component;
 * - a repeated scalar flag: the last occurrence wins;
 * - a repeated list flag (`--enable-admission-plugins`, `--authorization-mode`,
 *   `--tls-cipher-suites`, …): occurrences accumulate, each a comma list;
 * - `--feature-gates`: `Name=bool` pairs, merged across occurrences, with the
 *   `component:` prefix newer releases accept;
 * - `sh -c "<command line>"` wrappers are split into words;
 * - etcd also reads `ETCD_<FLAG>` environment variables when a flag is absent.
 *
 * Defaults are those of the v1.37 binaries (`--help`), and apply only where the
 * default is known for the running version; otherwise callers treat an absent
 * flag as "not set".
 */
import type { Container } from './k8s.ts';

/** The control-plane components kubeadm runs as static (mirror) pods. */
export const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'] as const;
export type ControlPlaneComponent = (typeof COMPONENTS)[number];
/** Components whose command lines k8s-audit reads: the control plane and kube-proxy. */
export type Component = ControlPlaneComponent | 'kube-proxy';

/** One occurrence of a flag on the command line. */
export interface FlagOccurrence {
  name: string;
  value: string;
  /** False for a bare boolean flag (`--profiling`), whose value is implied `true`. */
  explicit: boolean;
  /** JSON path of the word that carries it, relative to the container, e.g. `command[4]`, `args[0]`, `env[2]`. */
  at: string;
  source: 'command' | 'args' | 'env';
}

/** Boolean flags per component: they never consume the following word. */
const BOOLEAN_FLAGS: Record<Component, ReadonlySet<string>> = {
  'kube-apiserver': new Set([
    'allow-privileged',
    'anonymous-auth',
    'audit-log-compress',
    'audit-log-batch-throttle-enable',
    'audit-log-truncate-enabled',
    'audit-webhook-batch-throttle-enable',
    'audit-webhook-truncate-enabled',
    'contention-profiling',
    'delete-collection-workers-enabled',
    'enable-aggregator-routing',
    'enable-bootstrap-token-auth',
    'enable-garbage-collector',
    'enable-logs-handler',
    'enable-priority-and-fairness',
    'encryption-provider-config-automatic-reload',
    'help',
    'kubelet-read-only-port-enabled',
    'logtostderr',
    'oidc-skip-issuer-verification',
    'permit-address-sharing',
    'permit-port-sharing',
    'profiling',
    'service-account-extend-token-expiration',
    'service-account-lookup',
    'strict-transport-security-directives-enabled',
    'watch-cache',
  ]),
  'kube-controller-manager': new Set([
    'allocate-node-cidrs',
    'configure-cloud-routes',
    'contention-profiling',
    'enable-dynamic-provisioning',
    'enable-garbage-collector',
    'enable-hostpath-provisioner',
    'enable-leader-migration',
    'help',
    'leader-elect',
    'permit-address-sharing',
    'permit-port-sharing',
    'profiling',
    'use-service-account-credentials',
  ]),
  'kube-scheduler': new Set(['contention-profiling', 'help', 'leader-elect', 'permit-address-sharing', 'permit-port-sharing', 'profiling']),
  etcd: new Set([
    'auto-tls',
    'client-cert-auth',
    'enable-grpc-gateway',
    'enable-pprof',
    'experimental-initial-corrupt-check',
    'force-new-cluster',
    'peer-auto-tls',
    'peer-client-cert-auth',
    'strict-reconfig-check',
    'enable-v2',
    'help',
  ]),
  'kube-proxy': new Set(['cleanup', 'help', 'masquerade-all', 'profiling', 'init-only', 'bind-address-hard-fail']),
};

/** Flags whose values accumulate across occurrences (pflag string slices), each a comma list. */
const LIST_FLAGS: ReadonlySet<string> = new Set([
  'admission-control',
  'api-audiences',
  'authorization-mode',
  'controllers',
  'disable-admission-plugins',
  'enable-admission-plugins',
  'etcd-servers',
  'runtime-config',
  'service-account-issuer',
  'service-account-key-file',
  'tls-cipher-suites',
  'tls-sni-cert-key',
  'cipher-suites', // etcd
]);

/**
 * Defaults of flags the controls decide on, from the v1.37 binaries' `--help`.
 * `since` is the first release whose default k8s-audit has verified; for older
 * releases the default is treated as unknown.
 */
export interface FlagDefault {
  value: string;
  since?: { major: number; minor: number };
}

export const FLAG_DEFAULTS: Record<Component, Record<string, FlagDefault>> = {
  'kube-apiserver': {
    'anonymous-auth': { value: 'true' },
    profiling: { value: 'true' },
    // AlwaysAllow unless --authorization-config is given (handled by the controls).
    'authorization-mode': { value: 'AlwaysAllow' },
    'service-account-lookup': { value: 'true' },
    'service-account-extend-token-expiration': { value: 'true' },
    'bind-address': { value: '0.0.0.0' },
    'audit-log-maxage': { value: '366', since: { major: 1, minor: 37 } },
    'audit-log-maxbackup': { value: '100', since: { major: 1, minor: 37 } },
    'audit-log-maxsize': { value: '100', since: { major: 1, minor: 37 } },
  },
  'kube-controller-manager': {
    profiling: { value: 'true' },
    'use-service-account-credentials': { value: 'false' },
    'bind-address': { value: '0.0.0.0' },
    'terminated-pod-gc-threshold': { value: '12500' },
  },
  'kube-scheduler': {
    profiling: { value: 'true' },
    'bind-address': { value: '0.0.0.0' },
  },
  etcd: {
    'listen-client-urls': { value: 'http://localhost:2379' },
    'listen-peer-urls': { value: 'http://localhost:2380' },
    'client-cert-auth': { value: 'false' },
    'peer-client-cert-auth': { value: 'false' },
    'auto-tls': { value: 'false' },
    'peer-auto-tls': { value: 'false' },
  },
  'kube-proxy': {
    'metrics-bind-address': { value: '127.0.0.1:10249' },
  },
};

/**
 * Admission plugins kube-apiserver enables when --enable-admission-plugins does
 * not name them (v1.37 `--help`). NodeRestriction, AlwaysPullImages,
 * EventRateLimit, DenyServiceExternalIPs and AlwaysAdmit are not among them.
 */
export const DEFAULT_ADMISSION_PLUGINS: readonly string[] = [
  'NamespaceLifecycle',
  'LimitRanger',
  'ServiceAccount',
  'TaintNodesByCondition',
  'PodSecurity',
  'Priority',
  'DefaultTolerationSeconds',
  'DefaultStorageClass',
  'StorageObjectInUseProtection',
  'PersistentVolumeClaimResize',
  'RuntimeClass',
  'CertificateApproval',
  'CertificateSigning',
  'ClusterTrustBundleAttest',
  'CertificateSubjectRestriction',
  'DefaultIngressClass',
  'MutatingAdmissionWebhook',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionWebhook',
  'ResourceQuota',
];

/**
 * Split a shell command line into words: whitespace separates, single quotes
 * keep everything literally, double quotes keep whitespace and honour
 * backslash escapes, a backslash outside quotes escapes the next character.
 * Enough for the `sh -c "kube-apiserver --flag=value …"` wrappers some
 * distributions use; no expansion is performed.
 */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i]!;
      else word += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      if (line[i + 1] !== '\n') word += line[i + 1]!;
      i++;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

interface Word {
  text: string;
  at: string;
  source: 'command' | 'args';
}

const SHELLS = /(^|\/)(ba|da|a|z)?sh$/;

/**
 * The words a container runs: command then args (the runtime joins them). A shell run with `-c` (alone or in a
 * cluster such as `-ec`) runs its script instead, wherever the script sits (`command: [sh, -c]` with the script in
 * `args` is common): the script is split into its words, and a `"$@"` in it stands for the words after the
 * script's `$0`, as the shell expands it (`sh -c 'exec kube-apiserver "$@"' -- --flag …`).
 */
function wordsOf(container: Pick<Container, 'command' | 'args'>): Word[] {
  const all: Word[] = [
    ...(container.command ?? []).map((text, i): Word => ({ text, at: `command[${i}]`, source: 'command' })),
    ...(container.args ?? []).map((text, i): Word => ({ text, at: `args[${i}]`, source: 'args' })),
  ];
  if (!(container.command?.length && SHELLS.test(container.command[0]!))) return all;
  let i = 1;
  let script = false;
  for (; i < all.length && all[i]!.text.startsWith('-') && all[i]!.text !== '-' && all[i]!.text !== '--'; i++) {
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(all[i]!.text)) script = true;
  }
  if (!script || i >= all.length) return all;
  const line = all[i]!;
  const positional = all.slice(i + 2); // after $0
  const words: Word[] = [{ ...all[0]!, text: all[0]!.text }];
  for (const text of splitShellWords(line.text)) {
    if (text === '$@' || text === '$*') words.push(...positional);
    else words.push({ text, at: line.at, source: line.source });
  }
  return words;
}

/**
 * Parse a container's command line into flag occurrences, in order.
 * Words after a bare `--` are positional. The first word of `command` is the
 * binary (or the shell's first word) and is never a flag.
 */
export function parseCommandLine(component: Component, container: Pick<Container, 'command' | 'args'>): { flags: FlagOccurrence[]; positional: string[] } {
  const booleans = BOOLEAN_FLAGS[component];
  const words = wordsOf(container);
  const flags: FlagOccurrence[] = [];
  const positional: string[] = [];
  let start = 0;
  // The binary: the first word of `command`, when there is a command at all.
  if (words[0]?.source === 'command' && !words[0].text.startsWith('-')) start = 1;
  let onlyPositional = false;
  for (let i = start; i < words.length; i++) {
    const w = words[i]!;
    if (onlyPositional || !w.text.startsWith('-') || w.text === '-') {
      positional.push(w.text);
      continue;
    }
    if (w.text === '--') {
      onlyPositional = true;
      continue;
    }
    const body = w.text.replace(/^--?/, '');
    const eq = body.indexOf('=');
    if (eq >= 0) {
      flags.push({ name: body.slice(0, eq), value: body.slice(eq + 1), explicit: true, at: w.at, source: w.source });
      continue;
    }
    const name = body;
    const next = words[i + 1];
    // A flag that takes a value takes the next word, as pflag does; a word that looks like a flag itself is taken
    // for one (the flag may be a boolean this table does not know), but `-` (standard output) and `-1` are values.
    if (!booleans.has(name) && next && (!next.text.startsWith('-') || next.text === '-' || /^-\d/.test(next.text))) {
      flags.push({ name, value: next.text, explicit: true, at: w.at, source: w.source });
      i++;
    } else {
      flags.push({ name, value: 'true', explicit: false, at: w.at, source: w.source });
    }
  }
  return { flags, positional };
}

/** strconv.ParseBool: the spellings Go accepts; undefined for anything else. */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** A Kubernetes version "major.minor" from a gitVersion or image tag such as `v1.37.2`, `v1.30.4-eks-1a2b`. */
export function parseVersion(text: string | undefined): { major: number; minor: number; patch: number } | undefined {
  const m = /v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text ?? '');
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) } : undefined;
}

function atLeast(v: { major: number; minor: number } | undefined, since: { major: number; minor: number }): boolean {
  return !!v && (v.major > since.major || (v.major === since.major && v.minor >= since.minor));
}

/** How a flag's effective value was determined. */
export type FlagSource = 'flag' | 'env' | 'default' | 'unset';

export interface EffectiveFlag {
  value: string | undefined;
  source: FlagSource;
  /** JSON path of the occurrence that decided it (relative to the container), when there is one. */
  at?: string;
}

/**
 * The flags of one component's container, with pflag semantics for lookups.
 * `version` (from the image tag or the server) selects version-dependent defaults.
 */
export class ComponentFlags {
  readonly component: Component;
  readonly occurrences: readonly FlagOccurrence[];
  readonly positional: readonly string[];
  readonly version: { major: number; minor: number } | undefined;
  readonly #byName = new Map<string, FlagOccurrence[]>();

  constructor(component: Component, container: Pick<Container, 'command' | 'args' | 'env'>, version?: { major: number; minor: number }) {
    this.component = component;
    this.version = version;
    const parsed = parseCommandLine(component, container);
    const occ = [...parsed.flags];
    if (component === 'etcd') {
      // etcd reads ETCD_<FLAG> variables for flags not given on the command line.
      const given = new Set(occ.map((o) => o.name));
      (container.env ?? []).forEach((e, i) => {
        if (!e.name.startsWith('ETCD_') || e.value === undefined) return;
        const name = e.name.slice(5).toLowerCase().replace(/_/g, '-');
        if (!given.has(name)) occ.push({ name, value: e.value, explicit: true, at: `env[${i}].value`, source: 'env' });
      });
    }
    this.occurrences = occ;
    this.positional = parsed.positional;
    for (const o of occ) {
      let list = this.#byName.get(o.name);
      if (!list) this.#byName.set(o.name, (list = []));
      list.push(o);
    }
  }

  /** Whether the flag appears at all (command line, or environment for etcd). */
  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** Every occurrence of a flag, in order. */
  all(name: string): readonly FlagOccurrence[] {
    return this.#byName.get(name) ?? [];
  }

  /** The occurrence that decides a scalar flag: the last one. */
  last(name: string): FlagOccurrence | undefined {
    return this.#byName.get(name)?.at(-1);
  }

  /** The explicitly given value of a scalar flag (last occurrence wins); undefined when absent. */
  value(name: string): string | undefined {
    return this.last(name)?.value;
  }

  /** A scalar flag's value: given, else the component's default where it is known for this version. */
  effective(name: string): EffectiveFlag {
    const occ = this.last(name);
    if (occ) return { value: occ.value, source: occ.source === 'env' ? 'env' : 'flag', at: occ.at };
    const def = FLAG_DEFAULTS[this.component][name];
    if (def && (!def.since || atLeast(this.version, def.since))) return { value: def.value, source: 'default' };
    return { value: undefined, source: 'unset' };
  }

  /** A boolean flag's effective value; undefined when unset with no known default or not a valid Go bool. */
  bool(name: string): boolean | undefined {
    const e = this.effective(name);
    return e.value === undefined ? undefined : parseGoBool(e.value);
  }

  /**
   * A list flag: all occurrences joined (pflag string slices append on repeat), each
   * split on commas, trimmed, empties dropped. Undefined when the flag is absent;
   * an empty array when it is given empty (`--disable-admission-plugins=`).
   */
  list(name: string): string[] | undefined {
    const occ = this.#byName.get(name);
    if (!occ) return undefined;
    if (!LIST_FLAGS.has(name)) return splitList(occ.at(-1)!.value);
    return occ.flatMap((o) => splitList(o.value));
  }

  /** Feature gates: `Name=bool` pairs of every --feature-gates occurrence, later ones overriding; a `component:` prefix is dropped. */
  featureGates(): Map<string, boolean> {
    const gates = new Map<string, boolean>();
    for (const o of this.all('feature-gates')) {
      for (const pair of splitList(o.value)) {
        const eq = pair.indexOf('=');
        if (eq < 0) continue;
        const key = pair.slice(0, eq).trim().replace(/^[a-z0-9-]+:/, '');
        const v = parseGoBool(pair.slice(eq + 1).trim());
        if (key && v !== undefined) gates.set(key, v);
      }
    }
    return gates;
  }
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The admission plugins kube-apiserver runs, from --enable-admission-plugins,
 * --disable-admission-plugins and the defaults; or exactly the deprecated
 * --admission-control list when that is given (it replaces the defaults).
 */
export function effectiveAdmissionPlugins(flags: ComponentFlags): { plugins: Set<string>; legacy: boolean } {
  const legacy = flags.list('admission-control');
  if (legacy) return { plugins: new Set(legacy), legacy: true };
  const plugins = new Set([...DEFAULT_ADMISSION_PLUGINS, ...(flags.list('enable-admission-plugins') ?? [])]);
  for (const p of flags.list('disable-admission-plugins') ?? []) plugins.delete(p);
  return { plugins, legacy: false };
}
