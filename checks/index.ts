/**
 * The registry: every control k8s-audit ships, in one explicit list. A test
 * (test/unit/registry.test.ts) fails when a file under checks/ is missing here,
 * when ids collide, or when a control lacks fixtures.
 */
import type { Control } from '../src/engine/types.ts';
import namespaceDefaultDeny from './network/namespace-default-deny.ts';
import namespacePsaEnforce from './namespaces/namespace-psa-enforce.ts';
import rbacClusterAdminBinding from './rbac/rbac-cluster-admin-binding.ts';
import podHostNamespaces from './workloads/pod-host-namespaces.ts';
import podPrivileged from './workloads/pod-privileged.ts';

export const CONTROLS: readonly Control[] = [
  // workloads
  podPrivileged,
  podHostNamespaces,
  // namespaces
  namespacePsaEnforce,
  // network
  namespaceDefaultDeny,
  // rbac
  rbacClusterAdminBinding,
];
