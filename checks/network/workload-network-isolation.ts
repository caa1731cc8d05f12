import { defineControl } from '../../src/engine/types.ts';
import { isSystemNamespace } from '../../src/model/namespaces.ts';
import {
  admitsEveryAddress,
  admittedContainerPorts,
  type ContainerPort,
  describeAllowingAll,
  describePorts,
  networkAnalysis,
  otherPolicyApisClause,
  otherPolicyApisPermission,
  type Rule,
  type WorkloadDirection,
} from '../../src/model/network.ts';
import { WORKLOAD_KINDS } from '../../src/model/workloads.ts';

/** A label of the pod template to select it by: a conventional name label if there is one. */
function exampleLabel(labels: Record<string, string> | undefined, name: string): [string, string] {
  const l = labels ?? {};
  for (const k of ['app.kubernetes.io/name', 'app', 'k8s-app', ...Object.keys(l).sort()]) if (Object.hasOwn(l, k)) return [k, l[k]!];
  return ['app', name];
}

function portText(p: ContainerPort): string {
  return `${p.protocol} ${p.port}${p.name ? ` (${p.name})` : ''}`;
}

export default defineControl({
  meta: {
    id: 'workload-network-isolation',
    title: 'Workloads are isolated by NetworkPolicy in both directions',
    area: 'network',
    severity: 'medium',
    description:
      'For each workload (the controller\'s pod template, and its existing pods), finds the NetworkPolicies of its namespace whose pod selector matches its labels and that isolate each direction. Fails a direction when no policy isolates it, when only some of its pods are isolated, when the rules of its isolating policies, one alone or several together, allow every peer on every port, or (ingress) when a rule admits every source on a port: a numbered one whether or not the workload declares it (declared ports are informational), a named one when it resolves against the workload\'s ports. A pod that a policy merely names as a peer is not isolated by it. Host-network workloads are not applicable: NetworkPolicy does not govern them; nor are Pods that have finished (phase Succeeded or Failed). Where policy kinds of other APIs are installed (Calico, Cilium, Antrea, AdminNetworkPolicy: their CustomResourceDefinitions), a direction no NetworkPolicy isolates (or isolates in only some pods) is not assessed rather than failed: k8s-audit does not read those policies, which may isolate the pods; rules of NetworkPolicies that open traffic are still judged.',
    rationale:
      'Isolation is per pod and per direction: a policy that only selects other pods, or only restricts ingress, leaves this workload\'s traffic open. What an isolated pod may do is the union of every selecting policy\'s rules, so one broad rule opens it whatever the others say.',
    remediation:
      'Make sure the pods of {{kind}} {{name}} are selected, by labels their pod template sets, by a NetworkPolicy of namespace {{namespace}} that lists {{direction}} in policyTypes (a namespace default-deny with podSelector: {} does), and that the {{directionKey}} rules selecting them name their peers and ports: an empty rule ({}) allows everything, and an ingress rule without from: admits every source on its ports. A policy for this workload that allows one named peer:\n\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {{name}}-{{directionKey}}\n  namespace: {{namespace}}\nspec:\n  podSelector:\n    matchLabels:\n      {{labelKey}}: {{labelValue}}\n  policyTypes: [{{direction}}]\n  {{directionKey}}:\n  - {{peerKey}}:\n    - podSelector:\n        matchLabels: {app: <peer>}\n    ports:\n    - {protocol: TCP, port: <port>}',
    references: {
      links: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation'],
    },
    messages: {
      'not-isolated': '{{kind}} "{{name}}" is not isolated for {{directionLower}} traffic: no NetworkPolicy selecting its pods lists {{direction}}.',
      'partly-isolated': '{{kind}} "{{name}}" is isolated for {{directionLower}} traffic in only some of its pods; not in {{pods}}.',
      'allows-all': '{{kind}} "{{name}}" is isolated for {{directionLower}} traffic, but {{rules}} every peer on every port.',
      'any-source': '{{kind}} "{{name}}" accepts connections from every source on {{ports}} (rule {{rule}} of NetworkPolicy "{{policy}}").',
    },
  },
  reads: ['networkpolicies', 'customresourcedefinitions', ...WORKLOAD_KINDS],
  evaluate(snapshot, report) {
    const analysis = networkAnalysis(snapshot);
    for (const w of analysis.workloads.values()) {
      const subject = w.workload.subject;
      const otherApis = otherPolicyApisClause(snapshot, w.namespace);
      if (isSystemNamespace(w.namespace)) {
        report.notApplicable(subject, 'Kubernetes system namespace');
        continue;
      }
      if (w.finished) {
        const phase = (w.workload.object.status as { phase?: string } | undefined)?.phase;
        report.notApplicable(subject, `the Pod has finished (phase ${phase}): it runs no container and has no network traffic to isolate`);
        continue;
      }
      if (w.hostNetwork) {
        report.notApplicable(subject, 'uses the host network, which NetworkPolicy does not govern (see pod-host-namespaces)');
        continue;
      }
      let failed = false;
      const unknown: string[] = [];
      for (const d of [w.ingress, w.egress] as WorkloadDirection[]) {
        const direction = d.direction;
        const lower = direction.toLowerCase();
        const path = `NetworkPolicy[${direction}]`;
        const [labelKey, labelValue] = exampleLabel(w.workload.podMeta.labels, subject.name);
        const base = {
          direction,
          directionLower: lower,
          directionKey: lower,
          peerKey: direction === 'Ingress' ? 'from' : 'to',
          labelKey,
          labelValue,
        };
        const names = d.policies.map((np) => np.metadata.name).join(', ');
        if (d.isolated !== 'yes' && otherApis) {
          unknown.push(d.isolated === 'no' ? `${lower} traffic (no NetworkPolicy selecting its pods lists ${direction})` : `${lower} traffic in ${d.notIsolated.map((s) => (s.name ? `pod ${s.name}` : 'its pod template')).join(', ')}`);
        } else if (d.isolated === 'no') {
          failed = true;
          report.fail(subject, {
            messageId: 'not-isolated',
            data: base,
            path,
            observed: `no policy selecting labels ${JSON.stringify(w.workload.podMeta.labels ?? {})} lists ${direction}`,
            expected: `a NetworkPolicy selecting its pods with ${direction} in policyTypes`,
          });
        } else if (d.isolated === 'partial') {
          failed = true;
          const pods = d.notIsolated.map((s) => s.name ?? 'its pod template').join(', ');
          report.fail(subject, {
            messageId: 'partly-isolated',
            data: { ...base, pods },
            path,
            observed: `isolated by ${names} except in ${pods}`,
            expected: 'every pod of the workload isolated',
          });
        } else if (d.allowAll.length > 0) {
          failed = true;
          report.fail(subject, {
            messageId: 'allows-all',
            data: { ...base, rules: describeAllowingAll(d.allowAll) },
            path,
            observed: d.allowAll.map((r) => `${r.policy.metadata.name} ${r.path}`).join('; '),
            expected: `${lower} rules that name peers or ports`,
          });
        } else if (direction === 'Ingress') {
          const open = anySourceOnWorkloadPorts(d.rules, w.ports);
          if (open) {
            failed = true;
            report.fail(subject, {
              messageId: 'any-source',
              data: { ...base, policy: open.rule.policy.metadata.name, rule: open.rule.path, ports: open.text },
              path,
              observed: `${open.rule.policy.metadata.name} ${open.rule.path}: ${describePorts(open.rule.ports)} from every source`,
              expected: 'ingress rules that name their sources',
            });
          }
        }
      }
      if (unknown.length > 0) {
        report.notAssessed(subject, `${subject.kind} "${subject.name}" is not isolated by NetworkPolicy for ${unknown.join(', nor for ')}, but ${otherApis}.`, otherPolicyApisPermission(snapshot, w.namespace));
      } else if (!failed) report.pass(subject);
    }
  },
});

/**
 * The first ingress rule that admits every source (no `from`, or an ipBlock of a
 * whole address space with no exception) on a port of the workload: one it
 * declares, else any numbered port the rule opens. Declared ports are
 * informational (a container's process is reachable on any port it listens on,
 * declared or not); only a named port needs the declaration to resolve.
 */
function anySourceOnWorkloadPorts(rules: readonly Rule[], ports: readonly ContainerPort[]): { rule: Rule; text: string } | undefined {
  for (const rule of rules) {
    if (!admitsEveryAddress(rule)) continue;
    if (ports.length === 0) {
      const numbered = rule.ports === null ? null : rule.ports.filter((p) => typeof p.port !== 'string');
      if (numbered !== null && numbered.length === 0) continue;
      return { rule, text: `${describePorts(numbered)} (the workload declares no container ports)` };
    }
    const hit = admittedContainerPorts(rule.ports, ports);
    if (hit.length > 0) return { rule, text: hit.map(portText).join(', ') };
    const numbered = rule.ports === null ? null : rule.ports.filter((p) => typeof p.port !== 'string');
    if (numbered === null || numbered.length > 0) return { rule, text: `${describePorts(numbered)} (not declared by the workload, but a container may listen on it all the same)` };
  }
  return undefined;
}
