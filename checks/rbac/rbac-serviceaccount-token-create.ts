import { capability } from '../../src/model/rbac.ts';
import { RBAC_GOOD_PRACTICES, grantControl, replaceRemediation } from './_grants.ts';

export default grantControl(
  {
    id: 'rbac-serviceaccount-token-create',
    title: 'Access to create ServiceAccount tokens is minimal',
    area: 'rbac',
    severity: 'high',
    description: 'Flags every binding subject that may create serviceaccounts/token, i.e. mint tokens for ServiceAccounts (limited to named ServiceAccounts or not).',
    rationale:
      'A token for a ServiceAccount is its identity: whoever can mint one holds every permission of that ServiceAccount, for as long as the token lives.',
    remediation: replaceRemediation('Let only the components that hand out tokens create them, and only for the ServiceAccounts they serve.'),
    references: { cis: ['5.1.13'], links: [RBAC_GOOD_PRACTICES] },
    messages: {
      granted: '{{grantee}} can create tokens for ServiceAccounts{{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
    },
  },
  { probes: capability('create-tokens').probes },
);
