import { CLUSTER_SUBJECT } from '../../src/engine/run.ts';
import { defineControl } from '../../src/engine/types.ts';
import { cniComponents, policyApis, type CniComponent } from '../../src/model/network.ts';
import { subjectOf } from '../../src/model/workloads.ts';

/** One component per object: the first regular container if one matches, else the first init container. */
function onePerObject(list: readonly CniComponent[]): CniComponent[] {
  const byObject = new Map<object, CniComponent>();
  for (const c of list) {
    const seen = byObject.get(c.object);
    if (!seen || (!seen.path.includes('.containers[') && c.path.includes('.containers['))) byObject.set(c.object, c);
  }
  return [...byObject.values()];
}

export default defineControl({
  meta: {
    id: 'cni-network-policy-support',
    title: 'The network plugin enforces NetworkPolicies (heuristic)',
    area: 'network',
    severity: 'high',
    description:
      'A heuristic for CIS 5.3.1, which the API cannot answer directly: recognises network plugin components by their images in DaemonSets (any namespace) and in Pods no DaemonSet owns. Passes on each component known to enforce NetworkPolicy (Calico, Cilium, Antrea, kube-router, Weave Net\'s policy controller, kube-network-policies, Azure NPM, OVN-Kubernetes, the Amazon VPC CNI agent with network policy enabled). Fails when flannel, which only routes traffic, runs with none of them. Anything else is not assessed: a plugin k8s-audit does not recognise may or may not enforce, and clusters such as k3s enforce in a binary no DaemonSet shows.',
    rationale:
      'NetworkPolicies are enforced by the network plugin, not by the API server: on a plugin that ignores them, every policy is accepted and none has any effect, and every other network finding is moot.',
    remediation:
      'Run a network plugin that enforces NetworkPolicy, or add a policy engine beside {{plugin}} ({{kind}} {{name}} in namespace {{namespace}}): Canal (flannel with Calico\'s policy engine), Calico, Cilium, or flannel with kube-network-policies. Then check enforcement with a deny-all policy and a test connection.',
    references: {
      cis: ['5.3.1'],
      links: [
        'https://kubernetes.io/docs/concepts/services-networking/network-policies/#prerequisites',
        'https://kubernetes.io/docs/concepts/cluster-administration/addons/#networking-and-network-policy',
      ],
    },
    static: { needsCluster: 'which network plugin runs, and whether it enforces NetworkPolicy, is a fact about the running cluster.' },
    messages: {
      'no-enforcement':
        'Heuristic: the cluster runs {{plugin}} ({{kind}} "{{name}}", image {{image}}), which does not enforce NetworkPolicy, and no component known to enforce it was recognised{{crdNote}}.',
    },
  },
  reads: ['daemonsets', 'pods', 'customresourcedefinitions'],
  evaluate(snapshot, report) {
    const found = cniComponents(snapshot);
    const enforcers = onePerObject(found.filter((c) => c.signature.enforces));
    if (enforcers.length > 0) {
      for (const c of enforcers) report.pass(subjectOf(c.object), { path: c.path, container: c.container });
      return;
    }
    const apis = policyApis(snapshot);
    const providers = [...new Set(apis.map((a) => a.provider))];
    const routers = onePerObject(found.filter((c) => !c.signature.enforces));
    if (routers.length > 0) {
      for (const c of routers) {
        report.fail(subjectOf(c.object), {
          messageId: 'no-enforcement',
          data: {
            plugin: c.signature.name,
            image: c.image,
            crdNote: providers.length ? ` (policy kinds of ${providers.join(', ')} are installed, but nothing of theirs runs as a recognised component)` : '',
          },
          path: c.path,
          container: c.container,
          observed: c.image,
          expected: 'a network plugin or policy engine that enforces NetworkPolicy',
        });
      }
      return;
    }
    report.notAssessed(
      CLUSTER_SUBJECT,
      `Heuristic (CIS 5.3.1): no known network plugin was recognised in DaemonSets or Pods${
        snapshot.namespacesLimited ? ` of the namespaces read (${snapshot.scopeText().replace(/^The scan /, 'the scan ')}; network plugins run in kube-system or a namespace of their own)` : ''
      }${providers.length ? `; policy kinds of ${providers.join(', ')} are installed, which suggests a policy-capable plugin` : ''}. Check with your platform's documentation whether NetworkPolicies are enforced.`,
    );
  },
});
