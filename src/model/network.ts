import type { K8sObject, LabelSelector } from './k8s.ts';
import { isEmptySelector } from './selectors.ts';

export type Direction = 'Ingress' | 'Egress';

export interface NetworkPolicySpec {
  podSelector?: LabelSelector;
  policyTypes?: Direction[];
  ingress?: unknown[];
  egress?: unknown[];
}

export function specOf(np: K8sObject): NetworkPolicySpec {
  return (np.spec ?? {}) as NetworkPolicySpec;
}

/**
 * The directions a policy isolates, with the API's defaulting: when
 * `policyTypes` is unset, Ingress always, and Egress when the policy has at
 * least one egress rule.
 */
export function policyTypes(np: K8sObject): Direction[] {
  const spec = specOf(np);
  if (spec.policyTypes && spec.policyTypes.length > 0) return spec.policyTypes;
  return (spec.egress?.length ?? 0) > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** A default-deny for a direction: selects every pod, isolates that direction, and allows nothing in it. */
export function isDefaultDeny(np: K8sObject, direction: Direction): boolean {
  const spec = specOf(np);
  if (!isEmptySelector(spec.podSelector ?? {})) return false;
  if (!policyTypes(np).includes(direction)) return false;
  const rules = direction === 'Ingress' ? spec.ingress : spec.egress;
  return (rules?.length ?? 0) === 0;
}
