/**
 * The default waiver set: exceptions k8s-audit expects in every cluster,
 * written as data so that they stay visible. Kubernetes' own namespaces are
 * audited like any other; where one of them needs what a control forbids, the
 * exception is listed here — never skipped in a control's code — and a waived
 * result still shows as `waived`, with this owner and reason.
 *
 * A subject matches when every field given equals the result subject's field
 * exactly (no prefixes, no patterns); a field left out matches anything.
 * The waiver engine (issue 8) applies this set unless the operator turns it off.
 */

export interface DefaultWaiver {
  /** Control ids the waiver covers. */
  controls: string[];
  /** Exact match on the result's subject; omitted fields match any value. */
  subject: { kind?: string; namespace?: string; name?: string };
  owner: 'k8s-audit defaults';
  reason: string;
}

export const DEFAULT_WAIVER_OWNER = 'k8s-audit defaults';

export const DEFAULT_WAIVERS: readonly DefaultWaiver[] = Object.freeze([
  {
    controls: ['namespace-psa-enforce'],
    subject: { kind: 'Namespace', name: 'kube-system' },
    owner: DEFAULT_WAIVER_OWNER,
    reason:
      'kube-system runs node-level components (kube-proxy, CNI and CSI agents, the control plane\'s static pods) that need host namespaces, host paths and privileges no Pod Security level admits, so it cannot enforce one. Keep it closed by RBAC instead: only cluster administrators may create pods there.',
  },
  {
    controls: ['pod-hostpath-sensitive', 'pod-hostpath-writable'],
    subject: { namespace: 'kube-system' },
    owner: DEFAULT_WAIVER_OWNER,
    reason:
      'System components mount the host by design: the control plane\'s static pods read /etc/kubernetes/pki and write /var/lib/etcd, kube-proxy writes /run/xtables.lock, CNI agents write /etc/cni/net.d and /opt/cni/bin. A workload of your own in kube-system is waived too: review what you deploy there.',
  },
] satisfies DefaultWaiver[]);

/** Whether a default waiver covers a result (control id and subject). */
export function defaultWaiverFor(
  controlId: string,
  subject: { kind: string; namespace?: string; name: string },
  waivers: readonly DefaultWaiver[] = DEFAULT_WAIVERS,
): DefaultWaiver | undefined {
  return waivers.find(
    (w) =>
      w.controls.includes(controlId) &&
      (w.subject.kind === undefined || w.subject.kind === subject.kind) &&
      (w.subject.namespace === undefined || w.subject.namespace === subject.namespace) &&
      (w.subject.name === undefined || w.subject.name === subject.name),
  );
}
