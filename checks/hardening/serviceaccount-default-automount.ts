import { defineControl } from '../../src/engine/types.ts';
import { DEFAULT_SERVICE_ACCOUNT } from '../../src/model/serviceaccounts.ts';
import { subjectOf } from '../../src/model/workloads.ts';

export default defineControl({
  meta: {
    id: 'serviceaccount-default-automount',
    title: 'Default ServiceAccounts do not mount their token',
    area: 'workloads',
    severity: 'medium',
    description:
      'Flags every namespace\'s `default` ServiceAccount unless it sets automountServiceAccountToken: false, which is what the CIS Benchmark asks of default accounts. Kubernetes\' own namespaces are audited like the others. Pods that need the API should run as their own account and opt in.',
    rationale:
      'A pod that names no ServiceAccount runs as `default` and, unless the account says otherwise, gets its token mounted: whatever any binding grants the default account, every such pod can use, and whoever gets code execution in one of them can too.',
    remediation:
      'Stop the default ServiceAccount of namespace {{namespace}} from mounting its token into pods; give workloads that call the API their own account:\n\nkubectl -n {{namespace}} patch serviceaccount default -p \'{"automountServiceAccountToken":false}\'',
    references: {
      cis: ['5.1.5'],
      links: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting'],
    },
    messages: {
      automount: 'The default ServiceAccount of namespace {{namespace}} mounts its API token into every pod that does not opt out (automountServiceAccountToken is {{observedText}}).',
    },
  },
  reads: ['serviceaccounts'],
  evaluate(snapshot, report) {
    for (const sa of snapshot.list('serviceaccounts')) {
      if (sa.metadata.name !== DEFAULT_SERVICE_ACCOUNT) continue;
      const subject = subjectOf(sa);
      const path = 'automountServiceAccountToken';
      const value = (sa as { automountServiceAccountToken?: unknown }).automountServiceAccountToken;
      if (value === false) {
        report.pass(subject, { path });
        continue;
      }
      report.fail(subject, {
        messageId: 'automount',
        data: { observedText: value === undefined ? 'unset, which means true' : String(value) },
        path,
        observed: value ?? null,
        expected: false,
      });
    }
  },
});
