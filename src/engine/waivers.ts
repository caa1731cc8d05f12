/**
 * Waivers: accepted risks, written as data, that stay visible.
 *
 * A waiver names control ids, a subject match (kind, namespace, name: each
 * exact or a glob with `*` and `?`), an owner, a reason and the last day it is
 * valid. A failing result it covers becomes `waived` and carries the waiver;
 * it is never dropped. A waiver past its date waives nothing and is reported
 * as a failing result of its own, under the `waiver-expired` control, so that
 * an accepted risk cannot lapse silently.
 *
 * The file (`--waivers waivers.yaml`):
 *
 *     waivers:
 *       - controls: [pod-privileged, pss-baseline-capabilities]
 *         subject: { kind: DaemonSet, namespace: monitoring, name: node-exporter* }
 *         owner: platform-team@example.com
 *         reason: needs host metrics until the eBPF exporter replaces it (TICKET-123)
 *         expires: 2026-09-30
 *
 * A top-level list of entries is accepted too. k8s-audit's default waivers
 * (src/engine/default-waivers.ts) are applied the same way unless switched off.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { oneLine } from '../report/escape.ts';
import { UsageError } from '../errors.ts';
import { cmp } from '../model/workloads.ts';
import { DEFAULT_WAIVERS, DEFAULT_WAIVER_OWNER } from './default-waivers.ts';
import { getControl } from './registry.ts';
import type { AppliedWaiver, ControlSummary, PassTally, Result, ScanResult, WaiverReport } from './result.ts';
import { compareResults, controlStatus, fingerprint, summarize } from './run.ts';
import { emptyCounts } from './score.ts';
import type { Severity } from './types.ts';

export interface WaiverSubject {
  kind?: string;
  namespace?: string;
  name?: string;
}

export interface Waiver {
  /** The entry's own `id`, else `<file>#<n>` (1-based) or `defaults#<n>`. */
  id: string;
  controls: string[];
  subject: WaiverSubject;
  owner: string;
  reason: string;
  /** Last day of validity, YYYY-MM-DD, inclusive (UTC). Absent only for the defaults. */
  expires?: string;
  source: 'file' | 'defaults';
}

/** The pseudo-control under which expired waivers are reported. */
export const WAIVER_EXPIRED_ID = 'waiver-expired';

const WAIVER_EXPIRED: Omit<ControlSummary, 'status' | 'counts'> = {
  id: WAIVER_EXPIRED_ID,
  title: 'Waivers are renewed or removed before they expire',
  area: 'general',
  severity: 'low',
  description:
    'Reports every waiver whose expiry date has passed. An expired waiver waives nothing: the findings it covered are failing again, each under its own control.',
  rationale:
    'A waiver is a risk someone accepted for a time. When the time is up the decision has to be made again — renewed by its owner with a new date, or the findings fixed and the waiver deleted — instead of living on in a file nobody reads.',
  references: {},
};

const FIELDS = new Set(['id', 'control', 'controls', 'subject', 'owner', 'reason', 'expires']);
const SUBJECT_FIELDS = ['kind', 'namespace', 'name'] as const;
/** The default waivers' ids: `defaults#1`, …; a file's waiver may not take one. */
const DEFAULTS_ID_PREFIX = 'defaults#';
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Read and validate a waivers file. Every problem is a UsageError (exit 2) naming the file and the entry. */
export function loadWaivers(path: string): Waiver[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `waivers file not found: ${path}` : `cannot read waivers file ${path}: ${(err as Error).message}`);
  }
  return parseWaivers(text, path);
}

