/**
 * RBAC verdicts that depend on the cluster's version: verbs a server of that version (with its default feature gates)
 * ignores are reported at low severity, saying so; an unknown version counts as one where they work.
 */
import { describe, expect, it } from 'vitest';
import escalationVerbs from '../../checks/rbac/rbac-escalation-verbs.ts';
import tokenRisk from '../../checks/rbac/rbac-workload-token-risk.ts';
import { evaluate } from '../../src/engine/run.ts';
import { INERT_REASON, whoCan } from '../../src/model/rbac.ts';
import { insightSections } from '../../src/report/insights.ts';
import type { ServerVersion } from '../../src/model/snapshot.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';

const at = (minor: number): { serverVersion: ServerVersion } => ({ serverVersion: { gitVersion: `v1.${minor}.0`, major: '1', minor: String(minor) } });

const CONSTRAINED = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ci}
rules:
  - {apiGroups: [authentication.k8s.io], resources: [users], verbs: ["impersonate:user-info"]}
  - {apiGroups: [""], resources: [pods], verbs: ["impersonate-on:user-info:list"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ci}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}
`;

describe('rbac-escalation-verbs: constrained impersonation by version', () => {
  const fail = (opts: { serverVersion?: ServerVersion }) => {
    const { results } = evaluate(snapshotFromYaml(CONSTRAINED, opts), [escalationVerbs]);
    const fails = results.filter((r) => r.status === 'fail');
    expect(fails).toHaveLength(1);
    return fails[0]!;
  };
  it.each([30, 34, 35])('is low on 1.%i, where the API server ignores the verbs by default', (minor) => {
    const f = fail(at(minor));
    expect(f.severity).toBe('low');
    expect(f.messageId).toBe('constrainedInert');
    expect(f.message).toContain('before 1.36');
  });
  it.each([36, 37, 38])('is critical on 1.%i', (minor) => {
    const f = fail(at(minor));
    expect(f.severity).toBe('critical');
    expect(f.messageId).toBe('granted');
  });
  it('is critical when the version is unknown', () => {
    expect(fail({}).severity).toBe('critical');
  });
});

/** A Deployment whose ServiceAccount holds `verbs` on `resource` in its namespace; `isolated` adds a default-deny ingress policy. */
function tokenRiskYaml(rule: string, isolated = true): string {
  return `
apiVersion: v1
kind: ServiceAccount
metadata: {name: runner, namespace: app}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: app}
rules:
  - ${rule}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: r, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects:
  - {kind: ServiceAccount, name: runner}
${isolated ? '---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: app}\nspec: {podSelector: {}, policyTypes: [Ingress]}' : ''}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: app}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: runner
      containers: [{name: c, image: nginx}]
`;
}

describe('rbac-workload-token-risk: permissions the version ignores', () => {
  const finding = (yaml: string, opts: { serverVersion?: ServerVersion }) => {
    const { results } = evaluate(snapshotFromYaml(yaml, opts), [tokenRisk]);
    const fails = results.filter((r) => r.status === 'fail');
    expect(fails).toHaveLength(1);
    return fails[0]!;
  };
  const GET_EXEC = '{apiGroups: [""], resources: [pods/exec, pods/attach, pods/portforward], verbs: [get]}';
  const CREATE_EXEC = '{apiGroups: [""], resources: [pods/exec], verbs: [create]}';
  it('get alone on pods/exec is low from 1.35 (create is required), and says why', () => {
    const f = finding(tokenRiskYaml(GET_EXEC), at(37));
    expect(f.severity).toBe('low');
    expect(f.message).toContain('get only, which from 1.35 does not allow it');
  });
  it('a token whose only grants the version ignores is not said to be able to use them', () => {
    const f = finding(tokenRiskYaml(GET_EXEC), at(37));
    expect(f.messageId).toBe('ignoredToken');
    expect(f.message).not.toContain('the token can');
    expect(f.message).toContain('the token is granted exec into pods, attach to pods, port-forward to pods only by grants this cluster\'s version ignores by default (');
  });
  it('beside a grant that counts, one the version ignores is named apart', () => {
    const both = `${CREATE_EXEC}\n  - {apiGroups: [""], resources: [pods/attach], verbs: [get]}`;
    const f = finding(tokenRiskYaml(both), at(37));
    expect(f.messageId).toBe('riskyToken');
    expect(f.message).toContain('the token can exec into pods, and is granted attach to pods only by grants this cluster\'s version ignores by default (');
    // Before 1.35 both count.
    expect(finding(tokenRiskYaml(both), at(34)).message).toContain('the token can exec into pods, attach to pods (');
  });
  it('get alone on pods/exec raises nothing for exposure from 1.35', () => {
    expect(finding(tokenRiskYaml(GET_EXEC, false), at(35)).severity).toBe('low');
  });
  it('get alone on pods/exec keeps its severity before 1.35 and when the version is unknown', () => {
    expect(finding(tokenRiskYaml(GET_EXEC), at(34)).severity).toBe('medium');
    expect(finding(tokenRiskYaml(GET_EXEC), {}).severity).toBe('medium');
    expect(finding(tokenRiskYaml(GET_EXEC, false), at(34)).severity).toBe('high');
  });
  it('create on pods/exec keeps its severity on every version', () => {
    for (const v of [at(30), at(37), {}]) expect(finding(tokenRiskYaml(CREATE_EXEC), v).severity).toBe('medium');
  });
  it('constrained impersonation of ServiceAccounts alone is low before 1.36, critical-tier from 1.36', () => {
    const rule = '{apiGroups: [authentication.k8s.io], resources: [serviceaccounts], verbs: ["impersonate:serviceaccount"]}';
    expect(finding(tokenRiskYaml(rule), at(30)).severity).toBe('low');
    expect(finding(tokenRiskYaml(rule), at(36)).severity).toBe('high');
  });
});

describe('who-can insight: permissions the version ignores', () => {
  const GET_EXEC = '{apiGroups: [""], resources: [pods/exec, pods/attach, pods/portforward], verbs: [get]}';
  const holders = (minor: number | undefined, rule: string) => {
    const w = whoCan(snapshotFromYaml(tokenRiskYaml(rule), minor === undefined ? {} : at(minor)));
    const s = w.subjects.find((x) => x.kind === 'ServiceAccount' && !x.builtIn)!;
    const section = insightSections({ insights: { whoCan: w } } as never).find((x) => x.key === 'whoCan')!;
    const cells = (i: number) => JSON.stringify(section.tables[i]?.rows ?? []);
    return { subject: s, exec: w.byCapability.exec, summary: cells(0), detail: cells(1) };
  };

  it('lists get alone on pods/exec from 1.35 with why it allows nothing, and does not count it as exec', () => {
    const { subject, exec, summary, detail } = holders(37, GET_EXEC);
    const p = subject.permissions.find((x) => x.capability === 'exec')!;
    expect(p.inert).toBe(INERT_REASON['get-only']);
    expect(exec).not.toContain(subject.key);
    // The report: not among the holders in the summary, listed with why in the detail.
    expect(summary).not.toContain('app/runner');
    expect(detail).toContain(`allows nothing here: ${INERT_REASON['get-only']}`);
  });

  it('counts it before 1.35 and when the version is unknown', () => {
    for (const minor of [34, undefined]) {
      const { subject, exec, summary } = holders(minor, GET_EXEC);
      expect(subject.permissions.find((x) => x.capability === 'exec')!.inert).toBeUndefined();
      expect(exec).toContain(subject.key);
      expect(summary).toContain('app/runner');
    }
  });
});
