import { defineControl } from '../../src/engine/types.ts';
import { RBAC_GOOD_PRACTICES } from './_grants.ts';

export default defineControl({
  meta: {
    id: 'rbac-system-masters',
    title: 'The system:masters group is not used',
    area: 'rbac',
    severity: 'high',
    description: 'Checks that no credential other than break-glass ones puts its holder in the system:masters group.',
    rationale:
      'Members of system:masters are allowed every request before RBAC or any webhook is asked, and no binding can take that away; a leaked certificate with O=system:masters is cluster-admin until the CA is rotated.',
    remediation:
      'Issue client certificates without O=system:masters; give administrators a group bound to cluster-admin by a ClusterRoleBinding, which can be revoked. Keep one break-glass system:masters credential offline. On kubeadm clusters, use `kubeadm kubeconfig user` with a different --org, and the super-admin.conf only for emergencies.',
    references: {
      cis: ['5.1.7'],
      links: [RBAC_GOOD_PRACTICES, 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege'],
    },
    messages: {},
    manual:
      'membership of system:masters lives in client certificates (the O field) and in the authenticator\'s configuration, none of which the API exposes; review the certificates issued by the cluster CA and the kubeconfigs handed out.',
  },
  reads: [],
  evaluate() {
    /* manual: never called */
  },
});
