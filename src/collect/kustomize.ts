/**
 * A small subset of kustomize, enough to read k8s-audit's own `deploy/` (and
 * kustomizations as simple) without the kustomize binary: `resources` (files,
 * and directories holding a kustomization of their own), `patches` with JSON
 * 6902 operations (inline or from a file; `target` by group, version, kind,
 * name and namespace) and `images` (newName, newTag, digest).
 *
 * Anything else in a kustomization (generators, namespace and label
 * transformers, strategic-merge patches, remote resources, components…) is an
 * error naming the field, never silently skipped: render such a kustomization
 * with `kubectl kustomize <dir>` and pipe it to `k8s-audit scan -f -`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '../errors.ts';
import type { K8sObject } from '../model/k8s.ts';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'patches', 'images']);

/** The kustomization file of a directory, if it has one. */
export function kustomizationFile(dir: string): string | undefined {
  for (const f of KUSTOMIZATION_FILES) {
    const p = join(dir, f);
    if (existsSync(p)) return p;
  }
  return undefined;
}

type Parse = (text: string, origin: string) => K8sObject[];

/**
 * How kustomize's remote targets without a scheme look (api/internal/git/repospec.go): a host name (with a dot), then
 * a repository whose root is marked — `//` before the path in it, `.git`, Azure's `_git/` — or on a forge kustomize
 * knows, or any target with a `?ref=` or `?version=`. A host-like name alone is not enough: `app.d/deploy.yaml` or
 * `v1.2/pod.yaml` that is missing is a missing local file.
 */
const HOST_FIRST = /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?\//i;
const REPO_MARKED = /^[^?]*?[^/:]\/\/|\.git(\/|\?|$)|_git\//i;
const FORGE = /^(github\.com|gitlab\.com|bitbucket\.org)\//i;
const GIT_REF = /[?&](ref|version)=/i;
function remoteWithoutScheme(r: string): boolean {
  return GIT_REF.test(r) || (HOST_FIRST.test(r) && (FORGE.test(r) || REPO_MARKED.test(r)));
}

/** Build a kustomization directory into objects. `parseObjects` reads resource files (multi-document YAML, Lists). */
export function buildKustomization(dir: string, parseObjects: Parse, seen: Set<string> = new Set()): K8sObject[] {
  const abs = resolve(dir);
  if (seen.has(abs)) throw new UsageError(`${dir}: kustomization cycle`);
  seen.add(abs);
  const file = kustomizationFile(dir);
  if (!file) throw new UsageError(`${dir}: no kustomization.yaml`);
  let k: Record<string, unknown>;
  try {
    k = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`${file}: invalid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof k !== 'object' || Array.isArray(k)) throw new UsageError(`${file}: not a kustomization`);
  for (const key of Object.keys(k)) {
    if (!SUPPORTED.has(key)) {
      throw new UsageError(`${file}: "${key}" is beyond k8s-audit's kustomize subset (resources, patches, images); render it with \`kubectl kustomize ${dir}\` and pipe the output to \`k8s-audit scan -f -\``);
    }
  }

  let objects: K8sObject[] = [];
  for (const r of list(k.resources, 'resources', file)) {
    if (typeof r !== 'string') throw new UsageError(`${file}: resources must be paths`);
    const remote = () => new UsageError(`${file}: remote resource ${r} is beyond k8s-audit's kustomize subset; render it with \`kubectl kustomize ${dir}\` and pipe the output to \`k8s-audit scan -f -\``);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(r) || r.startsWith('git@')) throw remote();
    const p = join(dir, r);
    let st;
    try {
      st = statSync(p);
    } catch {
      // kustomize also takes a remote target without a scheme (`github.com/org/repo//dir?ref=v1`): not a missing file.
      if (remoteWithoutScheme(r)) throw remote();
      throw new UsageError(`${file}: resource ${r} not found`);
    }
    if (st.isDirectory()) objects.push(...buildKustomization(p, parseObjects, new Set(seen)));
    else objects.push(...parseObjects(readFileSync(p, 'utf8'), p));
  }
  // kustomize works on copies: patches below must not reach into a base's cached objects.
  objects = structuredClone(objects);

  for (const [i, raw] of list(k.patches, 'patches', file).entries()) applyPatch(objects, raw, `${file}: patches[${i}]`, dir);
  for (const [i, raw] of list(k.images, 'images', file).entries()) applyImage(objects, raw, `${file}: images[${i}]`);
  return objects;
}

function list(v: unknown, field: string, file: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new UsageError(`${file}: "${field}" must be a list`);
  return v;
}

