import { ALL_AUTHENTICATED } from '../../src/model/rbac.ts';
import { RBAC_GOOD_PRACTICES, allRules, grantControl, isDiscoveryRule } from './_grants.ts';

export default grantControl(
  {
    id: 'rbac-authenticated-access',
    title: 'system:authenticated gets nothing beyond discovery',
    area: 'rbac',
    severity: 'high',
    description:
      'Flags every binding that grants the group system:authenticated more than Kubernetes\' defaults give it: getting the discovery, OpenAPI, health, version and OIDC endpoints, and creating self access/rules/subject reviews. Built-in bindings are judged the same way (their finding carries builtInBinding: true).',
    rationale:
      'Every identity the API server accepts is in system:authenticated: every ServiceAccount of every namespace, every user of every configured identity provider, bootstrap tokens. A grant to it is a grant to all of them.',
    remediation:
      'Bind {{roleKind}} {{role}} to the users, groups or ServiceAccounts that need it instead of {{granteeKind}} {{granteeName}}, then remove that subject from {{kind}} {{name}}:\n\nkubectl edit {{kindLower}} {{name}}   # delete subjects entry {{path}}',
    references: { links: [RBAC_GOOD_PRACTICES, 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles'] },
    messages: {
      granted: '{{kind}} "{{name}}" grants every authenticated identity {{verbs}} on {{resources}}{{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
    },
  },
  {
    match: (binding) => allRules(binding, (r) => !isDiscoveryRule(r)),
    grantee: (s) => s.kind === 'Group' && s.name === ALL_AUTHENTICATED,
    apart: () => false,
  },
);
