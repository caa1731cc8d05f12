import { defineControl } from '../../src/engine/types.ts';
import { WORKLOAD_KINDS, workloads, type SubjectRef } from '../../src/model/workloads.ts';

const DEFAULT_NAMESPACE = 'default';

export default defineControl({
  meta: {
    id: 'namespace-default-used',
    title: 'Workloads do not run in the default namespace',
    area: 'workloads',
    severity: 'low',
    description:
      'Flags every workload (controller, CronJob or bare Pod) in the `default` namespace; the namespace itself passes when it holds none. Other kinds of objects in `default` are not examined. Workloads in `default` are reported even when the Namespace object is not part of the scan (manifests rarely carry it, and a manifest with no namespace lands there); with no workload in it, not applicable when the Namespace is not part of the scan (excluded, or outside `--namespace`).',
    rationale:
      'Objects land in `default` when nobody chose a namespace, which usually means nobody chose their RBAC, NetworkPolicies, quotas or Pod Security level either. Dedicated namespaces make each of those a deliberate boundary.',
    remediation:
      'Move {{kind}} {{name}} out of the default namespace: create a namespace for its team or application, with Pod Security labels, NetworkPolicies and RBAC, apply the manifest there, then delete it from default:\n\nkubectl create namespace <NAMESPACE>\nkubectl apply -n <NAMESPACE> -f <MANIFEST>\nkubectl -n default delete {{kindLower}} {{name}}',
    references: {
      cis: ['5.6.4'],
      links: ['https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/'],
    },
    messages: {
      inDefault: '{{kind}} {{name}} runs in the default namespace.',
    },
  },
  reads: [...WORKLOAD_KINDS, 'namespaces'],
  evaluate(snapshot, report) {
    const namespace: SubjectRef = { apiVersion: 'v1', kind: 'Namespace', name: DEFAULT_NAMESPACE };
    // Workloads in default are reported whether or not the Namespace object is in the scan: manifests rarely
    // carry it (and one with no namespace lands there), while a live scan that excluded it read none of them.
    let failed = false;
    for (const w of workloads(snapshot)) {
      if (w.subject.namespace !== DEFAULT_NAMESPACE) continue;
      failed = true;
      report.fail(w.subject, {
        messageId: 'inDefault',
        data: { kindLower: w.subject.kind.toLowerCase() },
        path: 'metadata.namespace',
        observed: DEFAULT_NAMESPACE,
        expected: 'a dedicated namespace',
      });
    }
    if (failed) return;
    if (snapshot.get('namespaces', undefined, DEFAULT_NAMESPACE)) report.pass(namespace);
    else report.notApplicable(namespace, 'Namespace default is not in the scan (excluded, outside --namespace, or absent), and no workload in it is');
  },
});
