import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type SchemaOptions } from 'yaml';
import { sourceKey } from '../engine/result.ts';
import { UsageError } from '../errors.ts';
import type { K8sObject } from '../model/k8s.ts';
import { Snapshot, groupByKind, type ServerVersion, type SnapshotInput } from '../model/snapshot.ts';
import { KIND_KEYS, KINDS, checkedKindOf, kindKeyOf, type KindKey } from './kinds.ts';
import { buildKustomization, kustomizationFile } from './kustomize.ts';
import { formatPath, refusalOf, type FieldPath } from './validate.ts';

/**
 * kubectl reads manifests as YAML 1.1 (sigs.k8s.io/yaml, on go-yaml v2): `yes`, `on`, `y` are true, `0777` is
 * octal, and `<<` merges a mapping in. Read as YAML 1.2, `privileged: yes` would be the string "yes" and pass every
 * control that kubectl's `true` fails. Timestamps and sexagesimal numbers (`1:30`), which the YAML 1.1 schema also
 * has, stay strings, as go-yaml v2 leaves them for a JSON object.
 */
function asKubectlReads(tags: Tags): Tags {
  return tags.filter((t) => typeof t !== 'object' || (t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME'));
}
type Tags = Parameters<Extract<NonNullable<SchemaOptions['customTags']>, (...a: never[]) => unknown>>[0];

/**
 * Parse Kubernetes objects from YAML or JSON text: multi-document streams,
 * `List` kinds (`v1/List`, `*List`) flattened, empty documents skipped.
 * `origin` names the source in error messages.
 */
export function parseManifests(text: string, origin: string, firstLine = 1): K8sObject[] {
  // A stream of JSON objects one after another (`kubectl get -o json` of several, `jq -c`): kubectl reads it, YAML does not.
  const values = firstLine === 1 ? jsonStream(text) : undefined;
  if (values) {
    // Each value parsed on its own, its lines counted from where it starts, so that errors and sources name the right line.
    return values.flatMap((v) => parseManifests(v.text, origin, v.line));
  }
  const out: K8sObject[] = [];
  const lineCounter = new LineCounter();
  // uniqueKeys off: kubectl (go-yaml v2) keeps the last of a key given twice, which Helm charts do with labels.
  const docs = parseAllDocuments(text, { prettyErrors: false, lineCounter, version: '1.1', customTags: asKubectlReads, uniqueKeys: false });
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const line = (pos: number) => lineCounter.linePos(pos).line + firstLine - 1;
    const at = (n: number) => (n ? `${origin}:${n}` : origin);
    // go-yaml also reads `\'` inside double quotes, which YAML does not define (the string keeps its backslash here).
    const errors = doc.errors.filter((e) => !(e.code === 'BAD_DQ_ESCAPE' && e.message.startsWith("Invalid escape sequence \\'")));
    if (errors.length > 0) {
      const e = errors[0]!;
      const at = e.linePos?.[0]?.line !== undefined ? e.linePos[0].line + firstLine - 1 : line(e.pos[0]);
      throw new UsageError(`${origin}${at ? `:${at}` : ''}: invalid YAML: ${e.message.split('\n')[0]}`);
    }
    let value: unknown;
    try {
      value = wellFormed(doc.toJS({ maxAliasCount: 10_000 }));
    } catch (err) {
      // An alias to an anchor of another document, or aliases that would expand without bound.
      const at = doc.range ? line(doc.range[0]) : 0;
      throw new UsageError(`${origin}${at ? `:${at}` : ''}: invalid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    if (value == null) continue;
    collectObjects(value, (path) => at(lineOf(doc, path, line)), out);
  }
  return out;
}

/**
 * The values of a stream of two or more JSON objects or lists written one after another, with the line each starts
 * on; undefined for anything else (one JSON document, YAML), which the YAML parser reads.
 */
function jsonStream(text: string): { text: string; line: number }[] | undefined {
  const start = text.search(/\S/);
  if (start < 0 || (text[start] !== '{' && text[start] !== '[')) return undefined;
  const values: { text: string; line: number }[] = [];
  let depth = 0;
  let inString = false;
  let from = -1;
  let line = 1;
  let fromLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 0 && !/\s/.test(c)) {
      if (c !== '{' && c !== '[') return undefined; // not a stream of objects: the YAML parser says what is wrong
      from = i;
      fromLine = line;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) values.push({ text: text.slice(from, i + 1), line: fromLine });
      if (depth < 0) return undefined;
    }
  }
  return depth === 0 && values.length > 1 ? values : undefined;
}

/**
 * Strings with a lone UTF-16 surrogate (a YAML or JSON `\uD800` escape) made well-formed, U+FFFD in its place: what
 * the API server stores (Go decodes JSON so), and what every JSON reader can read back from k8s-audit's outputs.
 */
function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? value.replace(LONE_SURROGATES, '\uFFFD') : value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = wellFormed(value[i]);
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const v = wellFormed(obj[key]);
      if (!LONE_SURROGATE.test(key)) obj[key] = v;
      else {
        delete obj[key];
        obj[key.replace(LONE_SURROGATES, '\uFFFD')] = v;
      }
    }
  }
  return value;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** A kustomization's objects after its patches, checked again: a patch can write what the API server refuses. */
function patchedChecked(objects: K8sObject[], dir: string): K8sObject[] {
  for (const o of objects) {
    const refusal = refusalOf(o);
    if (!refusal) continue;
    const ns = typeof o.metadata.namespace === 'string' && o.metadata.namespace ? `${o.metadata.namespace}/` : '';
    throw new UsageError(`${origins.get(o) ?? dir}: ${o.kind} ${ns}${o.metadata.name}, as the kustomization in ${dir} patches it: ${formatPath(refusal.path)} ${refusal.problem}; the API server would refuse this object`);
  }
  return objects;
}

/** `origin:line` of a field of a document's value, by its path (`['items', 2, 'spec']`); the deepest part of it that is in the text. */
type Locate = (path: FieldPath) => string;

/** The line of the field at `path` (of its key, in a map), or of its nearest parent written in the text (an alias or a merge key hides what lies below). */
function lineOf(doc: Document.Parsed, path: FieldPath, line: (pos: number) => number): number {
  for (let n = path.length; n > 0; n--) {
    const parent = doc.getIn(path.slice(0, n - 1), true);
    const key = path[n - 1];
    const node = isMap(parent) ? parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key)?.key : isSeq(parent) ? parent.items[key as number] : undefined;
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return line(range[0]);
  }
  const top = doc.contents?.range ?? doc.range;
  return top ? line(top[0]) : 0;
}

function collectObjects(value: unknown, locate: Locate, out: K8sObject[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${locate([])}: a document is not a Kubernetes object (it is ${Array.isArray(value) ? 'a list' : `the ${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`})`);
  }
  const obj = value as Partial<K8sObject> & { items?: unknown };
  if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
    obj.items.forEach((item, i) => collectObjects(item, (path) => locate(['items', i, ...path]), out));
    return;
  }
  // A name the API server generates (`kubectl create`, Helm's hooks): scanned under its prefix, as `migrate-`.
  const meta = obj.metadata as { name?: unknown; generateName?: unknown } | undefined;
  if (meta && typeof meta === 'object' && (meta.name === undefined || meta.name === null || meta.name === '') && typeof meta.generateName === 'string' && meta.generateName) {
    meta.name = meta.generateName;
    generated.add(obj);
  }
  const lacks = identityProblem(obj);
  if (lacks) throw new UsageError(`${locate(lacks.path)}: ${lacks.problem}`);
  const refusal = refusalOf(obj);
  if (refusal) {
    const { kind, metadata } = obj as K8sObject;
    const ns = typeof metadata.namespace === 'string' && metadata.namespace ? `${metadata.namespace}/` : '';
    throw new UsageError(`${locate(refusal.path)}: ${kind} ${ns}${metadata.name}: ${formatPath(refusal.path)} ${refusal.problem}; the API server would refuse this object`);
  }
  origins.set(obj, locate([])); // the line the object starts on (an item's own line in a List)
  out.push(obj as K8sObject);
}

/**
 * Why a document is no object kubectl could apply: which of apiVersion, kind and metadata.name it lacks (or gives as
 * something other than a string).
 */
function identityProblem(obj: Partial<K8sObject> & { items?: unknown }): { path: FieldPath; problem: string } | undefined {
  const meta = obj.metadata as unknown;
  if (meta !== undefined && meta !== null && (typeof meta !== 'object' || Array.isArray(meta))) {
    return { path: ['metadata'], problem: `a document's metadata must be a map, not ${Array.isArray(meta) ? 'a list' : `the ${typeof meta} ${JSON.stringify(meta)}`}` };
  }
  const fields: [FieldPath, unknown][] = [
    [['apiVersion'], obj.apiVersion],
    [['kind'], obj.kind],
    [['metadata', 'name'], obj.metadata?.name],
  ];
  const unset = (v: unknown) => v === undefined || v === null || v === '';
  const missing = fields.filter(([, v]) => unset(v));
  const wrong = fields.find(([, v]) => !unset(v) && typeof v !== 'string');
  const what = typeof obj.kind === 'string' && obj.kind ? `a ${obj.kind}` : 'a document';
  if (wrong) return { path: wrong[0], problem: `${what}'s ${formatPath(wrong[0])} must be a string, not the ${typeof wrong[1]} ${JSON.stringify(wrong[1])?.slice(0, 40)}` };
  if (missing.length === 0) return undefined;
  if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && 'items' in obj && missing.some(([p]) => p[0] === 'metadata')) {
    return { path: ['items'], problem: `a ${obj.kind}'s items must be a list, not ${obj.items === null ? 'null' : `the ${typeof obj.items} ${JSON.stringify(obj.items)?.slice(0, 40)}`}` };
  }
  const names = missing.map(([p]) => formatPath(p));
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return {
    path: missing[0]![0].slice(0, -1).length ? ['metadata'] : [],
    problem: `${what} lacks ${list}`,
  };
}

const MANIFEST = /\.(ya?ml|json)$/i;

/** Files under a path: the file itself, or every YAML/JSON file below a directory, sorted. */
export function manifestFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`no such file or directory: ${path}`);
  }
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(path, entry.name);
    if (entry.isDirectory()) out.push(...manifestFiles(p));
    else if (MANIFEST.test(entry.name)) out.push(p);
  }
  return out;
}

