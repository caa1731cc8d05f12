import { defineControl } from '../../src/engine/types.ts';
import { isSystemNamespace } from '../../src/model/namespaces.ts';
import { DIRECTIONS, describeAllowingAll, effectiveRules, otherPolicyApisClause, otherPolicyApisPermission, policyTypes, rulesAllowingAll, selectsAllPods } from '../../src/model/network.ts';
import { subjectOf } from '../../src/model/workloads.ts';

export default defineControl({
  meta: {
    id: 'namespace-default-deny',
    title: 'Namespaces deny ingress and egress by default',
    area: 'network',
    severity: 'medium',
    description:
      'For each namespace and each direction, looks for a NetworkPolicy that selects every pod (`podSelector: {}`) and lists the direction in its policy types (with the API\'s defaulting), so that every pod, including pods created later, is isolated and each allowed flow is an explicit rule. Such a policy may carry narrow allows of its own (DNS, say). It fails when no policy does this, and when one does but an allow-all (`ingress: [{}]` or `egress: [{}]`, or rules of the policies selecting every pod that together admit every peer on every port) cancels it. A stricter reading of CIS 5.3.2. Kubernetes\' own system namespaces are not applicable. Where policy kinds of other APIs are installed (Calico, Cilium, Antrea, AdminNetworkPolicy: their CustomResourceDefinitions), a direction no NetworkPolicy isolates is not assessed rather than failed: k8s-audit does not read those policies, and a cluster-wide default deny among them isolates every pod.',
    rationale:
      'Pods accept traffic from, and send it to, anywhere until a policy selects them for that direction. A namespace-wide isolation per direction makes every allowed flow an explicit decision, and covers the pods nobody wrote a policy for. Policies are additive: one rule allowing everything for every pod undoes the default-deny, whatever else exists.',
    remediation:
      'Give namespace {{name}} a NetworkPolicy that selects every pod (podSelector: {}) and lists {{direction}} in policyTypes, and make sure no policy selecting every pod has an empty {{directionKey}} rule ({}), which allows all {{directionLower}} traffic and cancels the isolation. Then allow the flows its workloads need, one narrow policy each. A default-deny for both directions that still lets pods resolve names:\n\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: {{name}}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-dns\n  namespace: {{name}}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: kube-system\n      podSelector:\n        matchLabels:\n          k8s-app: kube-dns\n    ports:\n    - {protocol: UDP, port: 53}\n    - {protocol: TCP, port: 53}',
    references: {
      cis: ['5.3.2'],
      links: [
        'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies',
        'https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-namespace-by-its-name',
      ],
    },
    messages: {
      missing: 'Namespace "{{name}}" has no NetworkPolicy that isolates every pod for {{direction}} traffic.',
      cancelled:
        'Namespace "{{name}}" isolates every pod for {{direction}} traffic, but {{rules}} all {{directionLower}} traffic for every pod, which cancels it.',
    },
  },
  reads: ['namespaces', 'networkpolicies', 'customresourcedefinitions'],
  evaluate(snapshot, report) {
    for (const ns of snapshot.list('namespaces')) {
      const subject = subjectOf(ns);
      const name = ns.metadata.name;
      const otherApis = otherPolicyApisClause(snapshot, name);
      if (isSystemNamespace(name)) {
        report.notApplicable(subject, 'Kubernetes system namespace');
        continue;
      }
      const policies = snapshot.inNamespace('networkpolicies', name);
      let failed = false;
      const unknown: string[] = [];
      for (const direction of DIRECTIONS) {
        const lower = direction.toLowerCase();
        const path = `NetworkPolicy[${direction}]`;
        const isolating = policies.filter((np) => selectsAllPods(np) && policyTypes(np).includes(direction));
        const cancelling = rulesAllowingAll(isolating.flatMap((np) => effectiveRules(np, direction)));
        if (isolating.length === 0 && otherApis) {
          unknown.push(direction);
        } else if (isolating.length === 0) {
          failed = true;
          report.fail(subject, {
            messageId: 'missing',
            data: { direction, directionLower: lower, directionKey: lower },
            path,
            observed:
              policies.length === 0
                ? 'no NetworkPolicy'
                : `${policies.length} NetworkPolicies, none selecting every pod for ${direction}: ${policies.map((np) => np.metadata.name).join(', ')}`,
            expected: `a NetworkPolicy with podSelector {} and ${direction} in policyTypes`,
          });
        } else if (cancelling.length > 0) {
          failed = true;
          report.fail(subject, {
            messageId: 'cancelled',
            data: { direction, directionLower: lower, directionKey: lower, rules: describeAllowingAll(cancelling) },
            path,
            observed: cancelling.map((r) => `${r.policy.metadata.name} ${r.path}`).join('; '),
            expected: `no ${lower} rule that allows every peer on every port for every pod`,
          });
        }
      }
      if (unknown.length > 0) {
        report.notAssessed(subject, `Namespace "${name}" has no NetworkPolicy that isolates every pod for ${unknown.join(' or ')} traffic, but ${otherApis}.`, otherPolicyApisPermission(snapshot, name));
      } else if (!failed) report.pass(subject);
    }
  },
});
