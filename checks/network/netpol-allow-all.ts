import { defineControl } from '../../src/engine/types.ts';
import { allowsAll, describePorts, describeSelector, podSelectorOf, rulesOf, selectsAllPods } from '../../src/model/network.ts';
import { subjectOf } from '../../src/model/workloads.ts';

export default defineControl({
  meta: {
    id: 'netpol-allow-all',
    title: 'No NetworkPolicy rule allows all traffic',
    area: 'network',
    severity: 'high',
    description:
      'Finds rules that allow every peer on every port, in a direction the policy isolates: rules that name no peer and no port (`ingress: [{}]`, `egress: [{}]`, or a rule whose `from`/`to` and `ports` are empty), and rules that name them all — every pod of every namespace (`namespaceSelector: {}`) with ipBlocks covering every address of a family, on every port of TCP, UDP and SCTP. Such a rule allows every source or destination on every port for the pods the policy selects.',
    rationale:
      'NetworkPolicies are additive. An allow-all rule beside a default-deny does not lose to it: it cancels it for every pod the allow-all\'s policy selects, while the namespace still looks protected to anyone who only checks that a default-deny exists.',
    remediation:
      'Remove rule {{path}} from NetworkPolicy {{name}} in namespace {{namespace}}, or replace it with rules that name the peers and ports the selected pods need, for example:\n\n  {{directionKey}}:\n  - {{peerKey}}:\n    - podSelector:\n        matchLabels:\n          app: <client>\n    ports:\n    - {protocol: TCP, port: <port>}',
    references: {
      links: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/#allow-all-ingress-traffic'],
    },
    messages: {
      'allow-all': 'NetworkPolicy "{{name}}" rule {{path}} allows all {{directionLower}} traffic for {{selection}}.',
    },
  },
  reads: ['networkpolicies'],
  evaluate(snapshot, report) {
    for (const np of snapshot.list('networkpolicies')) {
      const subject = subjectOf(np);
      const bad = rulesOf(np).filter((r) => r.effective && allowsAll(r));
      if (bad.length === 0) {
        report.pass(subject);
        continue;
      }
      const selection = selectsAllPods(np) ? 'every pod in the namespace' : `the pods matching ${describeSelector(podSelectorOf(np))}`;
      for (const r of bad) {
        report.fail(subject, {
          messageId: 'allow-all',
          data: {
            directionLower: r.direction.toLowerCase(),
            directionKey: r.direction === 'Ingress' ? 'ingress' : 'egress',
            peerKey: r.direction === 'Ingress' ? 'from' : 'to',
            selection,
          },
          path: r.path,
          observed: r.peers === null && r.ports === null ? {} : { peers: r.peers?.length ?? 0, ports: describePorts(r.ports) },
          expected: r.direction === 'Ingress' ? 'a rule with from: and ports:' : 'a rule with to: and ports:',
        });
      }
    }
  },
});