/** Parse and validate waivers from YAML text; `origin` names the file in errors and in generated ids. */
export function parseWaivers(text: string, origin: string): Waiver[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
    throw new UsageError(`${origin}${line ? `:${line}` : ''}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // An alias to nothing, or more aliases than a waiver file needs (a billion laughs): the YAML library throws.
    throw new UsageError(`${origin}: invalid YAML: ${oneLine((err as Error).message.split('\n')[0]!)}`);
  }
  if (value === null || value === undefined) return [];
  let entries: unknown;
  if (Array.isArray(value)) entries = value;
  else if (isObject(value) && Object.keys(value).every((k) => k === 'waivers')) entries = value.waivers ?? [];
  else throw new UsageError(`${origin}: expected a list of waivers, or a mapping with the single key "waivers" holding one`);
  if (!Array.isArray(entries)) throw new UsageError(`${origin}: "waivers" must be a list`);
  const name = basename(origin);
  const out = entries.map((e, i) => parseEntry(e, `${name}#${i + 1}`, `${origin}: waiver ${i + 1}`));
  const seen = new Set<string>();
  for (const w of out) {
    if (seen.has(w.id)) throw new UsageError(`${origin}: two waivers have the id "${w.id}"`);
    seen.add(w.id);
  }
  return out;
}

function parseEntry(raw: unknown, defaultId: string, where: string): Waiver {
  if (!isObject(raw)) throw new UsageError(`${where}: expected a mapping with controls, subject, owner, reason and expires`);
  for (const k of Object.keys(raw)) if (!FIELDS.has(k)) throw new UsageError(`${where}: unknown field "${k}" (fields: ${[...FIELDS].join(', ')})`);

  if (raw.control !== undefined && raw.controls !== undefined) throw new UsageError(`${where}: give "controls" or "control", not both`);
  const rawControls = raw.controls ?? raw.control;
  const controls = typeof rawControls === 'string' ? [rawControls] : rawControls;
  if (!Array.isArray(controls) || controls.length === 0) throw new UsageError(`${where}: missing "controls" (a control id or a list of them)`);
  for (const id of controls) {
    if (typeof id !== 'string' || id.trim() === '') throw new UsageError(`${where}: "controls" must hold control ids (strings)`);
    try {
      getControl(id);
    } catch (err) {
      throw new UsageError(`${where}: ${(err as Error).message}`);
    }
  }

  if (!isObject(raw.subject)) throw new UsageError(`${where}: missing "subject" (a mapping of kind, namespace and/or name; exact or glob)`);
  const subject: WaiverSubject = {};
  for (const k of Object.keys(raw.subject)) {
    if (!(SUBJECT_FIELDS as readonly string[]).includes(k)) throw new UsageError(`${where}: unknown subject field "${k}" (fields: kind, namespace, name)`);
  }
  for (const k of SUBJECT_FIELDS) {
    const v = raw.subject[k];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v === '') throw new UsageError(`${where}: subject.${k} must be a non-empty string`);
    subject[k] = v;
  }
  if (Object.keys(subject).length === 0) throw new UsageError(`${where}: the subject names none of kind, namespace or name`);

  const owner = requiredString(raw.owner, 'owner', where);
  const reason = requiredString(raw.reason, 'reason', where);
  const expires = parseDate(raw.expires, where);
  let id = defaultId;
  if (raw.id !== undefined) id = requiredString(raw.id, 'id', where);
  if (id.startsWith(DEFAULTS_ID_PREFIX)) throw new UsageError(`${where}: the id "${id}" is reserved for k8s-audit's default waivers; choose another`);
  return { id, controls: [...new Set(controls as string[])], subject, owner, reason, expires, source: 'file' };
}

function requiredString(v: unknown, field: string, where: string): string {
  if (v === undefined || v === null) throw new UsageError(`${where}: missing "${field}"`);
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`${where}: "${field}" must be a non-empty string`);
  return v.trim();
}

/** `expires` as YYYY-MM-DD, checked to be a real calendar date. */
function parseDate(v: unknown, where: string): string {
  if (v === undefined || v === null) throw new UsageError(`${where}: missing "expires" (a date, YYYY-MM-DD)`);
  // A `!!timestamp` (or YAML 1.1) turns a bare date into midnight UTC; accept that form too. A time of day, or a time
  // zone, would move the date when cut to one: refuse it rather than waive a day more or less than written.
  const midnight = v instanceof Date && !Number.isNaN(v.getTime()) && v.toISOString().endsWith('T00:00:00.000Z');
  const text = midnight ? (v as Date).toISOString().slice(0, 10) : v instanceof Date ? String(v.toISOString()) : v;
  const m = typeof text === 'string' ? DATE.exec(text.trim()) : null;
  if (!m) throw new UsageError(`${where}: malformed "expires" ${JSON.stringify(v)}: expected a date as YYYY-MM-DD`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    throw new UsageError(`${where}: malformed "expires" "${text as string}": no such date`);
  }
  return (text as string).trim();
}

