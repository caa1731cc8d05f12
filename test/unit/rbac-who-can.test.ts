import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { leastPrivilegeReplacement, subtract } from '../../checks/rbac/_replacement.ts';
import { INSIGHT_PROVIDERS, computeInsights } from '../../src/engine/insights.ts';
import { CAPABILITY_IDS, bindingMatches, capability, rbacModel, whoCan, type WhoCanInsight } from '../../src/model/rbac.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';
import { parseManifests, snapshotFromObjects } from '../../src/collect/manifests.ts';

const CLUSTER = `
apiVersion: v1
kind: ServiceAccount
metadata: {name: deployer, namespace: ci}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader, labels: {bundle: "yes"}}
rules:
  - {apiGroups: [""], resources: [secrets, configmaps], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: bundle}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {bundle: "yes"}}]}
rules:
  - {apiGroups: [""], resources: [secrets, configmaps], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: deployer-bundle}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: bundle}
subjects:
  - {kind: ServiceAccount, name: deployer, namespace: ci}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: debug, namespace: shop}
rules:
  - {apiGroups: [""], resources: [pods/exec], verbs: [create], resourceNames: [web-0]}
  - {apiGroups: [""], resources: [pods], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: oncall-debug, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: debug}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: oncall}
---
# Every authenticated identity may create pods in "sandbox": users and ServiceAccounts inherit it.
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: sandbox, namespace: sandbox}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: sandbox}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: sandbox, namespace: sandbox}
rules:
  - {apiGroups: [""], resources: [pods], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:controller:token-cleaner", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
rules:
  - {apiGroups: [""], resources: [secrets], verbs: [delete, get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: "system:controller:token-cleaner", namespace: kube-system, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:controller:token-cleaner"}
subjects:
  - {kind: ServiceAccount, name: token-cleaner, namespace: kube-system}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: pipeline, namespace: ci}
spec:
  selector: {matchLabels: {app: pipeline}}
  template:
    metadata: {labels: {app: pipeline}}
    spec:
      serviceAccountName: deployer
      containers: [{name: run, image: runner}]
`;

