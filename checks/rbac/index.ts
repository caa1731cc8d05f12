import type { Control } from '../../src/engine/types.ts';
import rbacClusterAdminBinding from './rbac-cluster-admin-binding.ts';

export const RBAC_CONTROLS: readonly Control[] = [rbacClusterAdminBinding];
