import { defineControl } from '../../src/engine/types.ts';
import { DIRECTIONS, allowsAll, describePorts, describeSelector, podSelectorOf, rulesAllowingAll, rulesOf, selectsAllPods } from '../../src/model/network.ts';
import { subjectOf } from '../../src/model/workloads.ts';

export default defineControl({
  meta: {
    id: 'netpol-allow-all',
    title: 'No NetworkPolicy rule allows all traffic',
    area: 'network',
    severity: 'high',
    description:
      'Finds rules that allow every peer on every port, in a direction the policy isolates: rules that name no peer and no port (`ingress: [{}]`, `egress: [{}]`, or a rule whose `from`/`to` and `ports` are empty), and rules that name them all — every pod of every namespace (`namespaceSelector: {}`) with ipBlocks covering every address of a family, on every port of TCP, UDP and SCTP. Rules add up, so several rules of a direction that do this together (every pod in one, every address in another; TCP, UDP and SCTP in three) count as one allow-all. Such rules allow every source or destination on every port for the pods the policy selects.',
    rationale:
      'NetworkPolicies are additive. An allow-all rule beside a default-deny does not lose to it: it cancels it for every pod the allow-all\'s policy selects, while the namespace still looks protected to anyone who only checks that a default-deny exists.',
    remediation:
      'Remove rule {{path}} from NetworkPolicy {{name}} in namespace {{namespace}}, or replace it with rules that name the peers and ports the selected pods need, for example:\n\n  {{directionKey}}:\n  - {{peerKey}}:\n    - podSelector:\n        matchLabels:\n          app: <client>\n    ports:\n    - {protocol: TCP, port: <port>}',
    references: {
      links: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/#allow-all-ingress-traffic'],
    },
    messages: {
      'allow-all': 'NetworkPolicy "{{name}}" rule {{path}} allows all {{directionLower}} traffic for {{selection}}.',
      together: 'NetworkPolicy "{{name}}" rules {{paths}} together allow all {{directionLower}} traffic for {{selection}} (rules add up).',
    },
  },
  reads: ['networkpolicies'],
  evaluate(snapshot, report) {
    for (const np of snapshot.list('networkpolicies')) {
      const subject = subjectOf(np);
      // Per direction: one rule that allows everything, or several that do together (rules are ORed).
      const bad = DIRECTIONS.map((direction) => rulesAllowingAll(rulesOf(np).filter((r) => r.effective && r.direction === direction))).filter((rs) => rs.length > 0);
      if (bad.length === 0) {
        report.pass(subject);
        continue;
      }
      const selection = selectsAllPods(np) ? 'every pod in the namespace' : `the pods matching ${describeSelector(podSelectorOf(np))}`;
      // Each rule that allows everything on its own is a finding of its own; rules that do it only together, one.
      const groups = bad.flatMap((rules) => (allowsAll(rules[0]!) ? rules.map((r) => [r]) : [rules]));
      for (const rules of groups) {
        const together = rules.length > 1;
        const r = rules[0]!;
        report.fail(subject, {
          messageId: together ? 'together' : 'allow-all',
          data: {
            directionLower: r.direction.toLowerCase(),
            directionKey: r.direction === 'Ingress' ? 'ingress' : 'egress',
            peerKey: r.direction === 'Ingress' ? 'from' : 'to',
            selection,
            ...(together ? { paths: rules.map((x) => x.path).join(', ') } : {}),
          },
          path: r.path,
          observed: r.peers === null && r.ports === null ? {} : { peers: r.peers?.length ?? 0, ports: describePorts(r.ports) },
          expected: r.direction === 'Ingress' ? 'a rule with from: and ports:' : 'a rule with to: and ports:',
        });
      }
    }
  },
});
