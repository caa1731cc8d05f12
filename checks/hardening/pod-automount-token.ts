import { defineControl } from '../../src/engine/types.ts';
import { apiTokenVolume, bindingsOfAccount, isMirrorPod, resolveAutomount, type AutomountResolution } from '../../src/model/serviceaccounts.ts';
import { WORKLOAD_KINDS, workloads } from '../../src/model/workloads.ts';
import type { PodSpec } from '../../src/model/k8s.ts';
import { applyVia, podSpecPatch, workloadRemediations, type WorkloadFix } from './_remediation.ts';

/** workloadRemediations, plus one for a token projected by hand, which automountServiceAccountToken does not turn off. */
function remediationsWithProjected(fix: WorkloadFix) {
  const r = workloadRemediations(fix);
  return {
    remediation: r.remediation,
    remediations: {
      ...r.remediations,
      projected:
        'Remove the serviceAccountToken source from projected volume {{volume}} ({{volumePath}}) of {{kind}} {{namespace}}/{{name}}, and its volumeMounts, where the pod spec comes from (a Pod\'s volumes cannot be changed in place: recreate it). If the token is meant for another service (Vault, a mesh), give the source that service\'s audience instead: a token for another audience is no API credential.',
    },
  };
}

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
    case 'admitted':
      return 'the ServiceAccount admission plugin mounted it when the Pod was created: it has a kube-api-access volume';
  }
}

export default defineControl({
  meta: {
    id: 'pod-automount-token',
    title: 'API tokens are mounted only into workloads that use the API',
    area: 'workloads',
    severity: 'medium',
    description:
      'Flags workloads whose pods get a ServiceAccount token mounted although, by a heuristic, they do not need it. Automount is resolved as the ServiceAccount admission plugin resolves it when it creates a pod: the pod spec\'s automountServiceAccountToken, else the ServiceAccount\'s, else true. A Pod read from a cluster was created already: it is judged by the token volume admission gave it (kube-api-access-…, or an older cluster\'s token Secret), since its account may have changed since. "Does not need it" is a heuristic, not a fact: no RoleBinding or ClusterRoleBinding names the account (as a ServiceAccount, or by its User name system:serviceaccount:<namespace>:<name>), so the token grants nothing beyond what groups of identities get. Grants to the groups system:serviceaccounts, system:serviceaccounts:<namespace> and system:authenticated do not count: Kubernetes binds the first to every account by default, and none of them says what one workload needs. A workload that presents its token elsewhere (Vault\'s Kubernetes auth, a service mesh) needs it without any binding: waive it. A bound account passes, whether or not the workload really calls the API. A token projected by hand (a projected volume with a serviceAccountToken source without an audience, whose audience is then the API server) counts as mounted even with automount off. Static pods\' mirrors are not applicable: they get no token. In a static scan (`-f`) a workload whose token is mounted and whose account no binding among the files names is not applicable: the files cannot show that the cluster holds no such binding.',
    rationale:
      'A mounted token is a credential waiting in the filesystem of every container in the pod: whoever gets code execution there can call the API server as the workload. Where the workload never uses it, it is pure exposure.',
    ...remediationsWithProjected({
      action:
        'Turn off the token mount in the pod spec of {{kind}} {{namespace}}/{{name}}, or, for every pod that runs as ServiceAccount {{serviceAccount}}, on the account itself',
      after: `kubectl -n {{namespace}} patch serviceaccount {{serviceAccount}} -p '{"automountServiceAccountToken":false}'`,
    }),
    references: {
      cis: ['5.1.6'],
      links: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting'],
    },
    messages: {
      unneededProjected:
        '{{kind}} {{namespace}}/{{name}} mounts an API token of ServiceAccount "{{serviceAccount}}", which no RoleBinding or ClusterRoleBinding grants anything, through projected volume "{{volume}}" (automount is off; a serviceAccountToken source without an audience is for the API server).',
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
      const r = resolveAutomount(snapshot, ns, w.podSpec, w.subject.kind);
      // Automount off, but a projected volume asks for the same token by hand (no audience: the API server's).
      const projected = r.mounted ? -1 : apiTokenVolume(w.podSpec);
      const path = projected >= 0 ? `${w.specPath}.volumes[${projected}]` : `${w.specPath}.automountServiceAccountToken`;
      if ((!r.mounted && projected < 0) || bindingsOfAccount(snapshot, ns, r.serviceAccount).length > 0) {
        report.pass(w.subject, { path });
        continue;
      }
      if (snapshot.namespacesLimited) {
        // "No binding grants it anything" is a claim about every namespace: a RoleBinding of any namespace can name the account.
        report.notAssessed(w.subject, `${snapshot.scopeText()}: no binding read grants ServiceAccount ${ns}/${r.serviceAccount} anything, but a RoleBinding in a namespace not read may. Scan every namespace to judge whether the token is needed.`);
        continue;
      }
      if (snapshot.source === 'manifests') {
        // "No binding grants it anything" is a claim about the whole cluster: the account's bindings (and the account
        // itself, which may turn automount off) are usually deployed from other files.
        report.notApplicable(w.subject, `A static scan sees only the bindings among the files: none of them names ServiceAccount ${ns}/${r.serviceAccount}, but one in the cluster may. Scan the cluster to judge whether the token is needed.`);
        continue;
      }
      if (projected >= 0) {
        const volume = w.podSpec.volumes![projected]!.name;
        report.fail(w.subject, {
          remediationId: 'projected',
          messageId: 'unneededProjected',
          data: { serviceAccount: r.serviceAccount, volume, volumePath: path },
          path,
          observed: { volume, serviceAccountToken: 'no audience (the API server\'s)' },
          expected: 'no API token, or one an account with bindings needs',
        });
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
