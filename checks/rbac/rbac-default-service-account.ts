import { ALL_SERVICE_ACCOUNTS, SERVICE_ACCOUNT_PREFIX, type RbacSubject } from '../../src/model/rbac.ts';
import { RBAC_GOOD_PRACTICES, allRules, grantControl, isDiscoveryRule, replaceRemediation } from './_grants.ts';

function isDefaultServiceAccount(s: RbacSubject): boolean {
  if (s.kind === 'ServiceAccount') return s.name === 'default';
  return s.kind === 'User' && s.name.startsWith(SERVICE_ACCOUNT_PREFIX) && s.name.endsWith(':default') && s.name.split(':').length === 4;
}

function isAllServiceAccounts(s: RbacSubject): boolean {
  return s.kind === 'Group' && (s.name === ALL_SERVICE_ACCOUNTS || s.name.startsWith(`${ALL_SERVICE_ACCOUNTS}:`));
}

export default grantControl(
  {
    id: 'rbac-default-service-account',
    title: 'Default ServiceAccounts are granted nothing',
    area: 'rbac',
    severity: 'medium',
    description:
      'The RBAC side of default ServiceAccount use: flags every binding that grants a namespace\'s `default` ServiceAccount anything, or grants the groups system:serviceaccounts or system:serviceaccounts:<namespace> (which contain every default ServiceAccount) more than discovery.',
    rationale:
      'Every pod that names no ServiceAccount runs as `default`, and gets its token unless automounting is turned off. Permissions given to it are given to every such pod, now and in the future; workloads that need API access should run as a ServiceAccount of their own.',
    remediation: replaceRemediation('Create a ServiceAccount for the workload that needs these permissions, run it as that ServiceAccount, and bind the role to it instead.'),
    references: { cis: ['5.1.5'], links: [RBAC_GOOD_PRACTICES, 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/'] },
    messages: {
      granted: '{{grantee}}, which pods get when they name no ServiceAccount, is granted {{verbs}} on {{resources}}{{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
      allServiceAccounts: '{{grantee}}, which every ServiceAccount (default ones included) is in, is granted {{verbs}} on {{resources}}{{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
    },
  },
  {
    match: (binding) => allRules(binding, (r) => !isDiscoveryRule(r)),
    grantee: (s) => isDefaultServiceAccount(s) || isAllServiceAccounts(s),
    messageId: (_m, _l, _b, s) => (isAllServiceAccounts(s) ? 'allServiceAccounts' : 'granted'),
    apart: () => false,
  },
);
