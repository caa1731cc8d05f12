import type { Control } from '../../src/engine/types.ts';
import podHostNamespaces from './pod-host-namespaces.ts';
import podPrivileged from './pod-privileged.ts';

export const WORKLOAD_CONTROLS: readonly Control[] = [podPrivileged, podHostNamespaces];
