import { defineControl } from '../../src/engine/types.ts';
import { RBAC_KINDS, SERVICE_ACCOUNT_PREFIX, isSystemPrincipal, rbacModel, type BindingInfo, type RbacSubject } from '../../src/model/rbac.ts';
import { subjectOf } from '../../src/model/workloads.ts';
import { RBAC_GOOD_PRACTICES, granteeName } from './_grants.ts';

function roleProblem(b: BindingInfo): string | undefined {
  if (b.role) return undefined;
  const ref = b.roleRef;
  if (ref.kind === 'Role' && b.kind === 'ClusterRoleBinding') return 'a Role, which a ClusterRoleBinding cannot reference';
  if (ref.kind !== 'Role' && ref.kind !== 'ClusterRole') return `a ${ref.kind || 'role of no kind'}, which RBAC does not know`;
  return ref.kind === 'Role' ? `Role ${b.namespace}/${ref.name}, which does not exist` : `ClusterRole ${ref.name}, which does not exist`;
}

/**
 * The ServiceAccount a subject names: a ServiceAccount subject, or a User subject with a ServiceAccount's user name
 * (`system:serviceaccount:<namespace>:<name>`), which the authorizer matches the same way.
 */
function serviceAccountNamed(s: RbacSubject): { namespace?: string; name: string } | undefined {
  if (s.kind === 'ServiceAccount') return s.namespace ? { namespace: s.namespace, name: s.name } : { name: s.name };
  if (s.kind !== 'User' || !s.name.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const [namespace, name, ...rest] = s.name.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  return namespace && name && rest.length === 0 ? { namespace, name } : undefined;
}

export default defineControl({
  meta: {
    id: 'rbac-dangling-binding',
    title: 'Bindings reference roles and ServiceAccounts that exist',
    area: 'rbac',
    severity: 'medium',
    description:
      'Flags RoleBindings and ClusterRoleBindings whose role does not exist (or cannot be referenced from that binding), and ServiceAccount subjects that do not exist or, in a ClusterRoleBinding, have no namespace; a User subject named `system:serviceaccount:<namespace>:<name>` is that ServiceAccount to the authorizer and is checked the same way. Built-in bindings naming components this cluster does not run are shown apart. A ServiceAccount in a namespace the scan did not read (outside `--namespace`, or excluded) makes the binding not assessed, never failed.',
    rationale:
      'A binding to something missing grants nothing today and everything tomorrow: whoever creates a Role, ClusterRole or ServiceAccount of that name — a namespace admin, a Helm chart, an attacker with create rights — silently receives the grant. Dangling bindings are also left-overs that hide what was meant.',
    remediation:
      'Delete {{kind}} {{name}} if nothing needs it any more; if it is still meant, create the {{missingKind}} it names deliberately, reviewing what the binding would grant:\n\nkubectl delete {{kindLower}} {{name}}',
    references: { links: [RBAC_GOOD_PRACTICES] },
    static: { needsCluster: 'the role or ServiceAccount a binding references may exist in the cluster without being among the files.' },
    messages: {
      missingRole: '{{kind}} "{{name}}" references {{problem}}; creating it would activate the grant to {{subjects}}.',
      missingServiceAccount: '{{kind}} "{{name}}" grants {{role}} to ServiceAccount {{serviceAccount}}, which does not exist; whoever creates it receives the grant.',
      noNamespace: '{{kind}} "{{name}}" names ServiceAccount {{serviceAccount}} without a namespace, which matches nobody in a ClusterRoleBinding.',
    },
  },
  reads: [...RBAC_KINDS, 'serviceaccounts'],
  evaluate(snapshot, report) {
    const model = rbacModel(snapshot);
    for (const b of model.bindings) {
      const subject = subjectOf(b.object);
      const kindLower = b.kind.toLowerCase();
      const apart: string[] = [];
      const unread: string[] = [];
      let failed = false;
      const problem = roleProblem(b);
      if (problem) {
        if (b.builtIn && b.subjects.every((s) => isSystemPrincipal(s, b.namespace))) apart.push(problem);
        else {
          failed = true;
          report.fail(subject, {
            messageId: 'missingRole',
            data: {
              problem,
              missingKind: b.roleRef.kind || 'role',
              subjects: b.subjects.map((s) => `${s.kind} ${granteeName(s, b)}`).join(', ') || 'no subjects',
              kindLower,
              builtInBinding: b.builtIn,
            },
            path: 'roleRef',
            observed: b.roleRef,
            expected: 'a role that exists',
          });
        }
      }
      b.subjects.forEach((s, i) => {
        const named = serviceAccountNamed(s);
        if (!named) return;
        const ns = named.namespace || b.namespace;
        const data = { serviceAccount: `${ns ?? ''}/${named.name}`, role: `${b.roleRef.kind} ${b.roleRef.name}`, missingKind: 'ServiceAccount', kindLower, builtInBinding: b.builtIn };
        if (!ns) {
          failed = true;
          report.fail(subject, { messageId: 'noNamespace', data: { ...data, serviceAccount: named.name }, path: `subjects[${i}].namespace`, observed: s, expected: 'the ServiceAccount\'s namespace' });
          return;
        }
        if (!snapshot.readsNamespace(ns)) {
          unread.push(`${ns}/${named.name}`);
          return;
        }
        if (snapshot.get('serviceaccounts', ns, named.name)) return;
        if (b.builtIn && ns === 'kube-system') {
          apart.push(`ServiceAccount ${ns}/${named.name}, which does not exist (a component this cluster does not run)`);
          return;
        }
        failed = true;
        report.fail(subject, { messageId: 'missingServiceAccount', data, path: `subjects[${i}]`, observed: s, expected: 'a ServiceAccount that exists' });
      });
      if (failed) continue;
      if (unread.length) {
        report.notAssessed(subject, `The scan did not read the namespace of ServiceAccount ${unread.join(', ')} (outside --namespace, or excluded), so whether it exists is unknown.`);
        continue;
      }
      if (apart.length) report.notApplicable(subject, `Built-in: ${b.kind} "${b.name}" is part of Kubernetes' own policy and references ${apart.join('; ')}.`);
      else report.pass(subject);
    }
  },
});
