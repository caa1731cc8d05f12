import { defineControl } from '../../src/engine/types.ts';
import { METADATA_PORT, metadataReach, rulesOf } from '../../src/model/network.ts';
import { subjectOf } from '../../src/model/workloads.ts';

export default defineControl({
  meta: {
    id: 'netpol-egress-metadata',
    title: 'Egress rules do not open the cloud metadata service',
    area: 'network',
    severity: 'high',
    description:
      'Finds egress rules, in policies that isolate egress, that let pods reach the instance metadata service (169.254.169.254, and fd00:ec2::254 on AWS IPv6) on TCP 80: a rule with no destination, or an ipBlock containing the address with no `except` covering it, whose ports admit TCP 80. Pods that no policy isolates for egress reach it too; `workload-network-isolation` reports those.',
    rationale:
      'The metadata service hands out the node\'s cloud credentials and bootstrap data to whoever asks from the node\'s network. A pod that reaches it can act with the node\'s cloud identity.',
    remediation:
      'Except the metadata addresses in {{path}} of NetworkPolicy {{name}} (namespace {{namespace}}):\n\n  - ipBlock:\n      cidr: 0.0.0.0/0\n      except:\n      - 169.254.169.254/32\n\n(and `fd00:ec2::254/128` in an `::/0` block), or name narrower destinations. Also require IMDSv2 with a hop limit of 1 (AWS) or the equivalent metadata concealment of your cloud.',
    references: {
      links: [
        'https://kubernetes.io/docs/concepts/security/security-checklist/#network-security',
        'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html',
      ],
    },
    messages: {
      reachable: 'NetworkPolicy "{{name}}" {{path}} lets its pods reach the cloud metadata service at {{addresses}} (TCP {{port}}).',
    },
  },
  reads: ['networkpolicies'],
  evaluate(snapshot, report) {
    for (const np of snapshot.list('networkpolicies')) {
      const subject = subjectOf(np);
      let failed = false;
      for (const r of rulesOf(np)) {
        if (!r.effective) continue;
        const byPath = new Map<string, { addresses: string[]; observed: string }>();
        for (const m of metadataReach(r)) {
          const path = m.peer ? `${m.peer.path}.cidr` : r.path;
          const observed = m.peer ? `${m.peer.cidr}${m.peer.except.length ? ` except ${m.peer.except.join(', ')}` : ''}` : 'no to: (every destination)';
          const entry = byPath.get(path) ?? { addresses: [], observed };
          entry.addresses.push(m.address);
          byPath.set(path, entry);
        }
        for (const [path, { addresses, observed }] of byPath) {
          failed = true;
          report.fail(subject, {
            messageId: 'reachable',
            data: { addresses: addresses.join(', '), port: METADATA_PORT },
            path,
            observed,
            expected: `except ${addresses.map((a) => (a.includes(':') ? `${a}/128` : `${a}/32`)).join(', ')}`,
          });
        }
      }
      if (!failed) report.pass(subject);
    }
  },
});
