import { defineControl } from '../../src/engine/types.ts';
import { levelLabel, namespacePsa } from '../../src/model/psa-posture.ts';
import { isTerminating, terminatingReason } from '../../src/model/namespaces.ts';
import { subjectOf } from '../../src/model/workloads.ts';

const LABEL = levelLabel('enforce');

export default defineControl({
  meta: {
    id: 'namespace-psa-enforce',
    title: 'Namespaces enforce a Pod Security Standard',
    area: 'namespaces',
    severity: 'high',
    description:
      `Flags namespaces without a \`${LABEL}\` label, with \`${LABEL}: privileged\`, or with a value that is not a level. Kubernetes' own namespaces (kube-system, kube-public, kube-node-lease) are audited like the others; the expected exception for kube-system is in k8s-audit's default waiver set, not in this control. A cluster-wide default set in the API server's AdmissionConfiguration is not visible through the API, so an unlabelled namespace is reported even where such a default exists. A namespace being deleted (Terminating) is not applicable: the API server admits no new pod into it.`,
    rationale:
      'Without an enforce label, the PodSecurity admission plugin applies the cluster default, which admits privileged pods unless the API server\'s AdmissionConfiguration says otherwise. A label makes the namespace\'s level explicit, visible and independent of the API server\'s configuration, and makes the admission controller refuse violating pods at creation.',
    remediation:
      `Label namespace {{name}} with the strictest level its workloads meet (restricted below; baseline if restricted would refuse them). The server-side dry run lists the existing pods the level would refuse, as does the psaPosture insight:\n\nkubectl label --dry-run=server --overwrite ns {{name}} ${LABEL}=restricted\nkubectl label --overwrite ns {{name}} ${LABEL}=restricted ${LABEL}-version=latest`,
    references: {
      cis: ['5.2.1'],
      links: ['https://kubernetes.io/docs/concepts/security/pod-security-admission/', 'https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/'],
    },
    messages: {
      missing: `Namespace "{{name}}" has no ${LABEL} label: it enforces the API server's default level, which is privileged (any pod admitted) unless the PodSecurity defaults of its AdmissionConfiguration set another; those are not visible through the API.`,
      invalid: `Namespace "{{name}}" has ${LABEL}="{{value}}", which is not a level; the admission plugin then enforces restricted, but the intent is unclear and the label cannot be set this way on a current API server.`,
      privileged: `Namespace "{{name}}" enforces the privileged level: any pod is admitted.`,
    },
  },
  reads: ['namespaces'],
  evaluate(snapshot, report) {
    for (const ns of snapshot.list('namespaces')) {
      const subject = subjectOf(ns);
      const name = ns.metadata.name;
      if (isTerminating(ns)) {
        report.notApplicable(subject, terminatingReason(name));
        continue;
      }
      const enforce = namespacePsa(ns.metadata.labels).enforce;
      const path = `metadata.labels["${LABEL}"]`;
      const base = { path, expected: 'baseline or restricted' };
      if (enforce.level === undefined) {
        report.fail(subject, { ...base, messageId: 'missing', observed: null });
      } else if (enforce.invalid.includes('level')) {
        report.fail(subject, { ...base, messageId: 'invalid', data: { value: enforce.level }, observed: enforce.level });
      } else if (enforce.level === 'privileged') {
        report.fail(subject, { ...base, messageId: 'privileged', observed: enforce.level });
      } else {
        report.pass(subject, { path });
      }
    }
  },
});