/**
 * Objects from a file or a directory. A directory holding a kustomization is
 * built (k8s-audit's kustomize subset, src/collect/kustomize.ts) instead of
 * read file by file, at the top and in every subdirectory of a plain tree.
 */
export function readManifests(path: string, warn: (line: string) => void = () => {}): K8sObject[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`no such file or directory: ${path}`);
  }
  if (!st.isDirectory()) return parseManifests(readText(path), path); // a pipe given by name (-f <(helm template …)) is read
  if (kustomizationFile(path)) return patchedChecked(buildKustomization(path, parseManifests), path);
  const out: K8sObject[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(path, entry.name);
    if (entry.isDirectory()) out.push(...readManifests(p, warn));
    else if (entry.isSymbolicLink() && isDirectory(p)) {
      // As kubectl apply -R: a linked directory is not walked (it may lead out of the tree, or back into it).
      warn(`${p} is a symbolic link to a directory, which is not followed (as kubectl apply -R does not): give it to -f to scan it`);
    } else if (MANIFEST.test(entry.name)) {
      if (!isRegularFile(p)) warn(`${p} is not a regular file (a pipe, socket or device): skipped`);
      else out.push(...parseManifests(readText(p), p));
    }
  }
  return out;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return true; // a broken link: reading it says why
  }
}