/** k8s-audit's default waivers, in the same shape. */
export function defaultWaivers(): Waiver[] {
  return DEFAULT_WAIVERS.map((w, i) => ({
    id: `${DEFAULTS_ID_PREFIX}${i + 1}`,
    controls: [...w.controls],
    subject: { ...w.subject },
    owner: DEFAULT_WAIVER_OWNER,
    reason: w.reason,
    source: 'defaults' as const,
  }));
}

/** Whether a waiver is past its date at `now`: it is valid through the whole of its `expires` day, UTC. */
export function isExpired(w: Pick<Waiver, 'expires'>, now: Date): boolean {
  if (!w.expires) return false;
  const [y, m, d] = w.expires.split('-').map(Number) as [number, number, number];
  return now.getTime() >= Date.UTC(y, m - 1, d + 1);
}

/** A glob (`*` any run of characters, `?` one) matched against the whole value; no other character is special. */
export function globMatch(pattern: string, value: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === value;
  let re = globs.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]')}$`);
    globs.set(pattern, re);
  }
  return re.test(value);
}

/** Compiled globs by pattern: a waiver's pattern is matched against every finding of its controls. */
const globs = new Map<string, RegExp>();

/**
 * Whether a waiver covers a result: one of its controls, and every subject field it gives matches. A Namespace is
 * in its own namespace (as summaries count it); any other cluster-scoped subject is in none, so a waiver that names
 * a namespace — even `*` — never covers it.
 */
export function covers(w: Pick<Waiver, 'controls' | 'subject'>, r: Pick<Result, 'controlId' | 'subject'>): boolean {
  if (!w.controls.includes(r.controlId)) return false;
  for (const k of SUBJECT_FIELDS) {
    const pattern = w.subject[k];
    if (pattern === undefined) continue;
    const value = k === 'namespace' && r.subject.kind === 'Namespace' ? r.subject.name : r.subject[k];
    if (value === undefined || !globMatch(pattern, value)) return false;
  }
  return true;
}

/** Waivers by each control they list, each list in the waivers' order. */
function byControl(waivers: readonly Waiver[]): Map<string, Waiver[]> {
  const out = new Map<string, Waiver[]>();
  for (const w of waivers) {
    for (const id of new Set(w.controls)) {
      const list = out.get(id);
      if (list) list.push(w);
      else out.set(id, [w]);
    }
  }
  return out;
}

/**
 * Apply waivers to a scan: failing results covered by a valid waiver become
 * `waived` with the waiver attached (the first matching waiver in the order
 * given wins, so list file waivers before the defaults); expired waivers waive
 * nothing and each becomes a failing `waiver-expired` result. Control
 * statuses and the summary are recomputed. Pure: returns a new ScanResult.
 */
