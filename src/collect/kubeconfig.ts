import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type https from 'node:https';
import { ConfigError } from '../errors.ts';
import { credentialFactsFromKubeconfig, type CredentialFacts } from './extras.ts';

export interface Target {
  /** Where the configuration came from: a kubeconfig path or `in-cluster`. */
  origin: string;
  context?: string;
  cluster?: string;
  user?: string;
  server: string;
  tls: https.RequestOptions;
  /** What the kubeconfig entry in use holds (booleans only, never the secrets): for the kubeconfig controls. */
  credentials?: CredentialFacts;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Resolve the cluster to scan: `--kubeconfig`, else $KUBECONFIG (first
 * existing file of the list), else ~/.kube/config, else the in-cluster
 * service account when running in a pod. Every failure is a ConfigError with
 * one line naming the file or context at fault.
 */
export async function resolveTarget(opts: { kubeconfig?: string; context?: string }): Promise<Target> {
  const kc = new KubeConfig();
  let origin: string;
  let rawText: string | undefined;
  const explicit = opts.kubeconfig;
  const candidates = explicit ? [explicit] : (process.env.KUBECONFIG?.split(delimiter).filter(Boolean) ?? [join(homedir(), '.kube', 'config')]);
  const file = candidates.find((f) => existsSync(f));
  if (explicit && !file) throw new ConfigError(`kubeconfig not found: ${explicit}`);
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read kubeconfig ${file}: ${(err as Error).message}`);
    }
    try {
      kc.loadFromString(text);
      kc.makePathsAbsolute(join(file, '..'));
    } catch (err) {
      throw new ConfigError(`invalid kubeconfig ${file}: ${firstLine((err as Error).message)}`);
    }
    origin = file;
    rawText = text;
  } else if (process.env.KUBERNETES_SERVICE_HOST && existsSync(join(SA_DIR, 'token'))) {
    if (opts.context) throw new ConfigError(`--context ${opts.context} given, but there is no kubeconfig (running in-cluster)`);
    kc.loadFromCluster();
    origin = 'in-cluster';
  } else {
    throw new ConfigError(
      `no kubeconfig found (looked at ${candidates.join(', ')}) and not running in a cluster; pass --kubeconfig or set KUBECONFIG`,
    );
  }

  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const names = kc.getContexts().map((c) => c.name);
      throw new ConfigError(
        `context "${opts.context}" not found in ${origin}${names.length ? ` (available: ${names.join(', ')})` : ' (it defines no contexts)'}`,
      );
    }
    kc.setCurrentContext(opts.context);
  } else if (origin !== 'in-cluster' && !kc.getCurrentContext()) {
    throw new ConfigError(`kubeconfig ${origin} has no current-context; pass --context`);
  }

  const contextName = kc.getCurrentContext();
  const ctx = contextName ? kc.getContextObject(contextName) : null;
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ConfigError(`context "${contextName}" in ${origin} names a cluster that is not defined`);
  if (!cluster.server) throw new ConfigError(`cluster "${cluster.name}" in ${origin} has no server address`);
  try {
    new URL(cluster.server);
  } catch {
    throw new ConfigError(`cluster "${cluster.name}" in ${origin} has an invalid server address: ${cluster.server}`);
  }
  const user = kc.getCurrentUser();
  const tls: https.RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(tls);
  } catch (err) {
    throw new ConfigError(`cannot use credentials of context "${contextName}": ${firstLine((err as Error).message)}`);
  }
  const target: Target = { origin, server: cluster.server, tls };
  if (contextName) target.context = contextName;
  if (cluster.name) target.cluster = cluster.name;
  if (user?.name ?? ctx?.user) target.user = user?.name ?? ctx?.user;
  const credentials =
    origin === 'in-cluster'
      ? { insecureSkipTlsVerify: false, embeddedToken: false, embeddedPassword: false, tokenFile: true, embeddedClientKey: false }
      : rawText !== undefined
        ? credentialFactsFromKubeconfig(rawText, contextName || undefined)
        : undefined;
  if (credentials) target.credentials = credentials;
  return target;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
