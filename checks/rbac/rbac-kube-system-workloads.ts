import { WORKLOAD_RESOURCES, type Probe } from '../../src/model/rbac.ts';
import { RBAC_GOOD_PRACTICES, grantControl, replaceRemediation } from './_grants.ts';

const VERBS = ['create', 'update', 'patch'];
const probes: Probe[] = [
  { verbs: VERBS, group: '', resource: 'pods', namespace: 'kube-system' },
  // kubectl debug: an ephemeral container with any image in a running pod, with its volumes and ServiceAccount token.
  { verbs: ['update', 'patch'], group: '', resource: 'pods', subresource: 'ephemeralcontainers', namespace: 'kube-system' },
  ...WORKLOAD_RESOURCES.map((w) => ({ verbs: VERBS, group: w.group, resource: w.resource, namespace: 'kube-system' })),
];

export default grantControl(
  {
    id: 'rbac-kube-system-workloads',
    title: 'Nobody else creates or modifies workloads in kube-system',
    area: 'rbac',
    severity: 'critical',
    description:
      'Flags every binding subject that may create, update or patch pods or workload controllers in kube-system, or add ephemeral containers to its pods (update or patch pods/ephemeralcontainers): through a RoleBinding there, or through any ClusterRoleBinding (which reaches every namespace).',
    rationale:
      'kube-system runs the cluster\'s own components with its most powerful ServiceAccounts and, usually, without Pod Security enforcement. A pod there can run as any of them; changing a DaemonSet there changes every node.',
    remediation: replaceRemediation('Leave kube-system to the controllers of the cluster and its administrators.'),
    references: { links: [RBAC_GOOD_PRACTICES, 'https://kubernetes.io/docs/concepts/security/multi-tenancy/'] },
    messages: {
      granted: '{{grantee}} can {{verbs}} {{resources}} in kube-system, through {{bindingKind}} "{{name}}" ({{scope}}) and {{roleKind}} "{{role}}" ({{rules}}).',
    },
  },
  { probes },
);
