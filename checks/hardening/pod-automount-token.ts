import { defineControl } from '../../src/engine/types.ts';
import { bindingsOfAccount, isMirrorPod, resolveAutomount, type AutomountResolution } from '../../src/model/serviceaccounts.ts';
import { WORKLOAD_KINDS, workloads } from '../../src/model/workloads.ts';
import { applyVia, podSpecPatch, workloadRemediations } from './_remediation.ts';

function sourceText(r: AutomountResolution): string {
  switch (r.source) {
    case 'pod':
      return 'the pod spec sets automountServiceAccountToken: true';
    case 'serviceaccount':
      return `ServiceAccount "${r.serviceAccount}" sets automountServiceAccountToken: true`;
    case 'serviceaccount-missing':
      return `neither the pod spec nor ServiceAccount "${r.serviceAccount}" (not found) turns it off`;
    case 'default':
      return `neither the pod spec nor ServiceAccount "${r.serviceAccount}" sets automountServiceAccountToken, and it defaults to true`;
  }
}

export default defineControl({
  meta: {
    id: 'pod-automount-token',
    title: 'API tokens are mounted only into workloads that use the API',
    area: 'workloads',
    severity: 'medium',
    description:
      'Flags workloads whose pods get a ServiceAccount token mounted although, by a heuristic, they do not need it. Automount is resolved as the ServiceAccount admission plugin resolves it when it creates a pod: the pod spec\'s automountServiceAccountToken, else the ServiceAccount\'s, else true. "Does not need it" is a heuristic, not a fact: no RoleBinding or ClusterRoleBinding names the account (as a ServiceAccount, or by its User name system:serviceaccount:<namespace>:<name>), so the token grants nothing beyond what groups of identities get. Grants to the groups system:serviceaccounts, system:serviceaccounts:<namespace> and system:authenticated do not count: Kubernetes binds the first to every account by default, and none of them says what one workload needs. A workload that presents its token elsewhere (Vault\'s Kubernetes auth, a service mesh) needs it without any binding: waive it. A bound account passes, whether or not the workload really calls the API. Static pods\' mirrors are not applicable: they get no token.',
    rationale:
      'A mounted token is a credential waiting in the filesystem of every container in the pod: whoever gets code execution there can call the API server as the workload. Where the workload never uses it, it is pure exposure.',
    ...workloadRemediations({
      action:
        'Turn off the token mount in the pod spec of {{kind}} {{namespace}}/{{name}}, or, for every pod that runs as ServiceAccount {{serviceAccount}}, on the account itself',
      after: `kubectl -n {{namespace}} patch serviceaccount {{serviceAccount}} -p '{"automountServiceAccountToken":false}'`,
    }),
    references: {
      cis: ['5.1.6'],
      links: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting'],
    },
    messages: {
      unneeded: '{{kind}} {{namespace}}/{{name}} mounts the API token of ServiceAccount "{{serviceAccount}}", which no RoleBinding or ClusterRoleBinding grants anything ({{sourceText}}).',
    },
  },
  reads: [...WORKLOAD_KINDS, 'serviceaccounts', 'rolebindings', 'clusterrolebindings'],
  evaluate(snapshot, report) {
    for (const w of workloads(snapshot)) {
      if (isMirrorPod(w.subject.kind, w.podMeta)) {
        report.notApplicable(w.subject, 'Mirror of a static pod: static pods get no ServiceAccount token');
        continue;
      }
      const ns = w.subject.namespace ?? '';
      const r = resolveAutomount(snapshot, ns, w.podSpec);
      const path = `${w.specPath}.automountServiceAccountToken`;
      if (!r.mounted || bindingsOfAccount(snapshot, ns, r.serviceAccount).length > 0) {
        report.pass(w.subject, { path });
        continue;
      }
      report.fail(w.subject, {
        remediationId: applyVia(w),
        messageId: 'unneeded',
        data: { serviceAccount: r.serviceAccount, sourceText: sourceText(r), ...podSpecPatch(w, { automountServiceAccountToken: false }) },
        path,
        observed: true,
        expected: false,
      });
    }
  },
});
