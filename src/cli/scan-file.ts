import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Result, ScanResult } from '../engine/result.ts';
import { SCHEMA_VERSION } from '../engine/result.ts';
import { UsageError } from '../errors.ts';
import { SEVERITIES, STATUSES } from '../engine/types.ts';
import { stringPool } from '../engine/pool.ts';

/**
 * The longest member of a saved scan parsed as one string; a longer one is parsed a part at a time (parsePretty). The
 * insights can be longer than the longest string V8 makes (512 MB: the who-can insight lists every subject's grants).
 */
export const PARSE_WHOLE_MAX = 4 * 2 ** 20;

/** A file that looked laid out as k8s-audit writes it, but is not: it is read whole instead. */
class NotPretty extends Error {}

/** A file's bytes; gunzipped when they are gzip's (whatever the file's name: `scan.json.gz`, or a renamed one). */
function readBytes(file: string): Buffer {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (buf.length < 2 || buf[0] !== 0x1f || buf[1] !== 0x8b) return buf;
  try {
    // Output in one piece of the size the trailer gives (ISIZE; a hint only: modulo 2^32, the last
    // member's, and capped at 64 times the file, as a scan compresses about 23 times): zlib otherwise
    // gathers pieces and copies them into one, which at 10,000 Pods took twice the memory (311
    // against 175 MB peak) and twice the time (1.25 against 0.67 s).
    const size = buf.length >= 18 ? buf.readUInt32LE(buf.length - 4) : 0;
    return gunzipSync(buf, { chunkSize: Math.max(64 * 1024, Math.min(size + 1, buf.length * 64)) });
  } catch (err) {
    throw new UsageError(`cannot read ${file}: it starts as gzip but does not decompress (${(err as Error).message})`);
  }
}

/**
 * Read a saved scan (`scan --format json`), checking that it is one and that its schema's
 * major version is ours. A file laid out as k8s-audit writes it is parsed a member, and a
 * result, at a time (see readBaseline), so that it may be larger than the longest string
 * V8 can hold (512 MB: a scan of 50,000 Pods writes about 540 MB); any other JSON is
 * parsed whole.
 */
export function readScan(file: string): ScanResult {
  return scanFromBytes(readBytes(file), file);
}

