/**
 * RBAC verdicts that depend on the cluster's version: verbs a server of that version (with its default feature gates)
 * ignores are reported at low severity, saying so; an unknown version counts as one where they work.
 */
import { describe, expect, it } from 'vitest';
import escalationVerbs from '../../checks/rbac/rbac-escalation-verbs.ts';
import { evaluate } from '../../src/engine/run.ts';
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
