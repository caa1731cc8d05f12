// Helpers for integration and end-to-end tests that run against the shared
// test control plane started by test/cluster/global-setup.ts (or the cluster
// named by K8S_AUDIT_TEST_KUBECONFIG).
//
// Contexts in the harness kubeconfig:
//   admin    CN=k8s-audit-admin,   O=system:masters (cluster-admin)
//   auditor  CN=k8s-audit-auditor, no groups and no RBAC grants unless a test adds one

import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { KubeApiError, KubeClient } from './kube.ts';
import { AUDITOR_USER } from './harness.ts';

export { KubeApiError, KubeClient } from './kube.ts';
export { applyManifests, applyObjects, loadManifests } from './seed.ts';

export type ContextName = 'admin' | 'auditor' | (string & {});

/** Path of the test cluster's kubeconfig. */
export function testKubeconfig(): string {
  const fromEnv = process.env.K8S_AUDIT_TEST_KUBECONFIG;
  if (fromEnv) return fromEnv;
  let provided: string | undefined;
  try {
    provided = inject('kubeconfig');
  } catch {
    /* not inside a vitest worker */
  }
  if (!provided) throw new Error('no test cluster: run under the vitest "integration" project or set K8S_AUDIT_TEST_KUBECONFIG');
  return provided;
}

/** A minimal REST client (see kube.ts) for a context of the test kubeconfig. Close it when done (or let it be). */
export function kubeClient(context: ContextName = 'admin'): KubeClient {
  return KubeClient.fromKubeconfig(testKubeconfig(), context);
}

/** An @kubernetes/client-node KubeConfig for a context of the test kubeconfig. */
export function kubeConfig(context: ContextName = 'admin'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(testKubeconfig());
  kc.setCurrentContext(context);
  return kc;
}

/** A DNS-1123 name unique to this run: `<prefix>-<random>`. */
export function uniqueName(prefix = 'test'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`.toLowerCase().slice(0, 63);
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Poll `probe` until it returns a value other than undefined/null/false, and return
 * that value. Errors thrown by the probe count as "not yet"; the last one is reported
 * on timeout.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, opts: WaitOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 200;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v as T;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Create a uniquely named namespace (as admin) and return its name. */
export async function createNamespace(prefix = 'test', labels: Record<string, string> = {}): Promise<string> {
  const name = uniqueName(prefix);
  const c = kubeClient('admin');
  try {
    await c.call('POST', '/api/v1/namespaces', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'k8s-audit.test/owner': 'vitest', ...labels } } },
    });
  } finally {
    c.close();
  }
  return name;
}

/** Delete a namespace (does not wait for finalization). Missing namespaces are fine. */
export async function deleteNamespace(name: string): Promise<void> {
  const c = kubeClient('admin');
  try {
    const res = await c.request('DELETE', `/api/v1/namespaces/${name}`);
    if (res.status !== 200 && res.status !== 202 && res.status !== 404) throw new KubeApiError('DELETE', `/api/v1/namespaces/${name}`, res);
  } finally {
    c.close();
  }
}

/** Wait until a namespace's `default` ServiceAccount exists (pods cannot be created before). */
export async function waitForDefaultServiceAccount(namespace: string, opts: WaitOptions = {}): Promise<void> {
  const c = kubeClient('admin');
  try {
    await waitFor(`ServiceAccount ${namespace}/default`, async () => (await c.request('GET', `/api/v1/namespaces/${namespace}/serviceaccounts/default`)).status === 200, opts);
  } finally {
    c.close();
  }
}

/**
 * Bind a ClusterRole (default `view`) to the auditor user cluster-wide and wait until
 * the API server's authorizer honours it. Returns the binding name for revokeAuditor.
 */
export async function grantAuditor(clusterRole = 'view', check: AccessCheck = { verb: 'list', resource: 'pods' }): Promise<string> {
  const name = uniqueName(`k8s-audit-test-auditor-${clusterRole}`.replace(/[^a-z0-9-]/g, '-').slice(0, 50));
  const c = kubeClient('admin');
  try {
    await c.call('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name, labels: { 'k8s-audit.test/owner': 'vitest' } },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: AUDITOR_USER }],
      },
    });
  } finally {
    c.close();
  }
  await waitForAccess('auditor', check, true);
  return name;
}

/** Delete a binding made by grantAuditor. */
export async function revokeAuditor(bindingName: string): Promise<void> {
  const c = kubeClient('admin');
  try {
    const res = await c.request('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${bindingName}`);
    if (res.status !== 200 && res.status !== 404) throw new KubeApiError('DELETE', `clusterrolebindings/${bindingName}`, res);
  } finally {
    c.close();
  }
}

export interface AccessCheck {
  verb: string;
  resource: string;
  group?: string;
  namespace?: string;
}

/** Ask the API server (SelfSubjectAccessReview) whether a context may do something. */
export async function canI(context: ContextName, check: AccessCheck): Promise<boolean> {
  const c = kubeClient(context);
  try {
    const body = await c.call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb: check.verb, resource: check.resource, group: check.group ?? '', namespace: check.namespace ?? '' } },
      },
    });
    return body.status?.allowed === true;
  } finally {
    c.close();
  }
}

/** Wait until canI(context, check) equals `allowed` (RBAC changes reach the authorizer's cache asynchronously). */
export async function waitForAccess(context: ContextName, check: AccessCheck, allowed: boolean, opts: WaitOptions = {}): Promise<void> {
  await waitFor(`${context} ${allowed ? 'to be allowed' : 'to be denied'} ${check.verb} ${check.resource}`, async () => (await canI(context, check)) === allowed, opts);
}
