import { capability } from '../../src/model/rbac.ts';
import { RBAC_GOOD_PRACTICES, grantControl, lower, replaceRemediation } from './_grants.ts';

export default grantControl(
  {
    id: 'rbac-secrets-read',
    title: 'Access to Secrets is minimal',
    area: 'rbac',
    severity: 'high',
    description:
      'Flags every binding subject that may get, list or watch Secrets — through a ClusterRoleBinding (every namespace) or a RoleBinding (its namespace) — naming the role and rules that grant it, wildcards and aggregated rules included. A grant limited to named Secrets is reported one level lower.',
    rationale:
      'Secrets hold credentials: ServiceAccount tokens, registry and database passwords, TLS keys. list and watch return every Secret\'s value, so read access to Secrets is read access to everything those credentials unlock.',
    remediation: replaceRemediation('Grant Secret access only to what must read them, and only the Secrets it reads.'),
    references: { cis: ['5.1.2'], links: [RBAC_GOOD_PRACTICES] },
    messages: {
      granted: '{{grantee}} can {{verbs}} Secrets {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
      grantedNamed: '{{grantee}} can {{verbs}} the Secrets{{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
    },
  },
  {
    probes: capability('read-secrets').probes,
    severity: (_m, limited) => (limited ? lower('high') : undefined),
    hint: 'if it must read particular Secrets, add: {apiGroups: [""], resources: [secrets], verbs: [get], resourceNames: [<their names>]}',
  },
);
