/** Namespaces Kubernetes itself creates and runs its own components in. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

export function isSystemNamespace(name: string): boolean {
  return SYSTEM_NAMESPACES.has(name);
}

export const PSA_PREFIX = 'pod-security.kubernetes.io/';
export const PSA_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
export type PsaLevel = (typeof PSA_LEVELS)[number];
