import { capability } from '../../src/model/rbac.ts';
import { RBAC_GOOD_PRACTICES, grantControl, replaceRemediation } from './_grants.ts';

export default grantControl(
  {
    id: 'rbac-nodes-proxy',
    title: 'Access to the nodes/proxy subresource is minimal',
    area: 'rbac',
    severity: 'high',
    description: 'Flags every binding subject with any verb on nodes/proxy (only ClusterRoleBindings grant it: nodes are cluster-scoped).',
    rationale:
      'nodes/proxy reaches the kubelet API of every node: running commands in any pod there, reading logs and configuration, without the API server\'s admission control or audit of the individual action.',
    remediation: replaceRemediation('Keep nodes/proxy to monitoring agents that need it, and prefer nodes/metrics or nodes/stats.'),
    references: { cis: ['5.1.10'], links: [RBAC_GOOD_PRACTICES + '#access-to-proxy-subresource-of-nodes'] },
    messages: {
      granted: '{{grantee}} can {{verbs}} nodes/proxy{{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
    },
  },
  { probes: capability('nodes-proxy').probes },
);