/** Manifest bytes as text: UTF-8, or UTF-16 with its byte-order mark (what Windows PowerShell's `>` and `|` write), as kubectl reads them. */
export function decodeManifest(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return bytes.toString('utf8');
}

/** A file's text: UTF-8, or UTF-16 with its byte-order mark (what Windows PowerShell's `>` writes), which kubectl reads too. */
function readText(path: string): string {
  try {
    return decodeManifest(readFileSync(path));
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

export interface StaticOptions {
  /** The text of standard input, for the path `-`. */
  stdin?: string;
  /** Keep only namespaced objects in these namespaces (and these Namespace objects). */
  namespaces?: string[];
  /** Leave out namespaced objects in these namespaces (and these Namespace objects). */
  excludeNamespaces?: string[];
  /** Where to say what was read but not scanned (one line each, without a prefix). */
  warn?: (line: string) => void;
}

/** Objects named by their generateName: never the same object as another of that name. */
const generated = new WeakSet<object>();

/** Where each object was read from (`file:line`), for warnings and `scan.sources`. */
const origins = new WeakMap<object, string>();

/**
 * Where each object of a static snapshot was read (ScanResult.scan.sources), by sourceKey: the file as given and the
 * line its document starts on. Objects built through a kustomization (copies) have none.
 */
export function sourcesOf(snapshot: Snapshot): Record<string, { file: string; line: number }> {
  const out: Record<string, { file: string; line: number }> = {};
  for (const k of KIND_KEYS) {
    for (const o of snapshot.list(k)) {
      const m = /^(.*):(\d+)$/s.exec(origins.get(o) ?? '');
      if (m) out[sourceKey({ kind: o.kind, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), name: o.metadata.name })] = { file: m[1]!, line: Number(m[2]) };
    }
  }
  return out;
}

/** The kind key of an object of a kind k8s-audit checks, matched by kind and API group. */
function checkedKind(o: K8sObject): KindKey | undefined {
  return checkedKindOf(o.apiVersion, o.kind);
}

/** Whether an object of a kind k8s-audit does not check holds containers (an Argo Rollout, a Knative Service): its pods go unchecked. */
function holdsContainers(value: unknown, depth = 0): boolean {
  if (depth > 8 || typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some((v) => holdsContainers(v, depth + 1));
  for (const [k, v] of Object.entries(value)) {
    if (k === 'containers' && Array.isArray(v) && v.some((c) => typeof c === 'object' && c !== null && 'image' in c)) return true;
    if (holdsContainers(v, depth + 1)) return true;
  }
  return false;
}

/** An object of a kind k8s-audit does not check that may hold what its controls look for: containers, or rules under a checked kind's name. */
function mayHideFinding(o: K8sObject): boolean {
  return !checkedKind(o) && (kindKeyOf(o.kind) !== undefined || holdsContainers(o.spec));
}

function describe(o: K8sObject): string {
  const where = origins.get(o);
  return `${o.kind} ${o.apiVersion} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}${where ? ` (${where})` : ''}`;
}

/**
 * The objects as the API server would store them from `kubectl apply -f` (with `-n`, when one namespace is given):
 * - objects of kinds k8s-audit does not check are left out, and those that could hide a finding are named in a
 *   warning: ones that hold containers, and ones named like a checked kind in another API group;
 * - a namespaced object without a namespace is in `defaultNamespace`, and a cluster-scoped one loses the namespace
 *   it gives (the API server ignores it: kept, `-n` or a waiver's namespace would leave out a ClusterRoleBinding);
 * - an object given twice is scanned once, as the later copy (what a second apply leaves), with a warning.
 */
function asApplied(objects: K8sObject[], defaultNamespace: string, warn: (line: string) => void): K8sObject[] {
  const out = new Map<string, K8sObject>();
  const hidden: string[] = [];
  const twice: string[] = [];
  for (const o of objects) {
    const key = checkedKind(o);
    if (!key) {
      if (mayHideFinding(o)) hidden.push(describe(o));
      continue;
    }
    let obj = o;
    if (KINDS[key].namespaced && !o.metadata.namespace) obj = { ...o, metadata: { ...o.metadata, namespace: defaultNamespace } };
    else if (!KINDS[key].namespaced && o.metadata.namespace !== undefined) {
      const { namespace: _ignored, ...metadata } = o.metadata;
      obj = { ...o, metadata: metadata as K8sObject['metadata'] };
    }
    let id = `${key}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    if (generated.has(o) && out.has(id)) {
      // Each object of a generated name is one of its own (kubectl create makes each): `migrate-`, `migrate-#2`, …
      let n = 2;
      while (out.has(`${id}#${n}`)) n++;
      obj = { ...obj, metadata: { ...obj.metadata, name: `${obj.metadata.name}#${n}` } };
      id = `${id}#${n}`;
    }
    const earlier = out.get(id);
    if (earlier) {
      twice.push(`${describe(o)}, also ${origins.get(earlier) ?? 'given earlier'}`);
      out.delete(id); // the later copy, in the later place
    }
    if (obj !== o && origins.has(o)) origins.set(obj, origins.get(o)!);
    out.set(id, obj);
  }
  const some = (list: string[]) => `${list.slice(0, 5).join('; ')}${list.length > 5 ? `; and ${list.length - 5} more` : ''}`;
  if (hidden.length) warn(`${hidden.length} object(s) not scanned: their kind (or its API group) is not one k8s-audit checks, and their containers or rules go unchecked: ${some(hidden)}`);
  if (twice.length) warn(`${twice.length} object(s) given more than once; each is scanned once, as its later copy (what applying the files in order leaves): ${some(twice)}`);
  return [...out.values()];
}

/** Load objects from files, directories and standard input (`-`) into a static Snapshot. */
export function snapshotFromFiles(paths: string[], opts: StaticOptions = {}): Snapshot {
  const read: K8sObject[] = [];
  for (const p of paths) {
    if (p === '-') read.push(...parseManifests(opts.stdin ?? '', '<stdin>'));
    else read.push(...readManifests(p, opts.warn));
  }
  // Never a silent empty scan: `helm template … | k8s-audit scan -f -` with a failing helm must not pass a gate.
  const where = paths.map((p) => (p === '-' ? 'standard input' : p)).join(', ');
  if (read.length === 0) throw new UsageError(`no Kubernetes object in ${where}: nothing to scan`);
  const objects = asApplied(read, opts.namespaces?.length === 1 ? opts.namespaces[0]! : 'default', opts.warn ?? (() => {}));
  const snapshot = snapshotFromObjects(objects);
  // Objects only of kinds no control reads. If one of them may hold what the controls look for (an Argo Rollout's
  // containers), passing the files would pass it unseen: an error. Otherwise (a PodDisruptionBudget, a
  // PriorityClass) there is nothing to judge, which a warning says: a pipeline scanning file by file goes on.
  const checked = KIND_KEYS.reduce((n, k) => n + snapshot.list(k).length, 0);
  if (checked === 0) {
    const kinds = [...new Set(read.map((o) => o.kind))].sort().slice(0, 5).join(', ');
    if (read.some(mayHideFinding)) throw new UsageError(`the ${read.length} object(s) in ${where} are of kinds k8s-audit does not check (${kinds}): nothing to scan`);
    opts.warn?.(`the ${read.length} object(s) in ${where} are of kinds k8s-audit does not check (${kinds}), none of which holds containers: no control has anything to judge`);
    return snapshot;
  }
  if (!opts.namespaces?.length && !opts.excludeNamespaces?.length) return snapshot;
  const only = opts.namespaces?.length ? new Set(opts.namespaces) : undefined;
  const excluded = new Set(opts.excludeNamespaces ?? []);
  const keep = (ns: string) => (!only || only.has(ns)) && !excluded.has(ns);
  const kept = KIND_KEYS.flatMap((k) =>
    snapshot.list(k).filter((o) => (k === 'namespaces' ? keep(o.metadata.name) : !o.metadata.namespace || keep(o.metadata.namespace))),
  );
  if (kept.length === 0) {
    const scope = [only ? `-n ${[...only].join(',')}` : '', excluded.size ? `--exclude-namespace ${[...excluded].join(',')}` : ''].filter(Boolean).join(' and ');
    throw new UsageError(`${scope} leaves none of the ${checked} object(s) k8s-audit checks in ${where}: nothing to scan`);
  }
  // The objects of other namespaces were in the files but are left out: what needs them is not assessed (Snapshot.namespacesLimited).
  return snapshotFromObjects(kept, { ...(only ? { namespaces: [...only] } : {}), ...(excluded.size ? { excludedNamespaces: [...excluded] } : {}) });
}

/**
 * A Snapshot from objects. Namespaced objects without a namespace land in
 * `default`. With `asCluster`, every kind counts as completely listed, as if
 * read from a cluster holding exactly these objects: what unit tests use.
 */
export function snapshotFromObjects(
  objects: K8sObject[],
  opts: { asCluster?: boolean; serverVersion?: ServerVersion; namespaces?: string[]; excludedNamespaces?: string[] } = {},
): Snapshot {
  const { objects: grouped } = groupByKind(
    objects.map((o) => (o.metadata.namespace || !isNamespacedKind(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace: 'default' } })),
  );
  const input: SnapshotInput = { source: opts.asCluster ? 'cluster' : 'manifests', objects: grouped };
  if (opts.asCluster) {
    for (const k of KIND_KEYS) grouped[k] ??= [];
  }
  if (opts.serverVersion) input.serverVersion = opts.serverVersion;
  if (opts.namespaces) input.namespaces = opts.namespaces;
  if (opts.excludedNamespaces) input.excludedNamespaces = opts.excludedNamespaces;
  return new Snapshot(input);
}

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolume',
  'StorageClass',
  'CustomResourceDefinition',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
]);

function isNamespacedKind(kind: string): boolean {
  return !CLUSTER_SCOPED.has(kind);
}
