import type { Control } from '../../src/engine/types.ts';
import namespaceDefaultDeny from './namespace-default-deny.ts';

export const NETWORK_CONTROLS: readonly Control[] = [namespaceDefaultDeny];
