import { capability } from '../../src/model/rbac.ts';
import { RBAC_GOOD_PRACTICES, grantControl, replaceRemediation } from './_grants.ts';

export default grantControl(
  {
    id: 'rbac-csr-approval',
    title: 'Access to approve certificate signing requests is minimal',
    area: 'rbac',
    severity: 'high',
    description: 'Flags every binding subject that may update or patch certificatesigningrequests/approval (cluster-scoped: only ClusterRoleBindings grant it).',
    rationale:
      'Approving a CertificateSigningRequest for the kube-apiserver-client signer issues a client certificate for any user and group named in it — system:masters included — which RBAC cannot revoke until it expires.',
    remediation: replaceRemediation('Keep CSR approval to the controllers and administrators that issue certificates.'),
    references: { cis: ['5.1.11'], links: [RBAC_GOOD_PRACTICES + '#csrs-and-certificate-issuing'] },
    messages: {
      granted: '{{grantee}} can {{verbs}} certificatesigningrequests/approval{{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
    },
  },
  { probes: capability('approve-csrs').probes },
);
