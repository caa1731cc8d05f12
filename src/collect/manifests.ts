import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { UsageError } from '../errors.ts';
import type { K8sObject } from '../model/k8s.ts';
import { Snapshot, groupByKind, type ServerVersion, type SnapshotInput } from '../model/snapshot.ts';
import { KIND_KEYS } from './kinds.ts';
import { buildKustomization, kustomizationFile } from './kustomize.ts';

/**
 * Parse Kubernetes objects from YAML or JSON text: multi-document streams,
 * `List` kinds (`v1/List`, `*List`) flattened, empty documents skipped.
 * `origin` names the source in error messages.
 */
export function parseManifests(text: string, origin: string): K8sObject[] {
  const out: K8sObject[] = [];
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { prettyErrors: false, lineCounter });
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const line = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
      throw new UsageError(`${origin}${line ? `:${line}` : ''}: invalid YAML: ${e.message.split('\n')[0]}`);
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value == null) continue;
    collectObjects(value, origin, out);
  }
  return out;
}

function collectObjects(value: unknown, origin: string, out: K8sObject[]): void {
  if (typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${origin}: a document is not a Kubernetes object`);
  const obj = value as Partial<K8sObject> & { items?: unknown[] };
  if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
    for (const item of obj.items) collectObjects(item, origin, out);
    return;
  }
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string' || typeof obj.metadata?.name !== 'string') {
    throw new UsageError(`${origin}: a document lacks apiVersion, kind or metadata.name`);
  }
  out.push(obj as K8sObject);
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
export function readManifests(path: string): K8sObject[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`no such file or directory: ${path}`);
  }
  if (!st.isDirectory()) return parseManifests(readText(path), path);
  if (kustomizationFile(path)) return buildKustomization(path, parseManifests);
  const out: K8sObject[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(path, entry.name);
    if (entry.isDirectory()) out.push(...readManifests(p));
    else if (MANIFEST.test(entry.name)) out.push(...parseManifests(readText(p), p));
  }
  return out;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
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
}

/** Load objects from files, directories and standard input (`-`) into a static Snapshot. */
export function snapshotFromFiles(paths: string[], opts: StaticOptions = {}): Snapshot {
  const objects: K8sObject[] = [];
  for (const p of paths) {
    if (p === '-') objects.push(...parseManifests(opts.stdin ?? '', '<stdin>'));
    else objects.push(...readManifests(p));
  }
  // Never a silent empty scan: `helm template … | k8s-audit scan -f -` with a failing helm must not pass a gate.
  const where = paths.map((p) => (p === '-' ? 'standard input' : p)).join(', ');
  if (objects.length === 0) throw new UsageError(`no Kubernetes object in ${where}: nothing to scan`);
  const snapshot = snapshotFromObjects(objects);
  // Objects only of kinds no control reads (custom resources, ConfigMaps) are nothing to scan either.
  const checked = KIND_KEYS.reduce((n, k) => n + snapshot.list(k).length, 0);
  if (checked === 0) {
    const kinds = [...new Set(objects.map((o) => o.kind))].sort().slice(0, 5).join(', ');
    throw new UsageError(`the ${objects.length} object(s) in ${where} are of kinds k8s-audit does not check (${kinds}): nothing to scan`);
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
  return snapshotFromObjects(kept);
}

/**
 * A Snapshot from objects. Namespaced objects without a namespace land in
 * `default`. With `asCluster`, every kind counts as completely listed, as if
 * read from a cluster holding exactly these objects: what unit tests use.
 */
export function snapshotFromObjects(objects: K8sObject[], opts: { asCluster?: boolean; serverVersion?: ServerVersion } = {}): Snapshot {
  const { objects: grouped } = groupByKind(
    objects.map((o) => (o.metadata.namespace || !isNamespacedKind(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace: 'default' } })),
  );
  const input: SnapshotInput = { source: opts.asCluster ? 'cluster' : 'manifests', objects: grouped };
  if (opts.asCluster) {
    for (const k of KIND_KEYS) grouped[k] ??= [];
  }
  if (opts.serverVersion) input.serverVersion = opts.serverVersion;
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
