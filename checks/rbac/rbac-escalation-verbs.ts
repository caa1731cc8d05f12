import { capability } from '../../src/model/rbac.ts';
import { RBAC_GOOD_PRACTICES, grantControl, replaceRemediation } from './_grants.ts';

export default grantControl(
  {
    id: 'rbac-escalation-verbs',
    title: 'bind, escalate and impersonate are not granted',
    area: 'rbac',
    severity: 'critical',
    description:
      'Flags every binding subject that holds bind or escalate on Roles or ClusterRoles, or impersonate on users, groups, ServiceAccounts or UIDs, wildcards included; and constrained impersonation (on by default from 1.36): impersonate:user-info on users, impersonate:serviceaccount on serviceaccounts or impersonate:arbitrary-node on nodes, in authentication.k8s.io, which let their holder act as that identity for whatever its impersonate-on:<mode>:<verb> grants allow. Grants limited to named objects are flagged too: binding or impersonating one named privileged identity is enough.',
    rationale:
      'RBAC prevents privilege escalation by refusing to let anyone grant permissions it does not hold — unless it holds escalate (write any rule) or bind (bind any role). impersonate lets it act as any other identity, system:masters included. Each is equivalent to cluster-admin in the scope it is granted.',
    remediation: replaceRemediation('Keep these verbs to the cluster administrators who manage RBAC.'),
    references: {
      cis: ['5.1.8'],
      links: [RBAC_GOOD_PRACTICES, 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping'],
    },
    messages: {
      granted: '{{grantee}} can {{verbs}} {{resources}}{{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
    },
  },
  { probes: [...capability('bind').probes, ...capability('escalate').probes, ...capability('impersonate').probes] },
);
