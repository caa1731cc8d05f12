import { defineControl } from '../../src/engine/types.ts';
import { isSystemNamespace } from '../../src/model/namespaces.ts';
import { isDefaultDeny, type Direction } from '../../src/model/network.ts';
import { subjectOf } from '../../src/model/workloads.ts';

export default defineControl({
  meta: {
    id: 'namespace-default-deny',
    title: 'Namespaces have a default-deny NetworkPolicy for ingress and egress',
    area: 'network',
    severity: 'medium',
    description:
      'For each namespace and each direction, looks for a NetworkPolicy that selects every pod (`podSelector: {}`), lists the direction in its policy types (with the API\'s defaulting) and has no rule for it. Kubernetes\' own system namespaces are not applicable.',
    rationale:
      'Pods accept traffic from, and send it to, anywhere until a policy selects them. A default-deny per direction makes every allowed flow an explicit decision.',
    remediation:
      'Add a default-deny policy to namespace {{namespace}}, then allow the flows its workloads need:\n\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny-{{directionLower}}\n  namespace: {{name}}\nspec:\n  podSelector: {}\n  policyTypes: ["{{direction}}"]',
    references: {
      cis: ['5.3.2'],
      links: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies'],
    },
    messages: {
      missing: 'Namespace "{{name}}" has no default-deny NetworkPolicy for {{direction}} traffic.',
    },
  },
  reads: ['namespaces', 'networkpolicies'],
  evaluate(snapshot, report) {
    for (const ns of snapshot.list('namespaces')) {
      const subject = subjectOf(ns);
      const name = ns.metadata.name;
      if (isSystemNamespace(name)) {
        report.notApplicable(subject, 'Kubernetes system namespace');
        continue;
      }
      const policies = snapshot.inNamespace('networkpolicies', name);
      let failed = false;
      for (const direction of ['Ingress', 'Egress'] as Direction[]) {
        if (!policies.some((np) => isDefaultDeny(np, direction))) {
          failed = true;
          report.fail(subject, {
            messageId: 'missing',
            data: { direction, directionLower: direction.toLowerCase() },
            path: `NetworkPolicy[${direction}]`,
            observed: policies.length === 0 ? 'no NetworkPolicy' : `${policies.length} NetworkPolicies, none a default-deny for ${direction}`,
            expected: `a policy with podSelector {} and policyTypes [${direction}] and no ${direction.toLowerCase()} rules`,
          });
        }
      }
      if (!failed) report.pass(subject);
    }
  },
});
