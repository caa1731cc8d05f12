import { defineControl } from '../../src/engine/types.ts';
import { describeSelector, networkAnalysis, podSelectorOf, selectsAllPods } from '../../src/model/network.ts';
import { WORKLOAD_KINDS, subjectOf } from '../../src/model/workloads.ts';

export default defineControl({
  meta: {
    id: 'netpol-selects-no-pods',
    title: 'NetworkPolicies select at least one workload',
    area: 'network',
    severity: 'low',
    description:
      'Finds NetworkPolicies whose pod selector matches no workload of their namespace: neither a pod template nor an existing pod. Workloads on the host network (`hostNetwork: true`) do not count: network plugins leave their traffic to the node\'s rules, whatever policy selects them; nor do Pods that have finished (phase Succeeded or Failed). Policies with an empty selector (`{}`) select every pod, including future ones, and pass.',
    rationale:
      'A policy that selects nothing protects nothing. It is usually a typo in a label, a label renamed in the workload but not in the policy, or a policy left behind, and it makes the namespace look protected when it is not.',
    remediation:
      'Compare the podSelector of NetworkPolicy {{name}} in namespace {{namespace}} ({{selector}}) with the labels of the pod templates it is meant for (`kubectl get pods -n {{namespace}} --show-labels`), and fix the selector or the labels; delete the policy if its workload is gone.',
    references: {
      links: ['https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors'],
    },
    static: { needsCluster: 'the pods a policy selects may be deployed from other files, so a partial set cannot show that it selects none.' },
    messages: {
      'selects-nothing': 'NetworkPolicy "{{name}}" selects no workload in namespace "{{namespace}}" (podSelector {{selector}}).',
      'host-network-only':
        'NetworkPolicy "{{name}}" selects only workloads on the host network ({{workloads}}), which NetworkPolicy does not govern (podSelector {{selector}}).',
    },
  },
  reads: ['networkpolicies', ...WORKLOAD_KINDS],
  evaluate(snapshot, report) {
    const analysis = networkAnalysis(snapshot);
    for (const np of snapshot.list('networkpolicies')) {
      const subject = subjectOf(np);
      const selected = analysis.selectedBy.get(np) ?? [];
      const governed = selected.filter((w) => !w.hostNetwork);
      if (selectsAllPods(np) || governed.length > 0) {
        report.pass(subject);
        continue;
      }
      const selector = describeSelector(podSelectorOf(np));
      const hostOnly = selected.length > 0;
      report.fail(subject, {
        messageId: hostOnly ? 'host-network-only' : 'selects-nothing',
        data: hostOnly ? { selector, workloads: selected.map((w) => `${w.workload.subject.kind} ${w.workload.subject.name}`).join(', ') } : { selector },
        path: 'spec.podSelector',
        observed: selector,
        expected: 'a selector matching the labels of at least one workload',
      });
    }
  },
});
