import { capability, inertByVersion, type RuleMatch } from '../../src/model/rbac.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';
import { RBAC_GOOD_PRACTICES, grantControl, replaceRemediation } from './_grants.ts';

/**
 * Every matched verb is a constrained impersonation verb, and the cluster's version is before 1.36, whose API server
 * ignores them unless the ConstrainedImpersonation feature gate is enabled (alpha, off by default, in 1.35; absent before).
 */
const constrainedInert = (matches: readonly RuleMatch[], snapshot: Snapshot) =>
  matches.every((m) => m.matches.length > 0 && m.matches.every((p) => inertByVersion('impersonate', p.verbs, snapshot.serverVersion) === 'constrained-impersonation'));

export default grantControl(
  {
    id: 'rbac-escalation-verbs',
    title: 'bind, escalate and impersonate are not granted',
    area: 'rbac',
    severity: 'critical',
    description:
      'Flags every binding subject that holds bind or escalate on Roles or ClusterRoles, or impersonate on users, groups, ServiceAccounts or UIDs, wildcards included; and constrained impersonation (on by default from 1.36): impersonate:user-info on users, impersonate:serviceaccount on serviceaccounts or impersonate:arbitrary-node on nodes, in authentication.k8s.io, which let their holder act as that identity for whatever its impersonate-on:<mode>:<verb> grants allow. Grants limited to named objects are flagged too: binding or impersonating one named privileged identity is enough. On a cluster older than 1.36, a grant of constrained impersonation verbs alone is flagged at low severity: the API server ignores them unless the ConstrainedImpersonation feature gate is enabled (alpha, off by default, in 1.35), and they take effect on the upgrade to 1.36.',
    rationale:
      'RBAC prevents privilege escalation by refusing to let anyone grant permissions it does not hold — unless it holds escalate (write any rule) or bind (bind any role). impersonate lets it act as any other identity, system:masters included. Each is equivalent to cluster-admin in the scope it is granted.',
    remediation: replaceRemediation('Keep these verbs to the cluster administrators who manage RBAC.'),
    references: {
      cis: ['5.1.8'],
      links: [RBAC_GOOD_PRACTICES, 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping'],
    },
    messages: {
      granted: '{{grantee}} can {{verbs}} {{resources}}{{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
      constrainedInert:
        '{{grantee}} is granted {{verbs}} {{resources}}{{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}): constrained impersonation, which the API server of this cluster (before 1.36) ignores unless the ConstrainedImpersonation feature gate is enabled (alpha, off by default, in 1.35); it takes effect when the cluster is upgraded to 1.36.',
    },
  },
  {
    probes: [...capability('bind').probes, ...capability('escalate').probes, ...capability('impersonate').probes],
    messageId: (matches, _limited, _binding, _grantee, snapshot) => (constrainedInert(matches, snapshot) ? 'constrainedInert' : 'granted'),
    severity: (matches, _limited, snapshot) => (constrainedInert(matches, snapshot) ? 'low' : undefined),
  },
);
