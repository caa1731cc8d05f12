import type { Control } from '../../src/engine/types.ts';
import clusterPolicyMechanism from './cluster-policy-mechanism.ts';
import namespacePsaEnforce from './namespace-psa-enforce.ts';
import namespacePsaEnforceViolated from './namespace-psa-enforce-violated.ts';
import namespacePsaVersionStale from './namespace-psa-version-stale.ts';

export const NAMESPACE_CONTROLS: readonly Control[] = [namespacePsaEnforce, namespacePsaVersionStale, namespacePsaEnforceViolated, clusterPolicyMechanism];
