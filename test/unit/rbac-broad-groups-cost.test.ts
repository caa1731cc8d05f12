import { describe, expect, it } from 'vitest';
import type { KindKey } from '../../src/collect/kinds.ts';
import { allControls } from '../../src/engine/registry.ts';
import { evaluate } from '../../src/engine/run.ts';
import type { K8sObject } from '../../src/model/k8s.ts';
import {
  capabilitiesOf,
  capabilitiesOfGrants,
  rbacModel,
  serviceAccountPrincipal,
  userPrincipal,
  whoCan,
  type PolicyRule,
  type RoleInfo,
} from '../../src/model/rbac.ts';
import { Snapshot } from '../../src/model/snapshot.ts';
import { WORKLOAD_KINDS } from '../../src/model/workloads.ts';

// A namespace provisioner that binds a harmless ClusterRole to system:serviceaccounts and system:authenticated in every
// namespace: each of those RoleBindings applies to every ServiceAccount and user. The who-can insight and
// rbac-workload-token-risk ask, for each subject, which dangerous permissions it holds; expanding every rule of every
// binding that applies made that subjects × namespaces × rules (3,000 namespaces: minutes) although none of those rules
// is dangerous. Counted, not timed: reads of the harmless role's rules.

const RBAC = 'rbac.authorization.k8s.io';
const HARMLESS_RULES = Array.from({ length: 30 }, (_, i) => ({ apiGroups: [i % 2 ? 'apps' : ''], resources: [`things${i}`], verbs: ['get', 'list', 'watch'] }));

function cluster(n: number): Snapshot {
  const objects: Partial<Record<KindKey, K8sObject[]>> = { serviceaccounts: [], networkpolicies: [], namespaces: [], roles: [], rolebindings: [], clusterroles: [], clusterrolebindings: [] };
  for (const k of WORKLOAD_KINDS) objects[k] = [];
  objects.clusterroles!.push({ apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name: 'harmless' }, rules: HARMLESS_RULES });
  for (let i = 0; i < n; i++) {
    const ns = `ns-${i}`;
    objects.namespaces!.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    objects.serviceaccounts!.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer', namespace: ns } });
    objects.roles!.push({ apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: { name: 'deployer', namespace: ns }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }] });
    const bind = (name: string, roleRef: { kind: string; name: string }, subjects: object[]): K8sObject => ({
      apiVersion: `${RBAC}/v1`,
      kind: 'RoleBinding',
      metadata: { name, namespace: ns },
      roleRef: { apiGroup: RBAC, ...roleRef },
      subjects,
    });
    objects.rolebindings!.push(
      bind('harmless-sas', { kind: 'ClusterRole', name: 'harmless' }, [{ kind: 'Group', apiGroup: RBAC, name: 'system:serviceaccounts' }]),
      bind('harmless-all', { kind: 'ClusterRole', name: 'harmless' }, [{ kind: 'Group', apiGroup: RBAC, name: 'system:authenticated' }]),
      bind('deployers', { kind: 'Role', name: 'deployer' }, [
        { kind: 'ServiceAccount', name: 'deployer', namespace: ns },
        { kind: 'User', apiGroup: RBAC, name: `dev-${i}@example.com` },
      ]),
    );
    objects.deployments!.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ci', namespace: ns },
      spec: { template: { metadata: { labels: { app: 'ci' } }, spec: { serviceAccountName: 'deployer', containers: [{ name: 'c', image: 'ci:1' }] } } },
    });
  }
  return new Snapshot({ source: 'cluster', objects, serverVersion: { gitVersion: 'v1.37.2', major: '1', minor: '37' } });
}

/** Reads of the harmless ClusterRole's rules while the insight and the control run (the model itself built beforehand). */
function readsOfHarmlessRules(n: number): { reads: number; subjects: number; findings: number } {
  const snapshot = cluster(n);
  const role = rbacModel(snapshot).clusterRole('harmless') as { rules: readonly PolicyRule[] } & RoleInfo;
  let reads = 0;
  role.rules = new Proxy(role.rules, {
    get(target, key, receiver) {
      reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  const subjects = whoCan(snapshot).subjects.length;
  const control = allControls().find((c) => c.meta.id === 'rbac-workload-token-risk')!;
  const findings = evaluate(snapshot, [control], {}, { passes: 'count' }).results.filter((r) => r.status === 'fail').length;
  return { reads, subjects, findings };
}

describe('dangerous permissions of a subject, with harmless grants to broad groups in every namespace', () => {
  it('cost grows with the bindings, not with subjects × bindings', () => {
    const small = readsOfHarmlessRules(20);
    const large = readsOfHarmlessRules(80);
    // Every ServiceAccount and user is reported, every Deployment fails (create pods in its namespace).
    expect(small).toMatchObject({ subjects: 40, findings: 20 });
    expect(large).toMatchObject({ subjects: 160, findings: 80 });
    // 4× the namespaces: 4× the subjects, each of which the harmless bindings of 4× the namespaces apply to. Reading
    // those rules per subject made it 16×; they are read once, when the model first filters its roles.
    expect(large.reads).toBeLessThanOrEqual(Math.max(4 * small.reads, 100));
  });

  it('finds what expanding every grant finds, in the same order', () => {
    const snapshot = cluster(6);
    const model = rbacModel(snapshot);
    const principals = [
      ...Array.from({ length: 6 }, (_, i) => serviceAccountPrincipal(`ns-${i}`, 'deployer')),
      ...Array.from({ length: 6 }, (_, i) => userPrincipal(`dev-${i}@example.com`)),
      serviceAccountPrincipal('ns-0', 'nobody'),
      { user: '\u0000', groups: ['system:authenticated'] },
    ];
    for (const p of principals) expect(capabilitiesOf(model, p)).toEqual(capabilitiesOfGrants(model.grantsOf(p)));
  });
});
