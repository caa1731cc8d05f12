import type { BindingInfo, RuleMatch } from '../../src/model/rbac.ts';
import { allRules, grantControl } from './_grants.ts';

/** A rule that allows every verb on every resource of every group: cluster-admin under another name. */
function isFullWildcard(rule: RuleMatch['rule']): boolean {
  return rule.verbs.includes('*') && !!rule.apiGroups?.includes('*') && !!rule.resources?.includes('*') && !rule.resourceNames?.length;
}

function isClusterAdmin(b: BindingInfo): boolean {
  return b.roleRef.kind === 'ClusterRole' && b.roleRef.name === 'cluster-admin';
}

export default grantControl(
  {
    id: 'rbac-cluster-admin-binding',
    title: 'cluster-admin is bound only where Kubernetes binds it',
    area: 'rbac',
    severity: 'critical',
    description:
      'Flags every subject of a ClusterRoleBinding or RoleBinding that references the ClusterRole cluster-admin, or a role with a rule allowing every verb on every resource of every API group (cluster-admin under another name). Kubernetes\' own binding of cluster-admin to system:masters is shown apart as built-in. ServiceAccounts are always flagged, including those in kube-system, unless a built-in binding names them.',
    rationale:
      'cluster-admin allows every verb on every resource. Each extra holder — a person, a group, a workload\'s ServiceAccount — is a full cluster compromise if its credentials leak; bound by a RoleBinding it is full control of the namespace, its Secrets and its ServiceAccounts included.',
    remediation:
      'Take {{role}} away from {{granteeKind}} {{granteeName}} in {{kind}} {{name}}: bind a role that holds only the permissions it uses (`kubectl auth can-i --list` and the audit log show what it does), then remove the subject (entry {{path}}) or delete the binding:\n\n{{replacement}}\n\nkubectl delete {{kindLower}} {{name}}',
    references: {
      cis: ['5.1.1'],
      links: ['https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles'],
    },
    messages: {
      bound: '{{bindingKind}} "{{name}}" binds cluster-admin to {{grantee}} {{scope}}.',
      equivalent: '{{bindingKind}} "{{name}}" binds {{roleKind}} "{{role}}", which allows everything ({{rules}}), to {{grantee}} {{scope}}.',
    },
  },
  {
    match(binding) {
      if (isClusterAdmin(binding)) {
        // Scanned manifests rarely include the built-in ClusterRole: judge the reference by its name then.
        return binding.role ? allRules(binding) : [{ ruleIndex: 0, rule: { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, matches: [] }];
      }
      return allRules(binding, isFullWildcard);
    },
    messageId: (_matches, _limited, binding) => (isClusterAdmin(binding) ? 'bound' : 'equivalent'),
    hint: 'list here the verbs and resources it uses, namespace by namespace',
  },
);
