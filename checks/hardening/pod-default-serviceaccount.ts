import { defineControl } from '../../src/engine/types.ts';
import {
  DEFAULT_SERVICE_ACCOUNT,
  isMirrorPod,
  resolveAutomount,
  serviceAccountField,
  serviceAccountNameOf,
} from '../../src/model/serviceaccounts.ts';
import { WORKLOAD_KINDS, subjectOf, workloads } from '../../src/model/workloads.ts';
import { isSafeName, podSpecFix } from './_remediation.ts';

export default defineControl({
  meta: {
    id: 'pod-default-serviceaccount',
    title: 'Workloads do not run as the default ServiceAccount',
    area: 'workloads',
    severity: 'medium',
    description:
      'Flags workloads whose pods run as their namespace\'s `default` ServiceAccount (serviceAccountName unset or `default`), and `default` ServiceAccounts that do not set automountServiceAccountToken: false. Static pods\' mirrors are not applicable: they run without a ServiceAccount. Bindings that grant the default account permissions are the RBAC controls\' concern.',
    rationale:
      'Every pod that names no account shares the namespace\'s `default` identity: a permission granted to one of them is granted to all, and nobody can tell from RBAC which workload needs what. Dedicated accounts make each grant attributable and revocable, and a default account that mounts no token gives the rest nothing to steal.',
    remediation: '{{advice}}\n\n{{fix}}',
    references: {
      cis: ['5.1.5'],
      links: ['https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts'],
    },
    messages: {
      usesDefault: '{{kind}} {{namespace}}/{{name}} runs as the default ServiceAccount {{tokenText}}.',
      defaultAutomount: 'The default ServiceAccount of namespace {{namespace}} mounts its API token into every pod that does not opt out (automountServiceAccountToken is {{observedText}}).',
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
      const automount = resolveAutomount(snapshot, w.subject.namespace ?? '', w.podSpec);
      const field = serviceAccountField(w.podSpec) ?? 'serviceAccountName';
      const account = w.subject.name;
      const ns = w.subject.namespace ?? 'default';
      const create = isSafeName(ns) && isSafeName(account) ? `kubectl -n ${ns} create serviceaccount ${account}` : `Create ServiceAccount ${account} in namespace ${ns}.`;
      report.fail(w.subject, {
        messageId: 'usesDefault',
        data: {
          tokenText: automount.mounted ? 'and mounts its API token' : 'without mounting its API token',
          advice: `Create a ServiceAccount for ${w.subject.kind} ${ns}/${w.subject.name}, grant it only what the workload needs, and set serviceAccountName (at \`${w.specPath}.serviceAccountName\`):`,
          fix: `${create}\n${podSpecFix(w, { serviceAccountName: account })}`,
        },
        path: `${w.specPath}.${field}`,
        observed: DEFAULT_SERVICE_ACCOUNT,
        expected: 'a dedicated ServiceAccount',
      });
    }
    for (const sa of snapshot.list('serviceaccounts')) {
      if (sa.metadata.name !== DEFAULT_SERVICE_ACCOUNT) continue;
      const subject = subjectOf(sa);
      const value = (sa as { automountServiceAccountToken?: unknown }).automountServiceAccountToken;
      if (value === false) {
        report.pass(subject, { path: 'automountServiceAccountToken' });
        continue;
      }
      const ns = sa.metadata.namespace ?? '';
      report.fail(subject, {
        messageId: 'defaultAutomount',
        data: {
          observedText: value === undefined ? 'unset, which means true' : String(value),
          advice: `Stop the default ServiceAccount of namespace ${ns} from mounting its token; pods that need API access should use their own account and opt in:`,
          fix: isSafeName(ns) ? `kubectl -n ${ns} patch serviceaccount default -p '{"automountServiceAccountToken":false}'` : 'On the ServiceAccount: automountServiceAccountToken: false',
        },
        path: 'automountServiceAccountToken',
        observed: value ?? null,
        expected: false,
      });
    }
  },
});
