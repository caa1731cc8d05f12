import { defineControl } from '../../src/engine/types.ts';
import { DEFAULT_SERVICE_ACCOUNT, isMirrorPod, resolveAutomount, serviceAccountField, serviceAccountNameOf } from '../../src/model/serviceaccounts.ts';
import { WORKLOAD_KINDS, workloads } from '../../src/model/workloads.ts';
import { applyVia, podSpecPatch, workloadRemediations } from './_remediation.ts';

export default defineControl({
  meta: {
    id: 'pod-default-serviceaccount',
    title: 'Workloads do not run as the default ServiceAccount',
    area: 'workloads',
    severity: 'medium',
    description:
      'Flags workloads whose pods run as their namespace\'s `default` ServiceAccount: serviceAccountName (or the deprecated serviceAccount) unset or `default`, with or without a mounted token. Static pods\' mirrors are not applicable: they run without a ServiceAccount. The default accounts themselves are serviceaccount-default-automount\'s concern, and bindings that grant them permissions the RBAC controls\'.',
    rationale:
      'Every pod that names no account shares the namespace\'s `default` identity: a permission granted to one of them is granted to all, and nobody can tell from RBAC which workload needs what. A dedicated account per workload makes each grant attributable and revocable.',
    ...workloadRemediations({
      action:
        'Create a ServiceAccount for {{kind}} {{namespace}}/{{name}}, grant it only what the workload needs, and name it in the pod spec',
      before: 'kubectl -n {{namespace}} create serviceaccount {{account}}',
    }),
    references: {
      cis: ['5.1.5'],
      links: ['https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts'],
    },
    messages: {
      usesDefault: '{{kind}} {{namespace}}/{{name}} runs as the default ServiceAccount {{tokenText}}.',
    },
  },
  reads: [...WORKLOAD_KINDS, 'serviceaccounts'],
  evaluate(snapshot, report) {
    for (const w of workloads(snapshot)) {
      if (isMirrorPod(w.subject.kind, w.podMeta)) {
        report.notApplicable(w.subject, 'Mirror of a static pod: static pods run without a ServiceAccount');
        continue;
      }
      if (serviceAccountNameOf(w.podSpec) !== DEFAULT_SERVICE_ACCOUNT) {
        report.pass(w.subject);
        continue;
      }
      const automount = resolveAutomount(snapshot, w.subject.namespace ?? '', w.podSpec, w.subject.kind);
      const field = serviceAccountField(w.podSpec) ?? 'serviceAccountName';
      const account = w.subject.name;
      report.fail(w.subject, {
        remediationId: applyVia(w),
        messageId: 'usesDefault',
        data: {
          tokenText: automount.mounted ? 'and mounts its API token' : 'without mounting its API token',
          account,
          ...podSpecPatch(w, { serviceAccountName: account }),
        },
        path: `${w.specPath}.${field}`,
        observed: DEFAULT_SERVICE_ACCOUNT,
        expected: 'a dedicated ServiceAccount',
      });
    }
  },
});
