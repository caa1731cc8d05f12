import { defineControl } from '../../src/engine/types.ts';
import type { LabelSelector } from '../../src/model/k8s.ts';
import { NAMESPACE_NAME_LABEL, describeSelector, rulesOf } from '../../src/model/network.ts';
import { matchesSelector } from '../../src/model/selectors.ts';
import { subjectOf } from '../../src/model/workloads.ts';

/**
 * Whether a namespace selector matches a namespace created tomorrow with no
 * labels but the automatic name label. The probe name is one the selector does
 * not mention, so only selectors built from NotIn and DoesNotExist match it.
 */
function matchesUnlabelledNamespace(selector: LabelSelector): boolean {
  const mentioned = new Set([...Object.values(selector.matchLabels ?? {}), ...(selector.matchExpressions ?? []).flatMap((e) => e.values ?? [])]);
  let probe = 'k8s-audit-new-namespace';
  while (mentioned.has(probe)) probe += '-x';
  return matchesSelector(selector, { [NAMESPACE_NAME_LABEL]: probe });
}

export default defineControl({
  meta: {
    id: 'netpol-all-namespaces',
    title: 'NetworkPolicy peers do not admit pods from every namespace',
    area: 'network',
    severity: 'medium',
    description:
      'Finds peers, in directions a policy isolates, whose `namespaceSelector` is empty (`{}`: every namespace) or matches a namespace that carries no label but its name (a selector built only from NotIn and DoesNotExist, which admits every namespace created later). A podSelector beside it narrows the pods, not the namespaces.',
    rationale:
      'Anyone who may create pods in any namespace, or create a namespace, can then become an allowed peer by giving a pod the right labels. Labels inside a namespace are set by its tenants; the automatic `kubernetes.io/metadata.name` label is not, and names a namespace for certain.',
    remediation:
      'Name the namespaces in {{path}} of NetworkPolicy {{name}} (namespace {{namespace}}) by the label the API server sets on each of them:\n\n  namespaceSelector:\n    matchLabels:\n      kubernetes.io/metadata.name: <namespace>\n\nand keep a podSelector beside it for the client pods.',
    references: {
      links: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-namespace-by-its-name'],
    },
    messages: {
      'all-namespaces': 'NetworkPolicy "{{name}}" {{path}} admits {{pods}} in every namespace ({{directionLower}}).',
      'new-namespaces': 'NetworkPolicy "{{name}}" {{path}} ({{selector}}) admits {{pods}} in every namespace it does not exclude, including namespaces created later ({{directionLower}}).',
    },
  },
  reads: ['networkpolicies'],
  evaluate(snapshot, report) {
    for (const np of snapshot.list('networkpolicies')) {
      const subject = subjectOf(np);
      let failed = false;
      for (const r of rulesOf(np)) {
        if (!r.effective || r.peers === null) continue;
        for (const p of r.peers) {
          if (p.type !== 'pods' || p.namespaces === 'own') continue;
          const pods = p.pods === 'all' ? 'all pods' : `pods ${describeSelector(p.pods)}`;
          const data = { pods, directionLower: r.direction.toLowerCase() };
          if (p.namespaces === 'all') {
            failed = true;
            report.fail(subject, {
              messageId: 'all-namespaces',
              data,
              path: `${p.path}.namespaceSelector`,
              observed: {},
              expected: `{matchLabels: {${NAMESPACE_NAME_LABEL}: <namespace>}}`,
            });
          } else if (matchesUnlabelledNamespace(p.namespaces)) {
            failed = true;
            const selector = describeSelector(p.namespaces);
            report.fail(subject, {
              messageId: 'new-namespaces',
              data: { ...data, selector },
              path: `${p.path}.namespaceSelector`,
              observed: selector,
              expected: `{matchLabels: {${NAMESPACE_NAME_LABEL}: <namespace>}}`,
            });
          }
        }
      }
      if (!failed) report.pass(subject);
    }
  },
});
