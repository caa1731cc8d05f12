import { defineControl } from '../../src/engine/types.ts';
import { isSystemNamespace } from '../../src/model/namespaces.ts';
import { policyApis, policyObjectsIn } from '../../src/model/network.ts';
import { subjectOf } from '../../src/model/workloads.ts';

export default defineControl({
  meta: {
    id: 'namespace-network-policy',
    title: 'Every namespace has at least one NetworkPolicy',
    area: 'network',
    severity: 'medium',
    description:
      'CIS 5.3.2 as the benchmark audits it: each namespace holds at least one NetworkPolicy. Having one says nothing about what it isolates; `namespace-default-deny` and `workload-network-isolation` judge that. Kubernetes\' own system namespaces are not applicable.',
    rationale:
      'Without any NetworkPolicy, every pod of the namespace accepts connections from, and opens connections to, anything the network reaches: other tenants\' pods, the nodes, the internet and the cloud metadata service.',
    remediation:
      'Start namespace {{name}} from a default-deny for both directions, allowing DNS, then add a policy for each flow its workloads need:\n\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: {{name}}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-dns\n  namespace: {{name}}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: kube-system\n      podSelector:\n        matchLabels:\n          k8s-app: kube-dns\n    ports:\n    - {protocol: UDP, port: 53}\n    - {protocol: TCP, port: 53}',
    references: {
      cis: ['5.3.2'],
      links: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/'],
    },
    messages: {
      none: 'Namespace "{{name}}" has no NetworkPolicy: its pods accept and send any traffic.',
      'none-other-apis':
        'Namespace "{{name}}" has no NetworkPolicy. Policy kinds of {{providers}} are installed, whose objects k8s-audit does not read: they may restrict its pods\' traffic, but CIS 5.3.2 asks for NetworkPolicies.',
      'none-unverified':
        'Namespace "{{name}}" has no NetworkPolicy: nothing of the standard API restricts its pods\' traffic (CustomResourceDefinitions were not read, so policy kinds of other APIs, such as Calico\'s or Cilium\'s, were not looked for).',
    },
  },
  reads: ['namespaces', 'networkpolicies'],
  evaluate(snapshot, report) {
    // Read by other controls in a full scan; not a read of this one, whose verdict does not depend on it: only what the message says does.
    const crds = snapshot.collection.customresourcedefinitions.state;
    const crdsRead = crds === 'ok' || crds === 'static' || crds === 'not-found';
    const installed = crdsRead ? [...new Set(policyApis(snapshot).map((a) => a.provider))] : [];
    for (const ns of snapshot.list('namespaces')) {
      const subject = subjectOf(ns);
      const name = ns.metadata.name;
      // Where the policy objects of other APIs were listed, those that apply here tell; else their kinds do.
      const objects = policyObjectsIn(snapshot, name);
      const providers = objects ? objects.map((k) => k.crd) : installed;
      const messageId = providers.length ? 'none-other-apis' : objects || crdsRead ? 'none' : 'none-unverified';
      if (isSystemNamespace(name)) {
        report.notApplicable(subject, 'Kubernetes system namespace');
        continue;
      }
      if (snapshot.inNamespace('networkpolicies', name).length > 0) report.pass(subject);
      else {
        report.fail(subject, {
          messageId,
          ...(providers.length ? { data: { providers: providers.join(', ') } } : {}),
          path: 'NetworkPolicy',
          observed: 'no NetworkPolicy',
          expected: 'at least one NetworkPolicy',
        });
      }
    }
  },
});
