import type { Control } from '../../src/engine/types.ts';
import rbacAnonymousAccess from './rbac-anonymous-access.ts';
import rbacAuthenticatedAccess from './rbac-authenticated-access.ts';
import rbacClusterAdminBinding from './rbac-cluster-admin-binding.ts';
import rbacCreatePersistentvolumes from './rbac-create-persistentvolumes.ts';
import rbacCreatePods from './rbac-create-pods.ts';
import rbacCsrApproval from './rbac-csr-approval.ts';
import rbacDanglingBinding from './rbac-dangling-binding.ts';
import rbacDefaultServiceAccount from './rbac-default-service-account.ts';
import rbacDeleteEvents from './rbac-delete-events.ts';
import rbacDnsConfigmap from './rbac-dns-configmap.ts';
import rbacEscalationVerbs from './rbac-escalation-verbs.ts';
import rbacKubeSystemWorkloads from './rbac-kube-system-workloads.ts';
import rbacNodesProxy from './rbac-nodes-proxy.ts';
import rbacPodExec from './rbac-pod-exec.ts';
import rbacSecretsRead from './rbac-secrets-read.ts';
import rbacServiceaccountTokenCreate from './rbac-serviceaccount-token-create.ts';
import rbacSystemMasters from './rbac-system-masters.ts';
import rbacWebhookConfiguration from './rbac-webhook-configuration.ts';
import rbacWildcard from './rbac-wildcard.ts';
import rbacWildcardInList from './rbac-wildcard-in-list.ts';
import rbacWorkloadTokenRisk from './rbac-workload-token-risk.ts';

/** RBAC controls, in CIS order first (5.1.x), then the others. */
export const RBAC_CONTROLS: readonly Control[] = [
  rbacClusterAdminBinding, // 5.1.1
  rbacSecretsRead, // 5.1.2
  rbacWildcard, // 5.1.3
  rbacCreatePods, // 5.1.4
  rbacDefaultServiceAccount, // 5.1.5
  rbacWorkloadTokenRisk, // beside 5.1.6: whose token a workload carries (cites no CIS id)
  rbacSystemMasters, // 5.1.7
  rbacEscalationVerbs, // 5.1.8
  rbacCreatePersistentvolumes, // 5.1.9
  rbacNodesProxy, // 5.1.10
  rbacCsrApproval, // 5.1.11
  rbacWebhookConfiguration, // 5.1.12
  rbacServiceaccountTokenCreate, // 5.1.13
  rbacPodExec,
  rbacKubeSystemWorkloads,
  rbacAnonymousAccess,
  rbacAuthenticatedAccess,
  rbacDanglingBinding,
  rbacDeleteEvents,
  rbacDnsConfigmap,
  rbacWildcardInList,
];
