import type { ScanResult } from '../engine/result.ts';
import { showInvisible } from './escape.ts';

/**
 * Insights (ScanResult.insights) arranged as captioned tables for the HTML and
 * Markdown reports. The analyses themselves are computed by the engine's
 * insight providers; this only lays their output out. Shapes a provider adds
 * later still render: any array of records becomes a table, any record a
 * key/value table, so a new insight is never silently dropped.
 */

export interface Cell {
  text: string;
  /** Several entries, one per line (text then holds them joined by "; "). */
  lines?: string[];
  /** Monospace (names, verbs, selectors). */
  code?: boolean;
  /** Colour hint: `bad` for exposure, `good` for isolation. */
  tone?: 'bad' | 'good' | 'warn';
}

export interface TableModel {
  caption: string;
  /** Long detail tables start folded in the HTML report. */
  collapsed?: boolean;
  columns: string[];
  rows: Cell[][];
}

export interface InsightSection {
  key: string;
  anchor: string;
  title: string;
  description: string;
  /** Why the analysis is absent, when it is. */
  missing?: string;
  /** Caveats the analysis itself states (untrusted text, escaped by each renderer). */
  notes: string[];
  tables: TableModel[];
}

/** Insights every full scan is expected to carry, in report order, with their headings. */
const KNOWN: { key: string; title: string; description: string }[] = [
  {
    key: 'whoCan',
    title: 'RBAC: who can do what',
    description: 'Subjects (users, groups, service accounts) holding powerful permissions, and the bindings that grant them.',
  },
  {
    key: 'networkIsolation',
    title: 'Network isolation per namespace',
    description: 'Whether ingress and egress of each namespace are isolated by a default-deny NetworkPolicy, and what the policies still allow.',
  },
  {
    key: 'psaPosture',
    title: 'Pod Security admission per namespace',
    description: 'The Pod Security Standards level each namespace enforces, audits and warns about.',
  },
];

const MAX_COLUMNS = 12;

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return showInvisible(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v) && v.length === 0) return '—';
  if (Array.isArray(v) && v.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x))) return showInvisible(v.join(', '));
  return showInvisible(JSON.stringify(v));
}

function toneOf(key: string, v: unknown): Cell['tone'] {
  if (typeof v === 'boolean' && /isolat|deny|enforc|restrict/i.test(key)) return v ? 'good' : 'bad';
  if (typeof v === 'string' && /^(none|open|privileged|unrestricted)$/i.test(v)) return 'bad';
  return undefined;
}

