import type { Probe } from '../../src/model/rbac.ts';
import { RBAC_GOOD_PRACTICES, grantControl, replaceRemediation } from './_grants.ts';

/** The ConfigMaps cluster DNS reads its configuration from: CoreDNS's, and kube-dns's. */
export const DNS_CONFIGMAPS = ['coredns', 'kube-dns'];

const probes: Probe[] = [{ verbs: ['update', 'patch', 'delete'], group: '', resource: 'configmaps', namespace: 'kube-system', names: DNS_CONFIGMAPS }];

export default grantControl(
  {
    id: 'rbac-dns-configmap',
    title: 'The cluster DNS configuration is not modifiable',
    area: 'rbac',
    severity: 'high',
    description:
      'Flags every binding subject that may update, patch or delete the cluster DNS ConfigMap (kube-system/coredns or kube-system/kube-dns): through a RoleBinding in kube-system or any ClusterRoleBinding, unless its rule is limited to other ConfigMaps by name.',
    rationale: 'Whoever edits the DNS configuration redirects any service name of every pod — the API server\'s included — to an address of their choice.',
    remediation: replaceRemediation('Leave the DNS configuration to the cluster administrators.'),
    references: { links: [RBAC_GOOD_PRACTICES, 'https://kubernetes.io/docs/tasks/administer-cluster/dns-custom-nameservers/'] },
    messages: {
      granted: '{{grantee}} can {{verbs}} the cluster DNS ConfigMap{{names}} in kube-system, through {{bindingKind}} "{{name}}" ({{scope}}) and {{roleKind}} "{{role}}" ({{rules}}).',
    },
  },
  { probes },
);
