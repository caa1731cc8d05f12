// Applies YAML manifests to a cluster with server-side apply, like
// `kubectl apply --server-side --force-conflicts --field-manager=k8s-audit-seed -f <dir>`.
//
// Files are read in name order (recursively, *.yaml / *.yml / *.json), documents
// in file order; Namespaces are applied first, everything else in that order,
// one object at a time. Objects whose namespace, ServiceAccount or CRD is not
// there yet (namespace controller, serviceaccount controller and CRD
// establishment are asynchronous) are retried briefly.
//
// CLI:  KUBECONFIG=... node test/cluster/seed.ts <dir-or-file>... [--context <name>]

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { KubeApiError, KubeClient } from './kube.ts';

export const FIELD_MANAGER = 'k8s-audit-seed';

export interface Manifest {
  /** The object as written in the file. */
  object: any;
  /** "<file>#<document index>", for error messages. */
  source: string;
}

export interface ApplyOptions {
  /** Kubeconfig context; default its current-context. */
  context?: string;
  /** Namespace for namespaced objects that name none. Default "default". */
  defaultNamespace?: string;
  fieldManager?: string;
  /** How long to keep retrying an object that waits for something asynchronous. Default 30 s. */
  retryTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface AppliedObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

function listManifestFiles(path: string): string[] {
  const st = statSync(path);
  if (st.isFile()) return [path];
  const out: string[] = [];
  for (const name of readdirSync(path).sort()) {
    const p = join(path, name);
    if (statSync(p).isDirectory()) out.push(...listManifestFiles(p));
    else if (/\.(ya?ml|json)$/i.test(name)) out.push(p);
  }
  return out;
}

/** Parse every manifest under dirOrFile in apply order (files by name, documents in order; `List`s expanded). */
export function loadManifests(dirOrFile: string): Manifest[] {
  const root = resolve(dirOrFile);
  const out: Manifest[] = [];
  for (const file of listManifestFiles(root)) {
    const docs = YAML.parseAllDocuments(readFileSync(file, 'utf8'));
    const rel = relative(process.cwd(), file);
    const name = rel && !rel.startsWith('..') ? rel : file;
    docs.forEach((doc, i) => {
      if (doc.errors.length > 0) throw new Error(`${name}#${i}: invalid YAML: ${doc.errors[0]!.message.split('\n')[0]!.replace(/:\s*$/, '')}`);
      const obj = doc.toJS();
      if (obj == null) return; // empty document
      const items = typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items) ? obj.items : [obj];
      for (const item of items) {
        if (!item?.apiVersion || !item?.kind || !item?.metadata?.name) {
          throw new Error(`${name}#${i}: every object needs apiVersion, kind and metadata.name`);
        }
        out.push({ object: item, source: `${name}#${i}` });
      }
    });
  }
  return out;
}

interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

/** Lazily fetched, cached API discovery (kind → resource) per group/version. */
class Discovery {
  private client: KubeClient;
  private cache = new Map<string, Map<string, ResourceInfo> | null>();
  constructor(client: KubeClient) {
    this.client = client;
  }

  async resolve(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    let kinds = this.cache.get(apiVersion);
    if (!kinds || !kinds.has(kind)) {
      // Unknown or missing: (re)fetch, since a CRD may have been established since the last look.
      kinds = await this.fetch(apiVersion);
      this.cache.set(apiVersion, kinds);
    }
    return kinds?.get(kind);
  }

  private async fetch(apiVersion: string): Promise<Map<string, ResourceInfo> | null> {
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const res = await this.client.request('GET', path);
    if (res.status === 404) return null;
    if (res.status !== 200) throw new KubeApiError('GET', path, res);
    const kinds = new Map<string, ResourceInfo>();
    for (const r of res.body.resources ?? []) {
      if (String(r.name).includes('/')) continue; // subresources
      kinds.set(r.kind, { plural: r.name, namespaced: Boolean(r.namespaced) });
    }
    return kinds;
  }
}

