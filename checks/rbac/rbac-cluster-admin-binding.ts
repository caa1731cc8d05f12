import { defineControl } from '../../src/engine/types.ts';
import { subjectOf } from '../../src/model/workloads.ts';

interface RbacSubject {
  kind: string;
  name: string;
  namespace?: string;
}

/** Subjects Kubernetes itself binds to cluster-admin. */
function isSystemSubject(s: RbacSubject): boolean {
  return (s.kind === 'User' || s.kind === 'Group') && s.name.startsWith('system:');
}

export default defineControl({
  meta: {
    id: 'rbac-cluster-admin-binding',
    title: 'cluster-admin is bound only to system subjects',
    area: 'rbac',
    severity: 'critical',
    description:
      'Flags every subject of a ClusterRoleBinding or RoleBinding that references the ClusterRole cluster-admin, except users and groups named `system:*`, which Kubernetes binds itself. ServiceAccounts are always flagged, including those in kube-system.',
    rationale:
      'cluster-admin allows every verb on every resource. Each extra holder — a person, a group, a workload\'s ServiceAccount — is a full cluster compromise if its credentials leak.',
    remediation:
      'Replace the grant to {{subjectKind}} "{{subjectName}}" in {{kind}} {{name}} with a role that holds only the permissions it uses; then remove it:\n\nkubectl get {{kindLower}} {{name}} -o yaml   # review\nkubectl delete {{kindLower}} {{name}}',
    references: {
      cis: ['5.1.1'],
      links: ['https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles'],
    },
    messages: {
      bound: '{{kind}} "{{name}}" binds cluster-admin to {{subjectKind}} "{{subjectName}}"{{scope}}.',
    },
  },
  reads: ['clusterrolebindings', 'rolebindings'],
  evaluate(snapshot, report) {
    for (const kind of ['clusterrolebindings', 'rolebindings'] as const) {
      for (const binding of snapshot.list(kind)) {
        const roleRef = binding.roleRef as { kind?: string; name?: string } | undefined;
        if (roleRef?.kind !== 'ClusterRole' || roleRef.name !== 'cluster-admin') continue;
        const subject = subjectOf(binding);
        const subjects = (binding.subjects as RbacSubject[] | undefined) ?? [];
        let failed = false;
        subjects.forEach((s, i) => {
          if (isSystemSubject(s)) return;
          failed = true;
          report.fail(subject, {
            messageId: 'bound',
            data: {
              subjectKind: s.kind,
              subjectName: s.kind === 'ServiceAccount' ? `${s.namespace ?? binding.metadata.namespace ?? ''}/${s.name}` : s.name,
              kindLower: binding.kind.toLowerCase(),
              scope: binding.kind === 'RoleBinding' ? ` in namespace ${binding.metadata.namespace}` : ' cluster-wide',
            },
            path: `subjects[${i}]`,
            observed: s,
            expected: 'no subjects other than system:* users and groups',
          });
        });
        if (!failed) report.pass(subject);
      }
    }
  },
});