interface Target {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

function matchesTarget(o: K8sObject, t: Target): boolean {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return (
    (t.group === undefined || t.group === group) &&
    (t.version === undefined || t.version === version) &&
    (t.kind === undefined || t.kind === o.kind) &&
    (t.name === undefined || t.name === o.metadata.name) &&
    (t.namespace === undefined || t.namespace === (o.metadata.namespace ?? ''))
  );
}

interface Op {
  op: 'add' | 'remove' | 'replace' | 'test';
  path: string;
  value?: unknown;
}

function applyPatch(objects: K8sObject[], raw: unknown, where: string, dir: string): void {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UsageError(`${where}: expected a mapping with patch (or path) and target`);
  const p = raw as { patch?: unknown; path?: unknown; target?: unknown };
  for (const key of Object.keys(p)) if (!['patch', 'path', 'target'].includes(key)) throw new UsageError(`${where}: "${key}" is beyond k8s-audit's kustomize subset`);
  if (typeof p.target !== 'object' || p.target === null) throw new UsageError(`${where}: a target is required (k8s-audit applies JSON 6902 patches only)`);
  let text: string;
  if (typeof p.patch === 'string') text = p.patch;
  else if (typeof p.path === 'string') {
    try {
      text = readFileSync(join(dir, p.path), 'utf8');
    } catch {
      throw new UsageError(`${where}: patch file ${p.path} not found`);
    }
  } else throw new UsageError(`${where}: give the patch inline (patch) or as a file (path)`);
  let ops: unknown;
  try {
    ops = parse(text);
  } catch (err) {
    throw new UsageError(`${where}: invalid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(ops)) throw new UsageError(`${where}: only JSON 6902 patches (a list of operations) are in k8s-audit's kustomize subset`);
  const target = p.target as Target;
  // labelSelector and annotationSelector narrow what a patch touches: ignoring them would patch objects kustomize leaves alone.
  for (const key of Object.keys(target)) {
    if (!['group', 'version', 'kind', 'name', 'namespace'].includes(key)) throw new UsageError(`${where}: target.${key} is beyond k8s-audit's kustomize subset (group, version, kind, name, namespace); render it with \`kubectl kustomize\` and pipe the output to \`k8s-audit scan -f -\``);
  }
  const hits = objects.filter((o) => matchesTarget(o, target));
  if (hits.length === 0) throw new UsageError(`${where}: the target matches no resource`);
  for (const o of hits) {
    for (const [j, op] of ops.entries()) {
      if (typeof op !== 'object' || op === null || !['add', 'remove', 'replace', 'test'].includes((op as Op).op) || typeof (op as Op).path !== 'string') {
        throw new UsageError(`${where}: operation ${j} is not an add, remove, replace or test with a path`);
      }
      try {
        applyOp(o as unknown as Record<string, unknown>, op as Op);
      } catch (err) {
        throw new UsageError(`${where}: operation ${j} (${(op as Op).op} ${(op as Op).path}) on ${o.kind} ${o.metadata.name}: ${(err as Error).message}`);
      }
    }
  }
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new Error('a JSON pointer starts with /');
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** One RFC 6902 operation on a document, in place. */
export function applyOp(doc: Record<string, unknown>, op: Op): void {
  const parts = pointer(op.path);
  if (parts.length === 0) throw new Error('cannot operate on the whole document');
  const last = parts.pop()!;
  let parent: unknown = doc;
  for (const part of parts) {
    parent = child(parent, part);
    if (parent === undefined) throw new Error(`no such path`);
  }
  if (typeof parent !== 'object' || parent === null) throw new Error('the parent is not an object or array');
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : arrayIndex(last, parent.length + (op.op === 'add' ? 1 : 0));
    if (op.op === 'add') parent.splice(index, 0, structuredClone(op.value));
    else if (index >= parent.length) throw new Error('no such index');
    else if (op.op === 'remove') parent.splice(index, 1);
    else if (op.op === 'replace') parent[index] = structuredClone(op.value);
    else if (JSON.stringify(parent[index]) !== JSON.stringify(op.value)) throw new Error('test failed');
    return;
  }
  const obj = parent as Record<string, unknown>;
  if (op.op === 'add') obj[last] = structuredClone(op.value);
  else if (!(last in obj)) throw new Error('no such member');
  else if (op.op === 'remove') delete obj[last];
  else if (op.op === 'replace') obj[last] = structuredClone(op.value);
  else if (JSON.stringify(obj[last]) !== JSON.stringify(op.value)) throw new Error('test failed');
}

function child(v: unknown, part: string): unknown {
  if (Array.isArray(v)) return v[arrayIndex(part, v.length)];
  if (typeof v === 'object' && v !== null) return (v as Record<string, unknown>)[part];
  return undefined;
}

function arrayIndex(part: string, limit: number): number {
  if (!/^(0|[1-9]\d*)$/.test(part)) throw new Error(`"${part}" is not an array index`);
  const n = Number(part);
  if (n >= limit) throw new Error('index out of range');
  return n;
}

interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

function applyImage(objects: K8sObject[], raw: unknown, where: string): void {
  const r = raw as ImageRule;
  if (typeof r !== 'object' || r === null || typeof r.name !== 'string') throw new UsageError(`${where}: an image rule needs a name`);
  for (const key of Object.keys(r)) if (!['name', 'newName', 'newTag', 'digest'].includes(key)) throw new UsageError(`${where}: "${key}" is beyond k8s-audit's kustomize subset`);
  if (r.newTag !== undefined && r.digest !== undefined) throw new UsageError(`${where}: give newTag or digest, not both`);
  for (const o of objects) visitContainers(o, (c) => {
    if (typeof c.image !== 'string') return;
    const { name, tag, digest } = splitImage(c.image);
    if (name !== r.name) return;
    const newName = r.newName ?? name;
    c.image = r.digest !== undefined ? `${newName}@${r.digest}` : r.newTag !== undefined ? `${newName}:${r.newTag}` : `${newName}${digest ? `@${digest}` : tag ? `:${tag}` : ''}`;
  });
}

/** An image reference as name, tag and digest (a registry port is part of the name). */
export function splitImage(image: string): { name: string; tag?: string; digest?: string } {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  const out: { name: string; tag?: string; digest?: string } = { name: rest };
  if (colon > rest.lastIndexOf('/')) {
    out.name = rest.slice(0, colon);
    out.tag = rest.slice(colon + 1);
  }
  if (digest) out.digest = digest;
  return out;
}

function visitContainers(v: unknown, fn: (c: { image?: unknown }) => void): void {
  if (Array.isArray(v)) {
    for (const x of v) visitContainers(x, fn);
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  for (const [k, x] of Object.entries(v)) {
    if ((k === 'containers' || k === 'initContainers' || k === 'ephemeralContainers') && Array.isArray(x)) {
      for (const c of x) if (typeof c === 'object' && c !== null) fn(c as { image?: unknown });
    } else visitContainers(x, fn);
  }
}
