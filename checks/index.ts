/**
 * The registry: every control k8s-audit ships. Each area keeps its own explicit
 * list in checks/<area>/index.ts; this file joins them. A test
 * (test/unit/registry.test.ts) fails when a control file is missing from its
 * area's list, when ids collide, or when a control lacks fixtures.
 */
import type { Control } from '../src/engine/types.ts';
import { CONTROL_PLANE_CONTROLS } from './control-plane/index.ts';
import { HARDENING_CONTROLS } from './hardening/index.ts';
import { NAMESPACE_CONTROLS } from './namespaces/index.ts';
import { NETWORK_CONTROLS } from './network/index.ts';
import { RBAC_CONTROLS } from './rbac/index.ts';
import { WORKLOAD_CONTROLS } from './workloads/index.ts';

export const CONTROLS: readonly Control[] = [...WORKLOAD_CONTROLS, ...HARDENING_CONTROLS, ...NAMESPACE_CONTROLS, ...NETWORK_CONTROLS, ...RBAC_CONTROLS, ...CONTROL_PLANE_CONTROLS];