function humanise(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An array of records as one table (columns in first-seen key order). */
function recordsTable(caption: string, items: unknown[]): TableModel {
  // Columns: keys holding scalars or lists of scalars. Nested detail (objects, lists of objects) is
  // left to the JSON output; a provider that wants it shown adds a summary column in words.
  const scalarish = (v: unknown) => v === undefined || v === null || ['string', 'number', 'boolean'].includes(typeof v) || (Array.isArray(v) && v.every((x) => !isRecord(x) && !Array.isArray(x)));
  const columns: string[] = [];
  const nested = new Set<string>();
  for (const it of items) {
    if (!isRecord(it)) continue;
    for (const [k, v] of Object.entries(it)) if (!scalarish(v)) nested.add(k);
  }
  for (const it of items) {
    if (!isRecord(it)) continue;
    for (const k of Object.keys(it)) if (!nested.has(k) && !columns.includes(k) && columns.length < MAX_COLUMNS) columns.push(k);
  }
  if (columns.length === 0) {
    return { caption, columns: ['Value'], rows: items.map((it) => [{ text: text(it), code: true }]) };
  }
  return {
    caption,
    columns: columns.map(humanise),
    rows: items.map((it) =>
      columns.map((k) => {
        const v = isRecord(it) ? it[k] : undefined;
        const cell: Cell = { text: text(v) };
        const tone = toneOf(k, v);
        if (tone) cell.tone = tone;
        if (typeof v === 'string' && /name|subject|namespace|verb|resource|selector|role|binding/i.test(k)) cell.code = true;
        return cell;
      }),
    ),
  };
}

/** Any insight value as tables. */
export function tablesOf(caption: string, value: unknown): TableModel[] {
  if (Array.isArray(value)) return value.length ? [recordsTable(caption, value)] : [];
  if (!isRecord(value)) return [{ caption, columns: ['Value'], rows: [[{ text: text(value) }]] }];
  const tables: TableModel[] = [];
  const scalars: Cell[][] = [];
  const nested: [string, Record<string, unknown>][] = [];
  for (const [k, v] of Object.entries(value)) {
    if (Array.isArray(v) && v.some((x) => isRecord(x))) tables.push(recordsTable(humanise(k), v));
    else if (isRecord(v) && Object.values(v).every((x) => isRecord(x))) nested.push([k, v]);
    else scalars.push([{ text: humanise(k) }, { text: text(v) }]);
  }
  // A record of records (e.g. keyed by namespace) reads best as one table with the key as first column.
  for (const [k, rec] of nested) {
    const rows = Object.entries(rec).map(([name, v]) => ({ name, ...(v as Record<string, unknown>) }));
    tables.push(recordsTable(humanise(k), rows));
  }
  if (scalars.length) tables.unshift({ caption, columns: ['Property', 'Value'], rows: scalars });
  return tables;
}

export function insightSections(result: ScanResult): InsightSection[] {
  const insights = result.insights ?? {};
  const skipped = new Map((result.insightsSkipped ?? []).map((s) => [s.key, s.reason]));
  const extra = new Set([...Object.keys(insights), ...skipped.keys()].filter((k) => !KNOWN.some((x) => x.key === k)));
  const keys = [...KNOWN.map((k) => k.key), ...[...extra].sort()];
  const sections: InsightSection[] = [];
  for (const key of keys) {
    const known = KNOWN.find((k) => k.key === key);
    const present = Object.prototype.hasOwnProperty.call(insights, key);
    // The optional PSA posture is listed only when a provider produced or skipped it.
    if (!present && !skipped.has(key) && key === 'psaPosture') continue;
    const section: InsightSection = {
      key,
      anchor: `insight-${key.replace(/[^a-zA-Z0-9_-]/g, '-')}`,
      title: known?.title ?? humanise(key),
      description: known?.description ?? '',
      notes: [],
      tables: [],
    };
    if (present) {
      const value = insights[key];
      const special =
        key === 'whoCan' && isWhoCan(value)
          ? whoCanTables(value)
          : key === 'networkIsolation' && isNetworkIsolation(value)
            ? networkTables(value)
            : key === 'psaPosture' && isPsaPosture(value)
              ? psaTables(value)
              : undefined;
      if (special) {
        section.tables = special.tables;
        section.notes = special.notes.map(text);
      } else section.tables = tablesOf(section.title, value);
    }
    else section.missing = skipped.has(key) ? `Skipped: ${showInvisible(skipped.get(key)!)}` : 'Not collected in this scan.';
    sections.push(section);
  }
  return sections;
}

// ---------------------------------------------------------------------------
// whoCan (src/model/rbac.ts WhoCanInsight). Only the fields read here are
// declared, structurally, so a scan.json from another version still renders
// (unknown shapes fall back to the generic tables).

interface WhoCanRef {
  kind: string;
  namespace?: string;
  name: string;
  builtIn?: boolean;
}
interface WhoCanPermissionShape {
  capability: string;
  namespace: string | null;
  verbs: string[];
  resources: string[];
  resourceNames?: string[];
  viaGroup?: string;
  inert?: string;
  provenance: { binding: WhoCanRef; role: WhoCanRef; aggregatedFrom?: string[] };
}
interface WhoCanSubjectShape {
  key: string;
  kind: string;
  name: string;
  namespace?: string;
  builtIn: boolean;
  exists?: boolean;
  mountedBy?: { kind: string; namespace: string; name: string; how: string }[];
  permissions: WhoCanPermissionShape[];
}
interface WhoCanShape {
  capabilities: { id: string; label: string; description: string }[];
  subjects: WhoCanSubjectShape[];
  notes?: string[];
}

function isWhoCan(v: unknown): v is WhoCanShape {
  return isRecord(v) && Array.isArray(v.capabilities) && Array.isArray(v.subjects) && v.subjects.every((s) => isRecord(s) && Array.isArray(s.permissions));
}

function subjectName(s: Pick<WhoCanSubjectShape, 'kind' | 'name' | 'namespace'>): string {
  return s.namespace ? `${s.kind} ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
}

function refName(r: WhoCanRef): string {
  return r.namespace ? `${r.kind} ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`;
}

function scopeOf(p: WhoCanPermissionShape): string {
  return p.namespace === null ? 'all namespaces' : `namespace ${p.namespace}`;
}

function whoCanTables(w: WhoCanShape): { tables: TableModel[]; notes: string[] } {
  const bySubject = new Map(w.subjects.map((s) => [s.key, s]));
  // Capability → holders, people and workloads first, Kubernetes' own components after.
  const holders = new Map<string, { subject: WhoCanSubjectShape; scopes: Set<string> }[]>();
  for (const s of w.subjects) {
    for (const p of s.permissions) {
      if (p.inert) continue; // listed below with why, but holds nothing on this cluster's version
      let list = holders.get(p.capability);
      if (!list) holders.set(p.capability, (list = []));
      let h = list.find((x) => x.subject === s);
      if (!h) list.push((h = { subject: s, scopes: new Set() }));
      h.scopes.add(p.namespace === null ? 'all namespaces' : p.namespace);
    }
  }
  const summary: TableModel = {
    caption: 'Who can: each dangerous capability and the subjects holding it',
    columns: ['Capability', 'Subjects (not built-in)', 'Built-in components'],
    rows: w.capabilities.map((c) => {
      const list = holders.get(c.id) ?? [];
      const people = list.filter((h) => !h.subject.builtIn);
      const builtIn = list.filter((h) => h.subject.builtIn);
      const fmt = (h: { subject: WhoCanSubjectShape; scopes: Set<string> }) => `${subjectName(h.subject)} (${[...h.scopes].join(', ')})`;
      return [
        { text: text(`${c.label} — ${c.description}`) },
        people.length ? { text: text(people.map(fmt).join('; ')), lines: people.map((h) => text(fmt(h))) } : { text: 'nobody', tone: 'good' },
        { text: builtIn.length ? String(builtIn.length) : '0' },
      ];
    }),
  };
  const label = new Map(w.capabilities.map((c) => [c.id, c.label]));
  const detail: TableModel = {
    caption: 'Every dangerous permission, with the binding and role that grant it',
    collapsed: true,
    columns: ['Subject', 'Capability', 'Scope', 'Verbs', 'Resources', 'Granted by', 'Notes'],
    rows: [],
  };
  for (const key of [...bySubject.keys()]) {
    const s = bySubject.get(key)!;
    for (const p of s.permissions) {
      const notes = [
        s.builtIn ? 'built-in' : '',
        p.viaGroup ? `through group ${p.viaGroup}` : '',
        p.inert ? `allows nothing here: ${p.inert}` : '',
        p.resourceNames?.length ? `only ${p.resourceNames.join(', ')}` : '',
        s.exists === false ? 'ServiceAccount does not exist' : '',
        s.mountedBy?.length ? `token mounted by ${s.mountedBy.map((m) => `${m.kind} ${m.namespace}/${m.name}`).join(', ')}` : '',
        p.provenance.aggregatedFrom?.length ? `aggregated from ${p.provenance.aggregatedFrom.join(', ')}` : '',
      ].filter(Boolean);
      detail.rows.push([
        { text: text(subjectName(s)), code: true },
        { text: text(label.get(p.capability) ?? p.capability) },
        { text: text(scopeOf(p)), ...(p.namespace === null ? { tone: 'bad' as const } : {}) },
        { text: text(p.verbs), code: true },
        { text: text(p.resources), code: true },
        { text: text(`${refName(p.provenance.binding)} → ${refName(p.provenance.role)}`), code: true },
        { text: text(notes.join('; ')) },
      ]);
    }
  }
  return { tables: detail.rows.length ? [summary, detail] : [summary], notes: w.notes ?? [] };
}

// ---------------------------------------------------------------------------
// networkIsolation (src/model/network.ts NetworkIsolationInsight), read structurally as above.

interface DirectionShape {
  status: string;
  isolatedWorkloads: number;
  workloads: number;
  defaultDeny: string[];
  cancelledBy: { policy: string; path: string }[];
}
interface WorkloadDirShape {
  isolated: string;
  allowed: string;
  allows: { text: string }[];
  metadataReachable?: string[];
}
interface NetworkShape {
  cni?: { plugins: { name: string; enforcesNetworkPolicy: boolean; namespace: string; object: string; kind: string }[] | null; policyApis: { crd: string; provider: string }[] | null; caveats: string[] };
  namespaces: {
    namespace: string;
    system: boolean;
    policies: string[];
    verdict: string;
    reasons: string[];
    ingress: DirectionShape;
    egress: DirectionShape;
    workloads: { kind: string; name: string; hostNetwork: boolean; ingress: WorkloadDirShape; egress: WorkloadDirShape }[];
  }[];
}

function isNetworkIsolation(v: unknown): v is NetworkShape {
  return (
    isRecord(v) &&
    Array.isArray(v.namespaces) &&
    v.namespaces.every((n) => isRecord(n) && typeof n.namespace === 'string' && isRecord(n.ingress) && isRecord(n.egress) && Array.isArray(n.workloads))
  );
}

function verdictTone(v: string): Cell['tone'] {
  return v === 'default-deny' || v === 'isolated' || v === 'yes' || v === 'nothing' ? 'good' : v === 'partial' || v === 'restricted' ? 'warn' : 'bad';
}

function networkTables(n: NetworkShape): { tables: TableModel[]; notes: string[] } {
  const dir = (d: DirectionShape) => `${d.status} (${d.isolatedWorkloads}/${d.workloads} workloads isolated)`;
  const tables: TableModel[] = [
    {
      caption: 'Namespaces',
      columns: ['Namespace', 'Verdict', 'Ingress', 'Egress', 'NetworkPolicies', 'Why not default-deny'],
      rows: n.namespaces.map((ns) => [
        { text: text(ns.namespace + (ns.system ? ' (system)' : '')), code: true },
        { text: text(ns.verdict), tone: verdictTone(ns.verdict) },
        { text: text(dir(ns.ingress)), tone: verdictTone(ns.ingress.status) },
        { text: text(dir(ns.egress)), tone: verdictTone(ns.egress.status) },
        { text: ns.policies.length ? text(ns.policies) : 'none', code: ns.policies.length > 0 },
        { text: text(ns.reasons.join(' ')) },
      ]),
    },
  ];
  const flow = (d: WorkloadDirShape) =>
    `${d.allowed}${d.allows.length ? `: ${d.allows.map((a) => a.text).join('; ')}` : ''}${d.metadataReachable?.length ? ` — reaches cloud metadata ${d.metadataReachable.join(', ')}` : ''}`;
  const workloads: TableModel = {
    caption: 'Workloads: traffic each one accepts and sends',
    collapsed: true,
    columns: ['Workload', 'Ingress allowed', 'Egress allowed'],
    rows: [],
  };
  for (const ns of n.namespaces) {
    for (const w of ns.workloads) {
      workloads.rows.push([
        { text: text(`${w.kind} ${ns.namespace}/${w.name}${w.hostNetwork ? ' (host network: not governed by NetworkPolicy)' : ''}`), code: true },
        { text: text(flow(w.ingress)), tone: verdictTone(w.ingress.allowed) },
        { text: text(flow(w.egress)), tone: verdictTone(w.egress.allowed) },
      ]);
    }
  }
  if (workloads.rows.length) tables.push(workloads);
  const plugins = n.cni?.plugins;
  if (plugins?.length) {
    tables.push({
      caption: 'Network plugins recognised',
      columns: ['Plugin', 'Enforces NetworkPolicy', 'Object'],
      rows: plugins.map((p) => [
        { text: text(p.name) },
        { text: p.enforcesNetworkPolicy ? 'yes' : 'no', tone: p.enforcesNetworkPolicy ? 'good' : 'bad' },
        { text: text(`${p.kind} ${p.namespace}/${p.object}`), code: true },
      ]),
    });
  }
  const apis = n.cni?.policyApis;
  if (apis?.length) {
    tables.push({
      caption: 'Other network policy APIs installed (not evaluated)',
      columns: ['Provider', 'CustomResourceDefinition'],
      rows: apis.map((a) => [{ text: text(a.provider) }, { text: text(a.crd), code: true }]),
    });
  }
  return { tables, notes: n.cni?.caveats ?? [] };
}

// ---------------------------------------------------------------------------
// psaPosture (src/model/psa-posture.ts PsaPostureInsight), read structurally as above.

interface PsaSubjectShape {
  kind: string;
  namespace?: string;
  name: string;
}
interface PsaLevelShape {
  level: string;
  versionLabel: string;
  evaluatedAt: string;
  current: boolean;
  workloads: { subject: PsaSubjectShape; reasons: string }[];
  pods: { name: string; owner: PsaSubjectShape; reasons: string }[];
  warnings?: string[];
  partialCheck?: string;
}
interface PsaShape {
  clusterVersion?: string;
  assumedVersion?: string;
  note?: string;
  namespaces: {
    namespace: string;
    system: boolean;
    enforce: string;
    audit: string;
    warn: string;
    baseline: string;
    restricted: string;
    modes?: { enforce?: { effectiveLevel?: string } };
    workloads: number;
    pods: number;
    levels: PsaLevelShape[];
    nextStep?: string;
  }[];
}

function isPsaPosture(v: unknown): v is PsaShape {
  // Every field psaTables reads, with its type: a scan.json edited or written by another version falls back to the generic tables.
  const isStr = (x: unknown) => typeof x === 'string';
  const optStr = (x: unknown) => x === undefined || isStr(x);
  const isSubject = (x: unknown) => isRecord(x) && isStr(x.kind) && isStr(x.name) && optStr(x.namespace);
  const isLevel = (l: unknown) =>
    isRecord(l) &&
    isStr(l.level) &&
    isStr(l.versionLabel) &&
    isStr(l.evaluatedAt) &&
    Array.isArray(l.workloads) &&
    l.workloads.every((w) => isRecord(w) && isSubject(w.subject) && isStr(w.reasons)) &&
    Array.isArray(l.pods) &&
    l.pods.every((p) => isRecord(p) && isStr(p.name) && isSubject(p.owner) && isStr(p.reasons)) &&
    (l.warnings === undefined || (Array.isArray(l.warnings) && l.warnings.every(isStr))) &&
    optStr(l.partialCheck);
  return (
    isRecord(v) &&
    optStr(v.clusterVersion) &&
    optStr(v.note) &&
    Array.isArray(v.namespaces) &&
    v.namespaces.every(
      (n) =>
        isRecord(n) &&
        ['namespace', 'enforce', 'audit', 'warn', 'baseline', 'restricted'].every((k) => isStr(n[k])) &&
        optStr(n.nextStep) &&
        Array.isArray(n.levels) &&
        n.levels.every(isLevel),
    )
  );
}

function impactTone(v: string): Cell['tone'] {
  if (v === 'nothing breaks' || v === 'enforced, met') return 'good';
  if (v.startsWith('enforced, violated')) return 'bad';
  return v === 'looser than enforced' ? undefined : 'warn';
}

function psaSubject(s: PsaSubjectShape): string {
  return s.namespace ? `${s.kind} ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
}

function psaTables(p: PsaShape): { tables: TableModel[]; notes: string[] } {
  const enforceTone = (ns: PsaShape['namespaces'][number]): Cell['tone'] => {
    const level = ns.modes?.enforce?.effectiveLevel;
    return level === 'privileged' ? 'bad' : level === 'restricted' ? 'good' : undefined;
  };
  const tables: TableModel[] = [
    {
      caption: 'Namespaces: the levels set, and what enforcing each level would refuse',
      columns: ['Namespace', 'Enforce', 'Audit', 'Warn', 'Enforcing baseline', 'Enforcing restricted', 'Workloads', 'Pods', 'Next step'],
      rows: p.namespaces.map((ns) => [
        { text: text(ns.namespace + (ns.system ? ' (system)' : '')), code: true },
        { text: text(ns.enforce), ...(enforceTone(ns) ? { tone: enforceTone(ns)! } : {}) },
        { text: text(ns.audit) },
        { text: text(ns.warn) },
        { text: text(ns.baseline), ...(impactTone(ns.baseline) ? { tone: impactTone(ns.baseline)! } : {}) },
        { text: text(ns.restricted), ...(impactTone(ns.restricted) ? { tone: impactTone(ns.restricted)! } : {}) },
        { text: String(ns.workloads) },
        { text: String(ns.pods) },
        { text: text(ns.nextStep ?? '') },
      ]),
    },
  ];
  // Workload by workload: what the table above counts. Existing Pods are listed under the workload that owns them;
  // a Pod whose owner passes (changed after creation, by a webhook say) gets a row of its own.
  const refused: TableModel = {
    caption: 'What each level would refuse, workload by workload',
    collapsed: true,
    columns: ['Workload', 'Level', 'Refused for', 'Existing Pods refused'],
    rows: [],
  };
  const warnings: TableModel = {
    caption: 'What the API server answers when the enforce label is raised',
    collapsed: true,
    columns: ['Namespace', 'Raised to', 'Warnings'],
    rows: [],
  };
  for (const ns of p.namespaces) {
    for (const l of ns.levels) {
      const level = `${l.level}${l.current ? ' (enforced)' : ''} @${l.versionLabel}${l.versionLabel === l.evaluatedAt ? '' : ` (${l.evaluatedAt})`}`;
      const podsOf = new Map<string, number>();
      for (const pod of l.pods) podsOf.set(psaSubject(pod.owner), (podsOf.get(psaSubject(pod.owner)) ?? 0) + 1);
      const listed = new Set<string>();
      for (const w of l.workloads) {
        const name = psaSubject(w.subject);
        listed.add(name);
        refused.rows.push([{ text: text(name), code: true }, { text: text(level) }, { text: text(w.reasons) }, { text: String(podsOf.get(name) ?? 0) }]);
      }
      for (const pod of l.pods) {
        if (listed.has(psaSubject(pod.owner))) continue;
        refused.rows.push([
          { text: text(`Pod ${ns.namespace}/${pod.name} (of ${psaSubject(pod.owner)}, which passes)`), code: true },
          { text: text(level) },
          { text: text(pod.reasons) },
          { text: '1' },
        ]);
      }
      const lines = [...(l.warnings ?? []), ...(l.partialCheck ? [l.partialCheck] : [])].map(text);
      if (lines.length) warnings.rows.push([{ text: text(ns.namespace), code: true }, { text: text(level) }, { text: lines.join('; '), lines }]);
    }
  }
  if (refused.rows.length) tables.push(refused);
  if (warnings.rows.length) tables.push(warnings);
  const notes: string[] = [];
  if (p.clusterVersion) notes.push(`"latest" is ${p.clusterVersion} on this cluster.`);
  if (p.note) notes.push(p.note);
  notes.push('Each row names the checks the PodSecurity admission would fail; the findings of the pss-* controls name the container and field of each.');
  return { tables, notes };
}
