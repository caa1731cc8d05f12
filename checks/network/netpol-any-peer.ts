import { defineControl } from '../../src/engine/types.ts';
import { isWholeSpace, parseCidr, wholeSpaceFamilies } from '../../src/model/ip.ts';
import { allowsAll, describePorts, ipBlocksOf, rulesOf } from '../../src/model/network.ts';
import { subjectOf } from '../../src/model/workloads.ts';

export default defineControl({
  meta: {
    id: 'netpol-any-peer',
    title: 'NetworkPolicy rules do not admit every address',
    area: 'network',
    severity: 'medium',
    description:
      'Finds, in directions a policy isolates, ipBlock peers that cover a whole address space (`0.0.0.0/0`, `::/0`, with or without `except`), or that do so together (`0.0.0.0/1` and `128.0.0.0/1`: a rule\'s peers are ORed), and egress rules that name no destination but restrict ports (every host on those ports). Rules that allow everything (no peers and no ports, or peers and ports that cover everything) are `netpol-allow-all`; ingress rules that admit every source on a workload\'s ports are reported on the workload by `workload-network-isolation`.',
    rationale:
      'A rule that admits every address lets a compromised pod reach, or be reached from, the internet and every other network the nodes route to: exfiltration, command-and-control, and lateral movement need nothing else. An `except` list narrows it by what it names, no further.',
    remediation:
      'Narrow {{path}} of NetworkPolicy {{name}} (namespace {{namespace}}) to the addresses the pods need: replace a 0.0.0.0/0 or ::/0 ipBlock, or give a rule without a to: list one, naming for example a partner\'s published range or the API server\'s address:\n\n  - ipBlock:\n      cidr: 203.0.113.0/24\n    ports:\n    - {protocol: TCP, port: 443}\n\nIf the pods must reach the internet, route them through an egress proxy or gateway and allow only that.',
    references: {
      links: ['https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec'],
    },
    messages: {
      'ipblock-any': 'NetworkPolicy "{{name}}" {{path}} admits {{cidr}}{{exceptText}} ({{directionLower}}, {{ports}}): every address.',
      'any-destination': 'NetworkPolicy "{{name}}" rule {{path}} allows egress to every destination on {{ports}}.',
      'ipblocks-any': 'NetworkPolicy "{{name}}" {{path}} admits every {{family}} address through ipBlocks that together cover it ({{cidrs}}; {{directionLower}}, {{ports}}).',
    },
  },
  reads: ['networkpolicies'],
  evaluate(snapshot, report) {
    for (const np of snapshot.list('networkpolicies')) {
      const subject = subjectOf(np);
      let failed = false;
      for (const r of rulesOf(np)) {
        if (!r.effective || allowsAll(r)) continue;
        const ports = describePorts(r.ports);
        if (r.peers === null) {
          if (r.direction !== 'Egress') continue;
          failed = true;
          report.fail(subject, {
            messageId: 'any-destination',
            data: { ports },
            path: r.path,
            observed: `no to:, ports ${ports}`,
            expected: 'a to: list naming the destinations',
          });
          continue;
        }
        let single = false;
        for (const p of r.peers) {
          if (p.type !== 'ipBlock') continue;
          const c = parseCidr(p.cidr);
          if (!c || !isWholeSpace(c)) continue;
          failed = true;
          single = true;
          report.fail(subject, {
            messageId: 'ipblock-any',
            data: {
              cidr: p.cidr,
              exceptText: p.except.length ? ` except ${p.except.join(', ')}` : '',
              directionLower: r.direction.toLowerCase(),
              ports,
            },
            path: `${p.path}.cidr`,
            observed: p.except.length ? `${p.cidr} except ${p.except.join(', ')}` : p.cidr,
            expected: 'the ranges the pods need',
          });
        }
        // Peers are ORed: blocks that are each narrower may still cover a whole space together (as for one block,
        // with or without except).
        const blocks = ipBlocksOf(r);
        const families = single ? new Set() : wholeSpaceFamilies(blocks.map((p) => ({ cidr: p.cidr, except: [] })));
        if (families.size > 0) {
          failed = true;
          const cidrs = blocks.map((p) => (p.except.length ? `${p.cidr} except ${p.except.join(', ')}` : p.cidr)).join('; ');
          report.fail(subject, {
            messageId: 'ipblocks-any',
            data: { cidrs, family: [...families].map((f) => `IPv${f}`).join(' and '), directionLower: r.direction.toLowerCase(), ports },
            path: `${r.path}.${r.direction === 'Ingress' ? 'from' : 'to'}`,
            observed: cidrs,
            expected: 'the ranges the pods need',
          });
        }
      }
      if (!failed) report.pass(subject);
    }
  },
});