describe('whoCan insight', () => {
  const snapshot = snapshotFromYaml(CLUSTER);
  const insight = whoCan(snapshot);
  const subject = (key: string) => insight.subjects.find((s) => s.key === key)!;

  it('is registered and computed from the RBAC kinds', () => {
    expect(INSIGHT_PROVIDERS.map((p) => p.key)).toContain('whoCan');
    const out = computeInsights(snapshot, INSIGHT_PROVIDERS.filter((p) => p.key === 'whoCan'));
    expect(out.insights.whoCan).toEqual(insight);
    // JSON-safe: what lands in ScanResult is plain data.
    expect(JSON.parse(JSON.stringify(insight))).toEqual(insight);
  });

  it('lists the catalogue of capabilities in display order', () => {
    expect(insight.capabilities.map((c) => c.id)).toEqual([...CAPABILITY_IDS]);
    for (const c of insight.capabilities) expect(c.label.length).toBeGreaterThan(3);
  });

  it('gives each permission its provenance: binding → role → rule, and the aggregated piece', () => {
    const sa = subject('ServiceAccount:ci/deployer');
    expect(sa).toMatchObject({ kind: 'ServiceAccount', namespace: 'ci', name: 'deployer', builtIn: false, exists: true });
    expect(sa.implicitGroups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated']);
    const read = sa.permissions.find((p) => p.capability === 'read-secrets')!;
    expect(read).toEqual({
      capability: 'read-secrets',
      namespace: null,
      verbs: ['get', 'list', 'watch'],
      resources: ['secrets'],
      provenance: {
        binding: { kind: 'ClusterRoleBinding', name: 'deployer-bundle', builtIn: false, subjectIndex: 0 },
        role: { kind: 'ClusterRole', name: 'bundle', builtIn: false },
        ruleIndex: 0,
        rule: { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'list', 'watch'] },
        aggregatedFrom: ['secret-reader'],
      },
    });
    expect(sa.mountedBy).toEqual([{ kind: 'Deployment', namespace: 'ci', name: 'pipeline', how: 'automount' }]);
  });

  it('includes what a subject inherits through its implicit groups, saying through which', () => {
    const inherited = subject('ServiceAccount:ci/deployer').permissions.find((p) => p.capability === 'create-pods')!;
    expect(inherited).toMatchObject({ namespace: 'sandbox', viaGroup: 'system:authenticated' });
    const group = subject('Group:system:authenticated');
    expect(group.permissions.map((p) => [p.capability, p.namespace, p.viaGroup])).toEqual([['create-pods', 'sandbox', undefined]]);
  });

  it('keeps name limits and namespace scopes', () => {
    const oncall = subject('Group:oncall');
    const exec = oncall.permissions.find((p) => p.capability === 'exec')!;
    expect(exec).toMatchObject({ namespace: 'shop', verbs: ['create'], resources: ['pods/exec'], resourceNames: ['web-0'] });
    // pods with "*" verbs: create pods, but no exec (pods does not cover pods/exec).
    expect(oncall.permissions.filter((p) => p.provenance.ruleIndex === 1).map((p) => p.capability)).toEqual(['create-pods']);
  });

  it('shows Kubernetes\' own components apart, without dropping them', () => {
    const cleaner = subject('ServiceAccount:kube-system/token-cleaner');
    expect(cleaner.builtIn).toBe(true);
    expect(cleaner.permissions[0]).toMatchObject({ capability: 'read-secrets', namespace: 'kube-system' });
    expect(cleaner.permissions[0]!.provenance.binding.builtIn).toBe(true);
    expect(insight.byCapability['read-secrets']).toEqual(['ServiceAccount:ci/deployer', 'ServiceAccount:kube-system/token-cleaner']);
  });

  it('lists a kube-system ServiceAccount with everyone else when a binding that is not built-in grants it', () => {
    const tiller = whoCan(
      snapshotFromYaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: tiller-all}
rules:
  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: tiller}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: tiller-all}
subjects:
  - {kind: ServiceAccount, name: tiller, namespace: kube-system}
`),
    ).subjects.find((s) => s.key === 'ServiceAccount:kube-system/tiller')!;
    expect(tiller.permissions.length).toBeGreaterThan(0);
    expect(tiller.builtIn).toBe(false);
  });

  it('is deterministic and sorted', () => {
    const again: WhoCanInsight = whoCan(snapshotFromYaml(CLUSTER.split('---').reverse().join('---')));
    expect(again).toEqual(insight);
    expect(insight.subjects.map((s) => s.key)).toEqual([
      'Group:oncall',
      'Group:system:authenticated',
      'ServiceAccount:ci/deployer',
      'ServiceAccount:kube-system/token-cleaner',
    ]);
  });
});

describe('least-privilege replacement', () => {
  it('quotes every cluster value as an inert YAML string', () => {
    const hostile = snapshotFromYaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "true"}
rules:
  - {apiGroups: [""], resources: [secrets, "$(id)"], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "true"}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: User, name: "it's \\u202e \`id\`\\nx"}
`);
    const binding = rbacModel(hostile).bindings[0]!;
    const text = leastPrivilegeReplacement({ binding, subject: binding.subjects[0]!, risky: bindingMatches(binding, capability('read-secrets').probes) });
    const [role, rb] = YAML.parseAllDocuments(text).map((d) => d.toJS());
    expect(role.metadata.name).toBe('true-least-privilege');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['$(id)'], verbs: ['get'] }]);
    expect(rb.subjects[0].name).toBe("it's \\u{202e} `id`\\u{a}x");
    expect(text).not.toMatch(/[\u202e\n]x/);
    // Outside single quotes nothing is left for a shell to substitute.
    expect(text.replace(/'[^']*'/g, '')).not.toMatch(/\$\(|`/);
  });

  const snapshot = snapshotFromYaml(CLUSTER);
  const model = rbacModel(snapshot);

  it('keeps the rest of the role and drops the risky verbs, in a namespaced Role and RoleBinding', () => {
    const binding = model.bindings.find((b) => b.name === 'deployer-bundle')!;
    const risky = bindingMatches(binding, capability('read-secrets').probes);
    const text = leastPrivilegeReplacement({ binding, subject: binding.subjects[0]!, risky });
    const [role, rb] = YAML.parseAllDocuments(text).map((d) => d.toJS());
    expect(role).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'bundle-least-privilege', namespace: 'ci' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
    });
    expect(rb).toMatchObject({
      kind: 'RoleBinding',
      metadata: { name: 'deployer-bundle-least-privilege', namespace: 'ci' },
      roleRef: { kind: 'Role', name: 'bundle-least-privilege' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'ci' }],
    });
    expect(text).toMatch(/^# Replaces ClusterRoleBinding 'deployer-bundle' for ServiceAccount 'deployer'/);
  });

  it('expands a * verb to the standard verbs before taking some out, and says what a * resource hides', () => {
    const probe = capability('create-pods').probes;
    const matches = bindingMatches(model.bindings.find((b) => b.name === 'oncall-debug')!, probe);
    const out = subtract({ verbs: ['*'], apiGroups: [''], resources: ['pods', 'services'] }, 1, matches[0]!.matches);
    expect(out.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete', 'deletecollection'] },
      { apiGroups: [''], resources: ['services'], verbs: ['*'] },
    ]);
    const wild = subtract({ verbs: ['create'], apiGroups: [''], resources: ['*'] }, 0, matches[0]!.matches);
    expect(wild.rules).toEqual([]);
    expect(wild.comments[0]).toMatch(/'\*' includes create,update,patch on pods/);
  });
});

