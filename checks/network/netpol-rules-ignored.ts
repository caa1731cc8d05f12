import { defineControl } from '../../src/engine/types.ts';
import { DIRECTIONS, policyTypes, rulesOf } from '../../src/model/network.ts';
import { subjectOf } from '../../src/model/workloads.ts';

export default defineControl({
  meta: {
    id: 'netpol-rules-ignored',
    title: 'NetworkPolicy rules are not ignored by their policy types',
    area: 'network',
    severity: 'low',
    description:
      'Finds policies with ingress or egress rules for a direction their `policyTypes` leave out. The API accepts them and then ignores them: the policy neither isolates that direction nor allows anything in it.',
    rationale:
      'The author meant those rules to restrict traffic, and a reader of the YAML believes they do; the pods stay open in that direction (or, under a separate default-deny, stay closed to the flows the ignored rules were meant to allow).',
    remediation:
      'Add {{direction}} to spec.policyTypes of NetworkPolicy {{name}} in namespace {{namespace}} if the rules are meant, or delete spec.{{key}}:\n\n  policyTypes: [{{declaredType}}, {{direction}}]',
    references: {
      links: ['https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec'],
    },
    messages: {
      ignored: 'NetworkPolicy "{{name}}" has {{count}} {{key}} rule(s), but its policyTypes ({{declared}}) leave out {{direction}}: they are ignored.',
    },
  },
  reads: ['networkpolicies'],
  evaluate(snapshot, report) {
    for (const np of snapshot.list('networkpolicies')) {
      const subject = subjectOf(np);
      const types = policyTypes(np);
      let failed = false;
      for (const direction of DIRECTIONS) {
        const ignored = rulesOf(np).filter((r) => r.direction === direction && !r.effective);
        if (ignored.length === 0) continue;
        failed = true;
        const key = direction === 'Ingress' ? 'ingress' : 'egress';
        report.fail(subject, {
          messageId: 'ignored',
          data: { direction, key, count: ignored.length, declared: types.join(', '), declaredType: types[0]! },
          path: `spec.${key}`,
          observed: `policyTypes [${types.join(', ')}] with ${ignored.length} ${key} rule(s)`,
          expected: `${direction} in policyTypes, or no ${key} rules`,
        });
      }
      if (!failed) report.pass(subject);
    }
  },
});
