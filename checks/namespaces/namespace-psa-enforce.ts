import { defineControl } from '../../src/engine/types.ts';
import { PSA_LEVELS, PSA_PREFIX, isSystemNamespace } from '../../src/model/namespaces.ts';
import { subjectOf } from '../../src/model/workloads.ts';

const LABEL = `${PSA_PREFIX}enforce`;

export default defineControl({
  meta: {
    id: 'namespace-psa-enforce',
    title: 'Namespaces enforce a Pod Security Standard',
    area: 'namespaces',
    severity: 'high',
    description:
      `Flags namespaces without a valid \`${LABEL}\` label of baseline or restricted. Kubernetes' own system namespaces are not applicable. A cluster-wide default set in the API server's AdmissionConfiguration is not visible through the API, so an unlabelled namespace is reported even where such a default exists.`,
    rationale:
      'Without an enforce label, the PodSecurity admission plugin admits privileged pods into the namespace (unless a cluster default says otherwise). A label makes the admission controller refuse them at creation.',
    remediation:
      'Label the namespace with the strictest level its workloads meet (check first with a dry run):\n\nkubectl label --dry-run=server --overwrite ns {{name}} pod-security.kubernetes.io/enforce=restricted\nkubectl label --overwrite ns {{name}} pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/enforce-version=latest',
    references: {
      cis: ['5.2.1'],
      links: ['https://kubernetes.io/docs/concepts/security/pod-security-admission/'],
    },
    messages: {
      missing: `Namespace "{{name}}" has no ${LABEL} label: any pod is admitted.`,
      invalid: `Namespace "{{name}}" has ${LABEL}="{{value}}", which is not a level; the admission plugin treats it as the most restrictive level, but the intent is unclear.`,
      privileged: `Namespace "{{name}}" enforces the privileged level: any pod is admitted.`,
    },
  },
  reads: ['namespaces'],
  evaluate(snapshot, report) {
    for (const ns of snapshot.list('namespaces')) {
      const subject = subjectOf(ns);
      const name = ns.metadata.name;
      if (isSystemNamespace(name)) {
        report.notApplicable(subject, 'Kubernetes system namespace');
        continue;
      }
      const value = ns.metadata.labels?.[LABEL];
      const path = `metadata.labels["${LABEL}"]`;
      if (value === undefined) {
        report.fail(subject, { messageId: 'missing', path, observed: null, expected: 'baseline or restricted' });
      } else if (!(PSA_LEVELS as readonly string[]).includes(value)) {
        report.fail(subject, { messageId: 'invalid', data: { value }, path, observed: value, expected: 'baseline or restricted' });
      } else if (value === 'privileged') {
        report.fail(subject, { messageId: 'privileged', path, observed: value, expected: 'baseline or restricted' });
      } else {
        report.pass(subject, { path });
      }
    }
  },
});