describe('who can approve certificate requests', () => {
  it('takes the approval subresource and approve on a signer, limited to the signers named', () => {
    const yaml = readFileSync(new URL('../fixtures/who-can-csr-approval.yaml', import.meta.url), 'utf8');
    const insight = whoCan(snapshotFromYaml(yaml)) as WhoCanInsight;
    // alice may update the approval subresource but approve on no signer: she can approve nothing.
    expect(insight.byCapability['approve-csrs']).toEqual(['ServiceAccount:signer/approver']);
    const approver = insight.subjects.find((s) => s.name === 'approver')!;
    const perm = approver.permissions.find((p) => p.capability === 'approve-csrs')!;
    expect(perm.resourceNames).toEqual(['example.com/my-signer']);
    expect(perm.resources).toContain('signers');
  });
});

describe('who-can over scanned files', () => {
  it('names the subjects of bindings to aggregated ClusterRoles, which may hold more than the files show', () => {
    const insight = whoCan(snapshotFromObjects(parseManifests(CLUSTER, 'files.yaml'))) as WhoCanInsight;
    expect(insight.notes.some((n) => /ClusterRoleBinding deployer-bundle binds the aggregated ClusterRole bundle, .* ServiceAccount ci\/deployer may hold more than is listed here\./.test(n))).toBe(true);
    const live = whoCan(snapshotFromYaml(CLUSTER)) as WhoCanInsight;
    expect(live.notes.some((n) => n.includes('aggregated ClusterRole'))).toBe(false);
  });
});

describe('who can impersonate by constrained impersonation (KEP-5284, on by default from 1.36)', () => {
  it('counts impersonate:user-info, impersonate:serviceaccount and impersonate:arbitrary-node in authentication.k8s.io', () => {
    const yaml = readFileSync(new URL('../checks/rbac-escalation-verbs/fail.constrained-impersonation.yaml', import.meta.url), 'utf8');
    const insight = whoCan(snapshotFromYaml(yaml));
    expect(insight.byCapability.impersonate).toEqual(['User:node-debugger', 'ServiceAccount:rt/imp', 'ServiceAccount:rt/imp2']);
    const perm = (key: string) => insight.subjects.find((s) => s.key === key)!.permissions.find((p) => p.capability === 'impersonate')!;
    expect(perm('ServiceAccount:rt/imp')).toMatchObject({ namespace: null, verbs: ['impersonate:user-info'], resources: ['users.authentication.k8s.io'] });
    expect(perm('ServiceAccount:rt/imp2')).toMatchObject({ namespace: 'rt', verbs: ['impersonate:serviceaccount'], resources: ['serviceaccounts.authentication.k8s.io'] });
    // impersonate-on alone, or acting as the node one's own pod runs on: not impersonation of anyone chosen.
    expect(insight.subjects.find((s) => s.key === 'User:agent')).toBeUndefined();
  });
});
