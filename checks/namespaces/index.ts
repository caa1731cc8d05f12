import type { Control } from '../../src/engine/types.ts';
import namespacePsaEnforce from './namespace-psa-enforce.ts';

export const NAMESPACE_CONTROLS: readonly Control[] = [namespacePsaEnforce];
