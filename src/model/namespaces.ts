/** Namespaces Kubernetes itself creates and runs its own components in. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

export function isSystemNamespace(name: string): boolean {
  return SYSTEM_NAMESPACES.has(name);
}

export const PSA_PREFIX = 'pod-security.kubernetes.io/';
export const PSA_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
export type PsaLevel = (typeof PSA_LEVELS)[number];

/**
 * Whether a Namespace is being deleted (`metadata.deletionTimestamp` set, `status.phase: Terminating`; it can stay so
 * for good when a finalizer is never removed). The NamespaceLifecycle admission then refuses every new object in it,
 * Pods included, whatever its Pod Security labels say.
 */
export function isTerminating(ns: { metadata: object; status?: unknown }): boolean {
  if ((ns.metadata as { deletionTimestamp?: unknown }).deletionTimestamp) return true;
  const phase = (ns.status as { phase?: unknown } | undefined)?.phase;
  return phase === 'Terminating';
}

/** The not-applicable reason for a namespace being deleted. */
export function terminatingReason(name: string): string {
  return `Namespace "${name}" is being deleted (Terminating): the API server admits no new pod into it, whatever its Pod Security labels`;
}