function scanFromBytes(buf: Buffer, file: string): ScanResult {
  let data: Partial<ScanResult> | undefined;
  try {
    data = readPrettyWhole(buf);
  } catch (err) {
    // Not laid out as k8s-audit writes it after all: parsed whole below, which says what is wrong.
    if (!(err instanceof NotPretty || err instanceof SyntaxError)) throw err;
    data = undefined;
  }
  if (!data) {
    let text: string;
    try {
      text = buf.toString('utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
    }
    try {
      data = JSON.parse(text) as Partial<ScanResult>;
    } catch (err) {
      throw new UsageError(`${file} is not JSON: ${(err as Error).message}`);
    }
  }
  const shaped = typeof data === 'object' && data !== null && Array.isArray(data.results) && Array.isArray(data.controls) && !!data.summary && !!data.scan;
  assertScan(file, data?.schemaVersion, shaped);
  const problem = scanProblem(data as ScanResult);
  if (problem) throw new UsageError(`${file} is not a valid k8s-audit scan result: ${problem} (was it edited?)`);
  return data as ScanResult;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const optional = (v: unknown, check: (x: unknown) => boolean) => v === undefined || check(v);
const SEVERITY_SET: ReadonlySet<unknown> = new Set(SEVERITIES);
const STATUS_SET: ReadonlySet<unknown> = new Set(STATUSES);

/**
 * What is wrong with one result, as the reports would trip on it, or undefined. Results are rendered as written:
 * their text goes through each format's escaping, but their shape (a subject, a severity the reports know) is
 * taken as it comes, so a file edited by hand or by another tool is checked here, once, not in every renderer.
 */
function isStringList(v: unknown): boolean {
  return Array.isArray(v) && v.every(isString);
}

export function resultProblem(r: unknown, at: string): string | undefined {
  if (!isObject(r)) return `${at} is not an object`;
  if (!isString(r.controlId)) return `${at}.controlId is not a string`;
  if (!SEVERITY_SET.has(r.severity)) return `${at}.severity is not one of ${SEVERITIES.join(', ')}`;
  if (!STATUS_SET.has(r.status)) return `${at}.status is not one of ${STATUSES.join(', ')}`;
  const subject = r.subject;
  if (!isObject(subject) || !isString(subject.kind) || !isString(subject.name) || !optional(subject.namespace, isString)) return `${at}.subject is not a subject (kind, name, namespace)`;
  if (!isString(r.message)) return `${at}.message is not a string`;
  if (!isString(r.fingerprint)) return `${at}.fingerprint is not a string`;
  for (const key of ['path', 'container', 'remediation', 'messageId', 'permission'] as const) if (!optional(r[key], isString)) return `${at}.${key} is not a string`;
  if (!optional(r.data, isObject)) return `${at}.data is not an object`;
  if (!optional(r.waiver, isObject)) return `${at}.waiver is not an object`;
  return undefined;
}

/** The first thing a renderer would trip on in a parsed scan, or undefined. */
function scanProblem(data: ScanResult): string | undefined {
  for (const [i, r] of data.results.entries()) {
    const p = resultProblem(r, `results[${i}]`);
    if (p) return p;
  }
  for (const [i, c] of (data.controls as unknown[]).entries()) {
    const at = `controls[${i}]`;
    if (!isObject(c)) return `${at} is not an object`;
    if (!isString(c.id) || !isString(c.title) || !isString(c.area)) return `${at} lacks its id, title or area`;
    if (!SEVERITY_SET.has(c.severity) || !STATUS_SET.has(c.status)) return `${at}.severity or .status is not one k8s-audit knows`;
    if (!isObject(c.counts)) return `${at}.counts is not an object`;
    if (!optional(c.references, isObject)) return `${at}.references is not an object`;
    const refs = (c.references ?? {}) as Record<string, unknown>;
    for (const key of ['cis', 'pss', 'links'] as const) if (!optional(refs[key], isStringList)) return `${at}.references.${key} is not a list of strings`;
    for (const key of ['description', 'rationale', 'reason'] as const) if (!optional(c[key], isString)) return `${at}.${key} is not a string`;
  }
  const s = data.summary as unknown;
  if (!isObject(s)) return 'summary is not an object';
  for (const key of ['results', 'controls', 'failedBySeverity', 'byArea', 'byNamespace'] as const) if (!isObject(s[key])) return `summary.${key} is not an object`;
  for (const key of ['byArea', 'byNamespace'] as const) {
    for (const [name, v] of Object.entries(s[key] as Record<string, unknown>)) if (!isObject(v)) return `summary.${key}.${name} is not an object`;
  }
  if (!(s.score === null || typeof s.score === 'number') || !isString(s.grade)) return 'summary.score or summary.grade is not what k8s-audit writes';
  const scan = data.scan as unknown;
  if (!isObject(scan) || !isString(scan.startedAt)) return 'scan.startedAt is not a string';
  if (!optional(scan.collection, Array.isArray) || ((scan.collection as unknown[] | undefined) ?? []).some((c) => !isObject(c))) return 'scan.collection is not a list of objects';
  for (const key of ['files', 'namespaces', 'excludedNamespaces'] as const) if (!optional(scan[key], isStringList)) return `scan.${key} is not a list of strings`;
  const sourceOk = (v: unknown) => isObject(v) && isString(v.file) && Number.isInteger(v.line);
  if (!optional(scan.sources, (m) => isObject(m) && Object.values(m).every(sourceOk))) return 'scan.sources is not a map of {file, line}';
  const b = data.baseline as unknown;
  if (b !== undefined) {
    if (!isObject(b) || !isString(b.startedAt) || typeof b.new !== 'number' || typeof b.unchanged !== 'number') return 'baseline is not what k8s-audit writes';
    for (const key of ['fixed', 'notReassessed'] as const) if (!Array.isArray(b[key]) || (b[key] as unknown[]).some((f) => !isObject(f) || !isObject(f.subject))) return `baseline.${key} is not a list of findings`;
  }
  if (!optional(data.waivers, (w) => Array.isArray(w) && w.every(isObject))) return 'waivers is not a list of objects';
  if (!optional(data.passes, Array.isArray)) return 'passes is not a list';
  for (const [i, p] of (data.passes ?? []).entries()) {
    if (!isObject(p) || !isString(p.controlId) || typeof p.count !== 'number' || !optional(p.namespace, isString)) return `passes[${i}] is not {controlId, namespace, count}`;
  }
  if (!optional(data.insights, isObject)) return 'insights is not an object';
  return undefined;
}

/** That a document read from `file` is a k8s-audit scan (`shaped`: it has its parts) of a schema major version this one reads. */
function assertScan(file: string, schemaVersion: unknown, shaped: boolean): asserts schemaVersion is string {
  if (typeof schemaVersion !== 'string' || !shaped) {
    throw new UsageError(`${file} is not a k8s-audit scan result (write one with: k8s-audit scan --format json -o scan.json)`);
  }
  if (schemaVersion.split('.')[0] !== SCHEMA_VERSION.split('.')[0]) {
    throw new UsageError(`${file} has schemaVersion ${schemaVersion}; this k8s-audit reads ${SCHEMA_VERSION.split('.')[0]}.x`);
  }
}

/** The whole document, parsed a top-level member at a time and `results` an element at a time; undefined for another layout. */
function readPrettyWhole(buf: Buffer): Partial<ScanResult> | undefined {
  const pieces = prettyMembers(buf);
  if (!pieces) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, { start, end }] of pieces) {
    let value: unknown;
    if (key === 'results' && buf[start] === 0x5b) {
      const list: unknown[] = [];
      for (const [a, b] of elements(buf, start, end)) list.push(JSON.parse(buf.toString('utf8', a, b)));
      value = list;
    } else {
      value = parsePretty(buf, start, end, 1);
    }
    // As JSON.parse makes it: an own property, whatever the key (even "__proto__").
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out as Partial<ScanResult>;
}

/** What a comparison needs of an earlier scan (diffScans' `before`): when it ran, and its findings. */
export type BaselineScan = Pick<ScanResult, 'schemaVersion'> & { scan: BaselineScanInfo; results: Result[] };

/** What a comparison reads of the earlier scan's metadata: when it ran, and what it read (a cluster, or files). */
export type BaselineScanInfo = Pick<ScanResult['scan'], 'startedAt'> & Partial<Pick<ScanResult['scan'], 'source' | 'server' | 'cluster' | 'context'>>;

function baselineScanInfo(scan: ScanResult['scan']): BaselineScanInfo {
  const out: BaselineScanInfo = { startedAt: scan.startedAt };
  if (scan.source === 'cluster' || scan.source === 'manifests') out.source = scan.source;
  for (const key of ['server', 'cluster', 'context'] as const) if (typeof scan[key] === 'string') out[key] = scan[key];
  return out;
}

/**
 * Read a saved scan as a baseline: only its findings (fail and waived results), and of
 * each only what a comparison reads — identity, severity, status and message, not the
 * remediation, evidence or data. An earlier scan of a large cluster is as large as the
 * current one (about 1 GB of heap parsed whole at 50,000 Pods, and its text near V8's
 * 512 MB string limit), and a `--history` run holds its baseline while it scans.
 *
 * A file as k8s-audit writes it (`JSON.stringify(…, null, 2)`) is read a piece at a time
 * and never becomes one string: every raw newline in it is layout (strings escape
 * theirs), so a line starting `  "` opens a top-level member and, inside `results`, a
 * line `    {` opens an element and `    }` closes it. Any other JSON (minified by a
 * tool, say) is parsed whole, as readScan does. Checked as readScan checks.
 */
export function readBaseline(file: string): BaselineScan {
  const buf = readBytes(file);
  try {
    const read = readPretty(buf, file);
    if (read) return read;
  } catch (err) {
    // Not laid out as k8s-audit writes it after all: read it whole, which says what is wrong with it.
    if (!(err instanceof NotPretty)) throw err;
  }
  return compactBaseline(scanFromBytes(buf, file));
}

/** readBaseline's piecewise reading alone: undefined when the layout is not k8s-audit's (exported for tests). */
export function readPretty(buf: Buffer, file: string): BaselineScan | undefined {
  const pieces = prettyMembers(buf);
  if (!pieces) return undefined;
  const member = (key: string) => pieces.get(key);
  const parse = (key: string): unknown => {
    const m = member(key);
    if (!m) return undefined;
    try {
      return JSON.parse(buf.toString('utf8', m.start, m.end));
    } catch {
      throw new NotPretty();
    }
  };
  const schemaVersion = parse('schemaVersion');
  const scan = parse('scan') as ScanResult['scan'] | undefined;
  const results = member('results');
  assertScan(file, schemaVersion, !!scan && typeof scan === 'object' && !!results && !!member('controls') && !!member('summary'));
  if (!scan || !results) return undefined; // (asserted above)
  const findings: Result[] = [];
  const shared = new Shared();
  let index = 0;
  for (const [start, end] of elements(buf, results.start, results.end)) {
    let r: Result;
    try {
      r = JSON.parse(buf.toString('utf8', start, end)) as Result;
    } catch {
      throw new NotPretty();
    }
    const problem = resultProblem(r, `results[${index++}]`);
    if (problem) throw new UsageError(`${file} is not a valid k8s-audit scan result: ${problem} (was it edited?)`);
    if (isFindingResult(r)) findings.push(compactFinding(r, shared));
  }
  return { schemaVersion, scan: baselineScanInfo(scan), results: findings };
}

function isFindingResult(r: Result): boolean {
  return r !== null && typeof r === 'object' && (r.status === 'fail' || r.status === 'waived');
}

/**
 * One copy of what many findings repeat. JSON.parse gives every finding its own subject object
 * and its own copy of every string, while a subject has a finding per failed check, and control
 * ids, messages and paths recur across subjects. At 10,000 Pods the baseline a `--history` run
 * holds while it scans went from 33 to 13 MB of heap (71,000 findings), and reading it from 1.5
 * to 0.9 s. Findings are read, never modified, so sharing is safe.
 */
class Shared {
  readonly string = stringPool();
  readonly #subjects = new Map<string, Result['subject']>();
  subject(s: Result['subject']): Result['subject'] {
    if (s === null || typeof s !== 'object') return s;
    const key = JSON.stringify(s); // the whole object as written, so only identical subjects are shared
    const hit = this.#subjects.get(key);
    if (hit) return hit;
    this.#subjects.set(key, s);
    return s;
  }
}

/** A finding with what diffScans reads (sorting, identity, the fixed list), in results' key order. */
function compactFinding(r: Result, shared: Shared): Result {
  const f: Result = { controlId: shared.string(r.controlId), severity: shared.string(r.severity), subject: shared.subject(r.subject), status: shared.string(r.status), message: shared.string(r.message), fingerprint: r.fingerprint };
  if (r.path) f.path = shared.string(r.path);
  if (r.container) f.container = shared.string(r.container);
  // A binding's subject, which the comparison needs to pair a finding on a list entry (`subjects[0]`) whose text changed.
  const grantee = (r.observed as { grantee?: unknown } | null | undefined)?.grantee;
  if (grantee && typeof grantee === 'object') f.observed = { grantee };
  return f;
}

/** readBaseline's result from a scan parsed whole. */
export function compactBaseline(result: ScanResult): BaselineScan {
  const shared = new Shared();
  return { schemaVersion: result.schemaVersion, scan: baselineScanInfo(result.scan), results: result.results.filter(isFindingResult).map((r) => compactFinding(r, shared)) };
}

const NL = 0x0a;
const SPACE = 0x20;
const QUOTE = 0x22;

/** Whether `n` spaces and then `ch` follow position `i` exactly (and no further space). */
function indentedAt(buf: Buffer, i: number, n: number, ch: number): boolean {
  for (let k = 0; k < n; k++) if (buf[i + k] !== SPACE) return false;
  return buf[i + n] === ch;
}

/**
 * The top-level members of a document laid out as JSON.stringify(value, null, 2) lays
 * it out — `{`, then `\n  "key": value` separated by `,` — as byte ranges of their
 * values; undefined for any other layout.
 */
function prettyMembers(buf: Buffer): Map<string, { start: number; end: number }> | undefined {
  if (buf[0] !== 0x7b || buf[1] !== NL || !indentedAt(buf, 2, 2, QUOTE)) return undefined;
  let last = buf.length;
  while (last > 0 && (buf[last - 1] === NL || buf[last - 1] === SPACE)) last--;
  if (buf[last - 1] !== 0x7d || buf[last - 2] !== NL) return undefined; // "\n}" closes it
  const starts: number[] = [];
  for (let i = buf.indexOf(NL); i !== -1 && i < last - 2; i = buf.indexOf(NL, i + 1)) {
    if (indentedAt(buf, i + 1, 2, QUOTE)) starts.push(i + 3); // the key's opening quote
  }
  const out = new Map<string, { start: number; end: number }>();
  for (let m = 0; m < starts.length; m++) {
    const keyStart = starts[m]!;
    const sep = buf.indexOf('": ', keyStart + 1);
    if (sep === -1) return undefined;
    let key: unknown;
    try {
      key = JSON.parse(buf.toString('utf8', keyStart, sep + 1));
    } catch {
      return undefined;
    }
    // The value runs to the comma before the next member's newline, or to the closing "\n}".
    const end = m + 1 < starts.length ? starts[m + 1]! - 4 : last - 2;
    if (m + 1 < starts.length && buf[end] !== 0x2c) return undefined;
    if (typeof key !== 'string') return undefined;
    out.set(key, { start: sep + 3, end });
  }
  return out;
}

/**
 * A value laid out by JSON.stringify(…, null, 2) `depth` levels down, as JSON.parse makes it from its text, but never
 * holding more than PARSE_WHOLE_MAX bytes of it as one string. Every raw newline in such a text is layout (strings
 * escape theirs), so in an array or object opened at `depth` a line indented exactly 2 × (depth + 1) spaces starts an
 * element or member, unless it closes one (`]`, `}`); deeper lines are indented further. Runs of short parts are
 * parsed together, a long part a part at a time in turn. Any other layout is NotPretty.
 */
function parsePretty(buf: Buffer, start: number, end: number, depth: number): unknown {
  const open = buf[start];
  if (end - start <= PARSE_WHOLE_MAX || (open !== 0x5b && open !== 0x7b)) return JSON.parse(buf.toString('utf8', start, end));
  const isArray = open === 0x5b;
  const inner = 2 * (depth + 1);
  // "[\n<inner>a,\n<inner>b\n<indent>]": `last` is the newline before the closing bracket.
  const last = end - 2 - 2 * depth;
  if (buf[start + 1] !== NL || buf[last] !== NL || !indentedAt(buf, last + 1, 2 * depth, isArray ? 0x5d : 0x7d)) throw new NotPretty();
  const startsPart = (nl: number) => {
    const c = buf[nl + 1 + inner];
    return c !== undefined && c !== SPACE && c !== 0x5d && c !== 0x7d && indentedAt(buf, nl + 1, inner, c);
  };
  const parts: [number, number][] = [];
  for (let nl = start + 1; nl < last; ) {
    if (!startsPart(nl)) throw new NotPretty();
    let next = buf.indexOf(NL, nl + 1);
    while (next !== -1 && next < last && !startsPart(next)) next = buf.indexOf(NL, next + 1);
    if (next === -1 || next > last || (next < last && buf[next - 1] !== 0x2c)) throw new NotPretty();
    parts.push([nl + 1 + inner, next < last ? next - 1 : next]);
    nl = next;
  }
  const out: unknown[] | Record<string, unknown> = isArray ? [] : {};
  // As JSON.parse makes them: own properties, whatever the key (even "__proto__"); a repeated key keeps its last value.
  const put = (key: string, value: unknown) => Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  for (let p = 0; p < parts.length; ) {
    const [from, to] = parts[p]!;
    if (to - from > PARSE_WHOLE_MAX) {
      if (isArray) (out as unknown[]).push(parsePretty(buf, from, to, depth + 1));
      else {
        const keyEnd = stringEnd(buf, from);
        if (buf[keyEnd + 1] !== 0x3a || buf[keyEnd + 2] !== SPACE) throw new NotPretty();
        put(JSON.parse(buf.toString('utf8', from, keyEnd + 1)) as string, parsePretty(buf, keyEnd + 3, to, depth + 1));
      }
      p++;
      continue;
    }
    let q = p;
    while (q + 1 < parts.length && parts[q + 1]![1] - from <= PARSE_WHOLE_MAX) q++;
    const text = buf.toString('utf8', from, parts[q]![1]);
    const batch = JSON.parse(isArray ? `[${text}]` : `{${text}}`) as unknown[] | Record<string, unknown>;
    if (isArray) for (const v of batch as unknown[]) (out as unknown[]).push(v);
    else for (const [k, v] of Object.entries(batch)) put(k, v);
    p = q + 1;
  }
  return out;
}

/** The position of the quote that closes the JSON string opened at `at`. */
function stringEnd(buf: Buffer, at: number): number {
  if (buf[at] !== QUOTE) throw new NotPretty();
  for (let i = at + 1; i < buf.length; i++) {
    if (buf[i] === 0x5c) i++;
    else if (buf[i] === QUOTE) return i;
  }
  throw new NotPretty();
}

/** The byte ranges of the elements of a top-level array member laid out by JSON.stringify(…, null, 2). */
function* elements(buf: Buffer, start: number, end: number): Generator<[number, number]> {
  // "[]" or "[\n    {…},\n    {…}\n  ]"
  if (buf[start] !== 0x5b) throw new NotPretty();
  if (buf[start + 1] === 0x5d) return;
  let i = start + 1;
  while (i < end) {
    if (buf[i] !== NL || !indentedAt(buf, i + 1, 4, 0x7b)) throw new NotPretty();
    const open = i + 5;
    // The element ends at the first "\n    }" after it opens: deeper lines are indented further.
    let close = buf.indexOf('\n    }', open);
    if (close === -1 || close >= end) throw new NotPretty();
    close += 6; // past the "}"
    yield [open, close];
    i = buf[close] === 0x2c ? close + 1 : close;
    if (buf[i] === NL && indentedAt(buf, i + 1, 2, 0x5d)) return;
  }
}
