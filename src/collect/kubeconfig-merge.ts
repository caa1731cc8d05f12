/**
 * Several kubeconfig files — `KUBECONFIG=~/.kube/config:~/.kube/prod` — made
 * into the one configuration kubectl would use, as client-go's loading rules
 * build it (clientcmd.ClientConfigLoadingRules.Load):
 *
 * - files are read in the order listed; missing files are skipped;
 * - a cluster, user or context is taken whole from the first file that names
 *   it: a later file's entry of the same name is ignored, even its fields the
 *   first one lacks;
 * - `current-context` is the first non-empty one;
 * - relative paths (certificate-authority, client-certificate, client-key,
 *   tokenFile, and an exec plugin's command when it holds a `/`) are resolved
 *   against the directory of the file the entry came from.
 *
 * The result is a JSON document (JSON is YAML) that both kubeconfig readers
 * (kubeconfig-static.ts and @kubernetes/client-node) load like any file.
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import YAML from 'yaml';
import { ConfigError } from '../errors.ts';

export interface KubeconfigFile {
  path: string;
  text: string;
}

type Entry = Record<string, unknown> & { name?: unknown };
const LISTS = ['clusters', 'users', 'contexts'] as const;

export interface MergedKubeconfig {
  /** The merged document (JSON). */
  text: string;
  /** The file each cluster and user was taken from, by name: what to edit to change it. */
  clusterFiles: Record<string, string>;
  userFiles: Record<string, string>;
}

export function mergeKubeconfigs(files: readonly KubeconfigFile[]): MergedKubeconfig {
  const from = { clusters: {} as Record<string, string>, users: {} as Record<string, string>, contexts: {} as Record<string, string> };
  const merged: Record<(typeof LISTS)[number], Entry[]> = { clusters: [], users: [], contexts: [] };
  const seen = { clusters: new Set<string>(), users: new Set<string>(), contexts: new Set<string>() };
  let currentContext: string | undefined;
  for (const file of files) {
    let doc: unknown;
    try {
      doc = YAML.parse(file.text);
    } catch (err) {
      throw new ConfigError(`invalid kubeconfig ${file.path}: ${(err as Error).message.split('\n')[0]!.trim()}`);
    }
    if (doc === null || doc === undefined) continue; // an empty file adds nothing, as in kubectl
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`invalid kubeconfig ${file.path}: not a mapping`);
    const config = doc as Record<string, unknown>;
    const base = dirname(resolve(file.path));
    for (const list of LISTS) {
      const entries = config[list];
      if (entries === undefined || entries === null) continue;
      if (!Array.isArray(entries)) throw new ConfigError(`invalid kubeconfig ${file.path}: ${list} is not a list`);
      for (const entry of entries as unknown[]) {
        if (!entry || typeof entry !== 'object' || typeof (entry as Entry).name !== 'string') continue;
        const name = (entry as Entry).name as string;
        if (seen[list].has(name)) continue;
        seen[list].add(name);
        from[list][name] = file.path;
        merged[list].push(resolvePaths(list, entry as Entry, base));
      }
    }
    const cc = config['current-context'];
    if (currentContext === undefined && typeof cc === 'string' && cc !== '') currentContext = cc;
  }
  const text = JSON.stringify({ apiVersion: 'v1', kind: 'Config', ...merged, ...(currentContext ? { 'current-context': currentContext } : {}) });
  return { text, clusterFiles: from.clusters, userFiles: from.users };
}

/** The entry with its file references made absolute against `base` (client-go's GetClusterFileReferences / GetAuthInfoFileReferences). */
function resolvePaths(list: (typeof LISTS)[number], entry: Entry, base: string): Entry {
  const abs = (p: unknown) => (typeof p === 'string' && p !== '' && !isAbsolute(p) ? join(base, p) : p);
  if (list === 'clusters') {
    const cluster = entry.cluster;
    if (!cluster || typeof cluster !== 'object') return entry;
    const c = { ...(cluster as Record<string, unknown>) };
    if ('certificate-authority' in c) c['certificate-authority'] = abs(c['certificate-authority']);
    return { ...entry, cluster: c };
  }
  if (list === 'users') {
    const user = entry.user;
    if (!user || typeof user !== 'object') return entry;
    const u = { ...(user as Record<string, unknown>) };
    for (const key of ['client-certificate', 'client-key', 'tokenFile']) if (key in u) u[key] = abs(u[key]);
    const exec = u.exec;
    if (exec && typeof exec === 'object' && typeof (exec as { command?: unknown }).command === 'string' && (exec as { command: string }).command.includes('/')) {
      u.exec = { ...(exec as Record<string, unknown>), command: abs((exec as { command: string }).command) };
    }
    return { ...entry, user: u };
  }
  return entry;
}