/** Errors that mean "something this object needs is still being created": worth retrying. */
function isTransient(e: unknown): boolean {
  if (!(e instanceof KubeApiError)) return e instanceof Error && /ECONNRESET|ECONNREFUSED|socket hang up/.test(e.message);
  const msg = String(e.body?.message ?? e.message);
  if (e.status === 404 && (e.body?.details?.kind === 'namespaces' || /namespaces? "[^"]+" not found/.test(msg))) return true;
  if (e.status === 403 && /serviceaccount.*not found|service account.*not found/i.test(msg)) return true;
  if (e.status === 429 || e.status === 500 || e.status === 503 || e.status === 504) return true;
  return false;
}

class NotServedError extends Error {}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Server-side apply objects in the given order (Namespaces first). */
export async function applyObjects(kubeconfigPath: string, manifests: Manifest[], opts: ApplyOptions = {}): Promise<AppliedObject[]> {
  const client = KubeClient.fromKubeconfig(kubeconfigPath, opts.context);
  const discovery = new Discovery(client);
  const fieldManager = opts.fieldManager ?? FIELD_MANAGER;
  const retryMs = opts.retryTimeoutMs ?? 30_000;
  const ordered = [
    ...manifests.filter((m) => m.object.kind === 'Namespace' && m.object.apiVersion === 'v1'),
    ...manifests.filter((m) => !(m.object.kind === 'Namespace' && m.object.apiVersion === 'v1')),
  ];
  const applied: AppliedObject[] = [];
  // A kind the cluster does not serve is worth waiting for only if a CRD was applied in this run.
  let crdApplied = false;
  try {
    for (const { object, source } of ordered) {
      const { apiVersion, kind } = object;
      const name: string = object.metadata.name;
      const deadline = Date.now() + retryMs;
      for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
        try {
          const info = await discovery.resolve(apiVersion, kind);
          if (!info) throw new NotServedError(`${apiVersion} ${kind} is not served by the cluster`);
          const namespace: string | undefined = info.namespaced ? object.metadata.namespace ?? opts.defaultNamespace ?? 'default' : undefined;
          const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
          const path = `${base}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${info.plural}/${encodeURIComponent(name)}`;
          const body = namespace ? { ...object, metadata: { ...object.metadata, namespace } } : object;
          await client.call('PATCH', path, {
            body,
            contentType: 'application/apply-patch+yaml', // JSON is YAML
            query: { fieldManager, force: true },
          });
          applied.push({ apiVersion, kind, name, ...(namespace ? { namespace } : {}) });
          if (kind === 'CustomResourceDefinition') crdApplied = true;
          opts.log?.(`applied ${kind} ${namespace ? `${namespace}/` : ''}${name}`);
          break;
        } catch (e) {
          // A CRD applied just before may not be established yet: then NotServed is retried too.
          if ((isTransient(e) || (e instanceof NotServedError && crdApplied)) && Date.now() < deadline) {
            await sleep(delay);
            continue;
          }
          const msg = e instanceof KubeApiError ? `${e.status} ${e.body?.message ?? e.message}` : e instanceof Error ? e.message : String(e);
          throw new Error(`${source}: ${kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${name}: ${msg}`);
        }
      }
    }
  } finally {
    client.close();
  }
  return applied;
}

/** Load and server-side apply every manifest under dirOrFile. */
export async function applyManifests(kubeconfigPath: string, dirOrFile: string, opts: ApplyOptions = {}): Promise<AppliedObject[]> {
  return applyObjects(kubeconfigPath, loadManifests(dirOrFile), opts);
}

// ---------------------------------------------------------------------------
// CLI

async function cli(args: string[]): Promise<void> {
  let context: string | undefined;
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--context') context = args[++i];
    else if (args[i]?.startsWith('--context=')) context = args[i]!.slice('--context='.length);
    else paths.push(args[i]!);
  }
  const kubeconfig = process.env.KUBECONFIG?.split(':')[0];
  if (paths.length === 0) throw new Error('usage: KUBECONFIG=<path> node test/cluster/seed.ts <dir-or-file>... [--context <name>]');
  if (!kubeconfig) throw new Error('KUBECONFIG is not set (for the test cluster: eval "$(npm run -s cluster -- env)")');
  const t0 = Date.now();
  let n = 0;
  for (const p of paths) n += (await applyManifests(kubeconfig, p, { context })).length;
  console.log(`seed: applied ${n} objects from ${paths.join(', ')} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).catch((e: unknown) => {
    console.error(`seed: error: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  });
}
