import { defineControl } from '../../src/engine/types.ts';
import { PSA_POSTURE_READS, impactAt, namespacePsa } from '../../src/model/psa-posture.ts';
import { subjectOf, workloads } from '../../src/model/workloads.ts';

export default defineControl({
  meta: {
    id: 'namespace-psa-enforce-violated',
    title: 'Workloads meet the Pod Security level their namespace enforces',
    area: 'namespaces',
    severity: 'high',
    description:
      'For every namespace that enforces baseline or restricted (an invalid enforce value counts as restricted, as in the admission plugin), evaluates each workload\'s pod template (and each bare Pod) against that level at the version the namespace pins, else the cluster\'s, with the same engine as the Pod Security controls. A workload that violates it exists only because the label was set or tightened after it was created (the API server checks labels against running pods but only warns): its pods are refused the next time they are created, on a rollout, a reschedule or a scale-up. Namespaces that enforce privileged are not applicable.',
    rationale:
      'Admission checks pods only when they are created. A namespace whose label is stricter than what runs in it looks compliant while it is not, and turns the next node drain or deployment into an outage: the controller cannot create replacement pods.',
    remediation:
      'Bring {{kind}} {{namespace}}/{{name}} within the {{level}} level (the Pod Security controls name every field to change), or, until it is, lower the enforce label of namespace {{namespace}} and keep {{level}} for warn and audit:\n\nkubectl label --overwrite ns {{namespace}} pod-security.kubernetes.io/enforce={{lower}} pod-security.kubernetes.io/warn={{level}} pod-security.kubernetes.io/audit={{level}}',
    references: {
      cis: ['5.2.1'],
      links: ['https://kubernetes.io/docs/concepts/security/pod-security-admission/', 'https://kubernetes.io/docs/tasks/configure-pod-container/migrate-from-psp/'],
    },
    messages: {
      violates: '{{kind}} {{namespace}}/{{name}} violates the {{level}} level (evaluated at {{version}}) that its namespace enforces: {{reasons}}. Its pods will be refused when next created.',
    },
  },
  reads: PSA_POSTURE_READS,
  evaluate(snapshot, report) {
    const enforced = new Map<string, 'baseline' | 'restricted'>();
    for (const ns of snapshot.list('namespaces')) {
      const level = namespacePsa(ns.metadata.labels).enforce.effectiveLevel;
      if (level === 'privileged') report.notApplicable(subjectOf(ns), 'The namespace enforces privileged: no level to violate');
      else enforced.set(ns.metadata.name, level);
    }
    const failed = new Set<string>();
    for (const [namespace, level] of enforced) {
      const impact = impactAt(snapshot, namespace, level, true);
      for (const w of impact.workloads) {
        failed.add(`${w.subject.kind}/${namespace}/${w.subject.name}`);
        const lower = level === 'restricted' ? 'baseline' : 'privileged';
        report.fail(w.subject, {
          messageId: 'violates',
          data: {
            level,
            version: impact.evaluatedAt,
            reasons: w.reasons,
            lower,
          },
          path: w.path,
          observed: w.checks.join(', '),
          expected: `no ${level} violation`,
        });
      }
    }
    for (const w of workloads(snapshot)) {
      const ns = w.subject.namespace ?? '';
      if (enforced.has(ns) && !failed.has(`${w.subject.kind}/${ns}/${w.subject.name}`)) report.pass(w.subject);
    }
  },
});
