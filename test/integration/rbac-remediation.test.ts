/**
 * The RBAC controls' replacement Roles, judged by the API server. For a risky grant made through a
 * RoleBinding, a finding's remediation carries YAML: a namespace-scoped Role that keeps the rest of
 * the role and leaves out the risky permission, and a RoleBinding of it to the same subject. Here:
 * - the YAML as written must be accepted (dry run);
 * - bound for real to a fresh identity, the replacement must not grant what the control flagged
 *   (SubjectAccessReview, asked with the capability's own probes), and must still grant what the
 *   original role granted apart from that (a harmless rule the risky Role carries).
 */
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result, ScanResult } from '../../src/engine/result.ts';
import { capability, type CapabilityId } from '../../src/model/rbac.ts';
import { createNamespace, deleteNamespace, kubeClient, testKubeconfig, waitFor } from '../cluster/fixtures.ts';
import { runCli } from '../helpers/io.ts';

/** The controls whose replacements are judged, with the capabilities they flag. */
const CAPABILITIES: Record<string, CapabilityId[]> = {
  'rbac-secrets-read': ['read-secrets'],
  'rbac-create-pods': ['create-pods', 'create-workloads'],
  'rbac-pod-exec': ['exec', 'attach', 'port-forward'],
  'rbac-serviceaccount-token-create': ['create-tokens'],
  'rbac-escalation-verbs': ['bind', 'escalate', 'impersonate'],
};

const admin = kubeClient('admin');
let ns: string;
let wildRole: string;
let result: ScanResult;

beforeAll(async () => {
  ns = await createNamespace('rbac-remedy');
  wildRole = `k8s-audit-test-wild-${ns}`;
  const sa = [{ kind: 'ServiceAccount', name: 'app', namespace: ns }];
  // A Role with every risky grant above, beside one harmless rule that every replacement must keep.
  await admin.call('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
    body: {
      metadata: { name: 'risky' },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['pods', 'pods/exec', 'pods/attach', 'pods/portforward'], verbs: ['get', 'create'] },
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'update'] },
        { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['create'] },
        { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
        { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'clusterroles', 'rolebindings'], verbs: ['bind', 'escalate', 'get'] },
      ],
    },
  });
  await admin.call('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
    body: { metadata: { name: 'risky' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'risky' }, subjects: sa },
  });
  // A ClusterRole of wildcards, used in the namespace through a RoleBinding (authentication.k8s.io: constrained
  // impersonation of the namespace's ServiceAccounts, impersonate:serviceaccount).
  await admin.call('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    body: { metadata: { name: wildRole }, rules: [{ apiGroups: ['', 'apps', 'batch', 'rbac.authorization.k8s.io', 'authentication.k8s.io'], resources: ['*'], verbs: ['*'] }] },
  });
  await admin.call('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
    body: { metadata: { name: 'wild' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: wildRole }, subjects: sa },
  });
  const r = await runCli(['scan', '--kubeconfig', testKubeconfig(), '--context', 'admin', '-n', ns, '--format', 'json', '--controls', Object.keys(CAPABILITIES).join(',')]);
  expect(r.stderr).toBe('');
  result = JSON.parse(r.stdout) as ScanResult;
}, 120_000);

afterAll(async () => {
  if (ns) await deleteNamespace(ns);
  if (wildRole) await admin.request('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${wildRole}`);
});

/** The YAML of a remediation: from its first comment or apiVersion line to the command after it, if any. */
function replacementYaml(f: Result): string | undefined {
  const lines = (f.remediation ?? '').split('\n');
  const start = lines.findIndex((l) => l.startsWith('# Replaces') || l.startsWith('apiVersion:'));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && l.startsWith('kubectl '));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

async function allowed(user: string, attrs: { verb: string; group: string; resource: string; subresource?: string }): Promise<boolean> {
  const review = await admin.call('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user, resourceAttributes: { namespace: ns, ...attrs } } },
  });
  return review.status?.allowed === true;
}

