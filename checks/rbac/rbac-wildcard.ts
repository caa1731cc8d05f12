import { defineControl } from '../../src/engine/types.ts';
import { RBAC_KINDS, describeRule, rbacModel } from '../../src/model/rbac.ts';
import { RBAC_GOOD_PRACTICES } from './_grants.ts';
import { reportRoles, type RuleFinding } from './_roles.ts';

// Entries of a rule field that are wildcards to the authorizer: `*`; in resources, `*/<subresource>` (but not
// `*/*`, which matches only a subresource literally named `*`: rbac-wildcard-in-list reports it); in
// nonResourceURLs, any entry ending in `*`, a prefix (`/*` is every URL, as `*` is).
function wildcards(field: 'verbs' | 'apiGroups' | 'resources' | 'nonResourceURLs', values: readonly string[]): string[] {
  if (field === 'resources') return values.filter((v) => v === '*' || (v.startsWith('*/') && v !== '*/*'));
  if (field === 'nonResourceURLs') return values.filter((v) => v.endsWith('*'));
  return values.filter((v) => v === '*');
}

/** A nonResourceURLs prefix narrower than every URL (`/healthz/*`): reported at low severity. */
const narrowPrefix = (v: string) => v !== '*' && v !== '/*';

export default defineControl({
  meta: {
    id: 'rbac-wildcard',
    title: 'Roles and ClusterRoles avoid wildcards',
    area: 'rbac',
    severity: 'medium',
    description:
      'Flags every rule of a Role or ClusterRole with `*` in verbs or apiGroups, `*` or `*/<subresource>` in resources, or a nonResourceURLs entry ending in `*` (`*` and `/*` are every URL; a narrower prefix such as `/healthz/*` is reported at low severity). Built-in roles are shown apart; rules an aggregated ClusterRole copied from another are reported on the source. Roles no binding references are reported at low severity.',
    rationale:
      'A wildcard grants everything that exists now and everything added later — new verbs, new subresources, every CustomResourceDefinition installed after the review. Least privilege means listing what is needed.',
    remediation:
      'In {{roleKind}} {{name}}, replace the wildcard in {{path}} ({{wildcards}}) with the {{field}} that the holders of the role actually use; `kubectl auth can-i --list --as=<holder>` and the audit log show them:\n\nkubectl edit {{roleKindLower}} {{name}}',
    references: { cis: ['5.1.3'], links: [RBAC_GOOD_PRACTICES] },
    messages: {
      wildcard: '{{roleKind}} "{{name}}" {{rule}} uses the wildcard {{wildcards}} in {{field}} ({{ruleText}}); {{boundText}}.',
    },
  },
  reads: RBAC_KINDS,
  evaluate(snapshot, report) {
    reportRoles(
      rbacModel(snapshot),
      report,
      (rule, i, role) => {
        const out: RuleFinding[] = [];
        for (const field of ['verbs', 'apiGroups', 'resources', 'nonResourceURLs'] as const) {
          const found = wildcards(field, rule[field] ?? []);
          if (found.length === 0) continue;
          out.push({
            ruleIndex: i,
            field,
            messageId: 'wildcard',
            data: { wildcards: found.join(','), ruleText: describeRule(rule), roleKind: role.kind },
            observed: rule[field],
            expected: `explicit ${field}`,
            ...(field === 'nonResourceURLs' && found.every(narrowPrefix) ? { severity: 'low' as const } : {}),
          });
        }
        return out;
      },
      'low',
      snapshot.namespacesLimited,
    );
  },
});
