import { ALL_UNAUTHENTICATED, ANONYMOUS_USER } from '../../src/model/rbac.ts';
import { PUBLIC_INFO_URLS, RBAC_GOOD_PRACTICES, allRules, grantControl, onlyGetsUrls } from './_grants.ts';

export default grantControl(
  {
    id: 'rbac-anonymous-access',
    title: 'Nothing is granted to anonymous requests',
    area: 'rbac',
    severity: 'critical',
    description:
      'Flags every binding that grants anything to the user system:anonymous or the group system:unauthenticated. Kubernetes\' own binding of system:public-info-viewer (health and version endpoints) is shown apart as built-in while its role grants only those.',
    rationale:
      'Where anonymous authentication is on (the default), anyone who reaches the API server is system:anonymous in system:unauthenticated: whatever they are granted is granted to the network.',
    remediation:
      'Remove {{granteeKind}} {{granteeName}} from {{kind}} {{name}}; grant {{roleKind}} {{role}} to the authenticated identities that need it instead, and consider --anonymous-auth=false or an AuthenticationConfiguration that limits anonymous access to health endpoints:\n\nkubectl edit {{kindLower}} {{name}}   # delete subjects entry {{path}}',
    references: { links: [RBAC_GOOD_PRACTICES, 'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests'] },
    messages: {
      granted: '{{kind}} "{{name}}" grants {{grantee}} — every unauthenticated caller — {{verbs}} on {{resources}}{{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
    },
  },
  {
    match: (binding) => allRules(binding),
    grantee: (s) => (s.kind === 'User' && s.name === ANONYMOUS_USER) || (s.kind === 'Group' && s.name === ALL_UNAUTHENTICATED),
    apart: (binding, _s, matches) => binding.builtIn && matches.every((m) => onlyGetsUrls(m.rule, PUBLIC_INFO_URLS)),
  },
);