export function applyWaivers(result: ScanResult, waivers: readonly Waiver[], now: Date): ScanResult {
  if (waivers.length === 0) return result;
  // Keyed by waiver, not id: the report must not merge two waivers' counts.
  const matched = new Map<Waiver, number>(waivers.map((w) => [w, 0]));
  // An expired waiver's matches that another, active waiver still waives: not "reported as failing".
  const stillWaived = new Map<Waiver, number>();
  const active = waivers.filter((w) => !isExpired(w, now));
  const expired = waivers.filter((w) => isExpired(w, now));
  // Each finding is checked against the waivers that list its control only, in the order given (the first wins).
  const activeFor = byControl(active);
  const expiredFor = byControl(expired);

  const results: Result[] = result.results.map((r) => {
    if (r.status !== 'fail') return r;
    const w = activeFor.get(r.controlId)?.find((x) => covers(x, r));
    for (const e of expiredFor.get(r.controlId) ?? []) {
      if (!covers(e, r)) continue;
      matched.set(e, matched.get(e)! + 1);
      if (w) stillWaived.set(e, (stillWaived.get(e) ?? 0) + 1);
    }
    if (!w) return r;
    matched.set(w, matched.get(w)! + 1);
    const waiver: AppliedWaiver = { id: w.id, owner: w.owner, reason: w.reason };
    if (w.expires) waiver.expires = w.expires;
    return { ...r, status: 'waived', waiver };
  });

  for (const w of expired) results.push(expiredResult(w, matched.get(w)!, stillWaived.get(w) ?? 0));
  results.sort(compareResults);

  // Passes counted instead of listed (result.passes) are passes still: no waiver touches them.
  const controls = recount(result.controls, results, expired.length > 0, result.passes);
  const reports: WaiverReport[] = waivers.map((w) => {
    const rep: WaiverReport = {
      id: w.id,
      controls: w.controls,
      subject: w.subject,
      owner: w.owner,
      reason: w.reason,
      source: w.source,
      status: isExpired(w, now) ? 'expired' : 'active',
      matched: matched.get(w)!,
    };
    if (w.expires) rep.expires = w.expires;
    return rep;
  });
  return { ...result, controls, results, summary: summarize(controls, results, result.passes), waivers: reports };
}

function expiredResult(w: Waiver, matched: number, stillWaived: number): Result {
  const subject = { apiVersion: 'k8s-audit/v1', kind: 'Waiver', name: w.id };
  const failing = matched - stillWaived;
  const findings = failing === 1 ? '1 failing result' : `${failing} failing results`;
  const others = stillWaived ? ` (${stillWaived} more ${stillWaived === 1 ? 'is' : 'are'} waived by another waiver)` : '';
  const severity: Severity = WAIVER_EXPIRED.severity;
  return {
    controlId: WAIVER_EXPIRED_ID,
    status: 'fail',
    severity,
    subject,
    messageId: 'expired',
    message: `Waiver ${w.id} (owner ${w.owner}; ${w.controls.join(', ')} on ${describeSubject(w.subject)}) expired on ${w.expires}; it no longer waives anything, and ${findings} it would cover ${failing === 1 ? 'is' : 'are'} reported as failing${others}.`,
    remediation: `Ask ${w.owner} to decide again: renew waiver ${w.id} with a new "expires" date if the risk is still accepted, or fix the findings and delete the waiver.`,
    data: { owner: w.owner, expires: w.expires ?? '', controls: w.controls.join(', '), matched },
    observed: w.expires,
    expected: 'an expiry date that has not passed',
    fingerprint: fingerprint(WAIVER_EXPIRED_ID, subject),
  };
}

function describeSubject(s: WaiverSubject): string {
  return SUBJECT_FIELDS.filter((k) => s[k] !== undefined)
    .map((k) => `${k} ${s[k]}`)
    .join(', ');
}

/** Per-control counts and statuses from the results and the counted passes; adds the waiver-expired control when it has results. */
function recount(controls: readonly ControlSummary[], results: readonly Result[], withExpired: boolean, passes: readonly PassTally[] = []): ControlSummary[] {
  const counts = new Map<string, ReturnType<typeof emptyCounts>>();
  const of = (id: string) => {
    let c = counts.get(id);
    if (!c) counts.set(id, (c = emptyCounts()));
    return c;
  };
  for (const r of results) of(r.controlId)[r.status]++;
  for (const t of passes) of(t.controlId).pass += t.count;
  const out = controls
    .filter((c) => c.id !== WAIVER_EXPIRED_ID)
    .map((c) => {
      const n = counts.get(c.id) ?? emptyCounts();
      return { ...c, counts: n, status: controlStatus(n) };
    });
  if (withExpired) {
    const n = counts.get(WAIVER_EXPIRED_ID)!;
    out.push({ ...WAIVER_EXPIRED, counts: n, status: controlStatus(n) });
    out.sort((a, b) => cmp(a.id, b.id));
  }
  return out;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
