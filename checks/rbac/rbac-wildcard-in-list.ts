import { defineControl } from '../../src/engine/types.ts';
import { RBAC_KINDS, describeRule, rbacModel } from '../../src/model/rbac.ts';
import { RBAC_GOOD_PRACTICES } from './_grants.ts';
import { reportRoles, type RuleFinding } from './_roles.ts';

export default defineControl({
  meta: {
    id: 'rbac-wildcard-in-list',
    title: 'Wildcards are not hidden in longer lists, nor written where they are literal',
    area: 'rbac',
    severity: 'medium',
    description:
      'Flags rules that list `*` next to other entries (`verbs: [get, "*"]`), which reads like a short list but grants everything; and entries that look like wildcards but are literal to the authorizer: `*` in resourceNames (only an object named "*"), and `<resource>/*` or `*/*` in resources (only a subresource named "*", not every subresource).',
    rationale:
      'Reviewers read the first entries of a list. A `*` at its end grants everything while looking harmless; a literal `*` where a wildcard was meant grants nothing, so someone will widen the rule further to make it work.',
    remediation:
      'In {{roleKind}} {{name}}, rewrite {{path}}: list only the entries it needs, or ["*"] alone if everything is truly meant.\n\nkubectl edit {{roleKindLower}} {{name}}',
    remediations: {
      literalSubresource:
        'In {{roleKind}} {{name}}, replace {{entries}} at {{path}} with the subresources it needs (e.g. pods/log), or with "*/<subresource>" for one subresource of every resource.\n\nkubectl edit {{roleKindLower}} {{name}}',
      literalName: 'In {{roleKind}} {{name}}, replace the "*" at {{path}} with the object names, or drop resourceNames to cover every object.\n\nkubectl edit {{roleKindLower}} {{name}}',
    },
    references: { links: [RBAC_GOOD_PRACTICES, 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources'] },
    messages: {
      hidden: '{{roleKind}} "{{name}}" {{rule}} lists "*" among {{count}} entries of {{field}} ({{ruleText}}): it grants every {{noun}}.',
      literalName: '{{roleKind}} "{{name}}" {{rule}} has "*" in resourceNames ({{ruleText}}): it matches only an object named "*", not every object.',
      literalSubresource:
        '{{roleKind}} "{{name}}" {{rule}} lists {{entries}} in resources ({{ruleText}}): the authorizer matches only a subresource literally named "*"; use "*/<subresource>" or name the subresources.',
    },
  },
  reads: RBAC_KINDS,
  evaluate(snapshot, report) {
    const nouns = { verbs: 'verb', apiGroups: 'API group', resources: 'resource and subresource', nonResourceURLs: 'non-resource URL' } as const;
    reportRoles(rbacModel(snapshot), report, (rule, i, role) => {
      const out: RuleFinding[] = [];
      const base = { ruleText: describeRule(rule), roleKind: role.kind };
      for (const field of ['verbs', 'apiGroups', 'resources', 'nonResourceURLs'] as const) {
        const values = rule[field] ?? [];
        if (values.length > 1 && values.includes('*')) {
          out.push({
            ruleIndex: i,
            field,
            messageId: 'hidden',
            data: { ...base, count: values.length, noun: nouns[field] },
            observed: values,
            expected: 'either ["*"] alone or no "*"',
          });
        }
      }
      // `pods/*` and `*/*` alike match only a subresource literally named `*`.
      const literal = (rule.resources ?? []).filter((r) => /^[^/]+\/\*$/.test(r));
      if (literal.length) {
        out.push({
          ruleIndex: i,
          field: 'resources',
          messageId: 'literalSubresource',
          remediationId: 'literalSubresource',
          data: { ...base, entries: literal.join(',') },
          observed: rule.resources,
          expected: 'resource/subresource pairs that exist',
          severity: 'low',
          path: `rules[${i}].resources[${(rule.resources ?? []).indexOf(literal[0]!)}]`,
        });
      }
      if ((rule.resourceNames ?? []).includes('*')) {
        out.push({
          ruleIndex: i,
          field: 'resourceNames',
          messageId: 'literalName',
          remediationId: 'literalName',
          data: { ...base },
          observed: rule.resourceNames,
          expected: 'object names',
          severity: 'low',
          path: `rules[${i}].resourceNames[${(rule.resourceNames ?? []).indexOf('*')}]`,
        });
      }
      return out;
    });
  },
});
