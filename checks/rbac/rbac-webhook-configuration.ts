import { capability } from '../../src/model/rbac.ts';
import { RBAC_GOOD_PRACTICES, grantControl, replaceRemediation } from './_grants.ts';

export default grantControl(
  {
    id: 'rbac-webhook-configuration',
    title: 'Access to webhook configuration objects is minimal',
    area: 'rbac',
    severity: 'high',
    description:
      'Flags every binding subject that may create, update, patch or delete ValidatingWebhookConfigurations or MutatingWebhookConfigurations (cluster-scoped: only ClusterRoleBindings grant it).',
    rationale:
      'An admission webhook sees — and a mutating one rewrites — every object sent to the API server, Secrets included. Changing one can switch off policy enforcement or inject containers into every pod.',
    remediation: replaceRemediation('Keep webhook configuration to the operators that install admission controllers.'),
    references: { cis: ['5.1.12'], links: [RBAC_GOOD_PRACTICES + '#control-admission-webhooks'] },
    messages: {
      granted: '{{grantee}} can {{verbs}} {{resources}}{{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
    },
  },
  { probes: capability('change-webhooks').probes },
);