/** The requests a capability's probes stand for, in the test namespace (cluster-scoped probes are no Role's to grant). */
function requests(id: CapabilityId) {
  return capability(id)
    .probes.filter((p) => !p.clusterScoped && !p.names?.length)
    .flatMap((p) => p.verbs.map((verb) => ({ verb, group: p.group, resource: p.resource, ...(p.subresource ? { subresource: p.subresource } : {}) })));
}

describe('RBAC replacement roles', () => {
  it('are offered for every risky grant of both bindings', () => {
    const findings = result.results.filter((r) => r.status === 'fail' && r.subject.namespace === ns);
    for (const id of Object.keys(CAPABILITIES)) {
      for (const binding of ['risky', 'wild']) {
        const f = findings.find((r) => r.controlId === id && r.subject.name === binding);
        expect(f, `${id} on ${binding}`).toBeDefined();
        expect(replacementYaml(f!), `${id} on ${binding}`).toBeDefined();
      }
    }
  });

  it('are accepted as written, and bound to a fresh identity grant nothing the control flagged but keep the rest', async () => {
    const app = `system:serviceaccount:${ns}:app`;
    const problems: string[] = [];
    const findings = result.results.filter((r) => r.status === 'fail' && r.subject.namespace === ns && CAPABILITIES[r.controlId]);
    let judged = 0;
    for (const [i, f] of findings.entries()) {
      const where = `${f.controlId} on ${f.subject.kind} ${f.subject.name}`;
      const yaml = replacementYaml(f);
      if (!yaml) continue;
      const docs = parseAllDocuments(yaml).map((d) => d.toJS() as Record<string, any>);
      const role = docs.find((d) => d.kind === 'Role');
      const binding = docs.find((d) => d.kind === 'RoleBinding');
      if (!role || !binding || docs.length !== 2) {
        problems.push(`${where}: expected a Role and a RoleBinding, got ${docs.map((d) => d.kind).join(', ')}`);
        continue;
      }
      for (const d of docs) {
        const res = await admin.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${d.metadata.namespace}/${d.kind === 'Role' ? 'roles' : 'rolebindings'}`, {
          body: d,
          query: { dryRun: 'All' },
        });
        if (res.status !== 201) problems.push(`${where}: the API server refuses the ${d.kind} as written: ${res.status} ${res.text}`);
      }
      if (binding.roleRef?.name !== role.metadata.name || binding.roleRef?.kind !== 'Role') problems.push(`${where}: the RoleBinding does not bind the Role`);
      if (binding.metadata.namespace !== ns || role.metadata.namespace !== ns) problems.push(`${where}: not in the binding's namespace`);

      // The same Role, bound for real to an identity of its own, plus a marker rule that shows when the binding is live.
      const judge = `judge-${i}`;
      const user = `system:serviceaccount:${ns}:${judge}`;
      const marker = { verb: 'get', group: 'k8s-audit.test', resource: `marker${i}` };
      await admin.call('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
        body: { ...role, metadata: { name: judge, namespace: ns }, rules: [...(role.rules ?? []), { apiGroups: [marker.group], resources: [marker.resource], verbs: [marker.verb] }] },
      });
      await admin.call('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
        body: { metadata: { name: judge, namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: judge }, subjects: [{ kind: 'ServiceAccount', name: judge, namespace: ns }] },
      });
      await waitFor(`${where}: the replacement bound`, () => allowed(user, marker), { timeoutMs: 30_000 });
      for (const id of CAPABILITIES[f.controlId]!) {
        for (const req of requests(id)) {
          // Not vacuous: the original grants it (both bindings give the app every request probed here).
          if (!(await allowed(app, req))) problems.push(`${where}: the original does not grant ${JSON.stringify(req)} (test setup)`);
          if (await allowed(user, req)) problems.push(`${where}: the replacement still grants ${JSON.stringify(req)}`);
        }
      }
      // What the risky Role granted apart from the flagged permission is kept (the wildcard ClusterRole's replacement
      // cannot list what `*` covered, and says so).
      if (f.subject.name === 'risky' && !(await allowed(user, { verb: 'list', group: '', resource: 'configmaps' }))) problems.push(`${where}: the replacement drops list configmaps`);
      judged++;
    }
    expect(problems).toEqual([]);
    expect(judged).toBe(Object.keys(CAPABILITIES).length * 2);
  }, 300_000);
});
