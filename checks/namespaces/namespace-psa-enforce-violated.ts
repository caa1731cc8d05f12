import { defineControl } from '../../src/engine/types.ts';
import type { PodSpec } from '../../src/model/k8s.ts';
import { PSA_POSTURE_READS, impactAt, namespacePsa } from '../../src/model/psa-posture.ts';
import { isTerminating, terminatingReason } from '../../src/model/namespaces.ts';
import { subjectOf, workloads } from '../../src/model/workloads.ts';

/**
 * The API server's PodSecurity configuration may exempt runtime classes (`exemptions.runtimeClasses`): Pods of one are
 * neither enforced nor checked when a label changes. It is not visible through the API, so a spec naming a runtime
 * class is reported with that proviso (reproduced on kube-apiserver v1.37.2 exempting `kata-exempt`: a privileged Pod of
 * that class is admitted into a namespace enforcing baseline, and is named in no warning when the level is raised).
 */
function exemptionProviso(spec: PodSpec | undefined): string {
  const rc = (spec as { runtimeClassName?: unknown } | undefined)?.runtimeClassName;
  return typeof rc === 'string' && rc !== ''
    ? `, unless the API server's PodSecurity configuration exempts runtime class "${rc}" (its exemptions are not visible through the API)`
    : '';
}

export default defineControl({
  meta: {
    id: 'namespace-psa-enforce-violated',
    title: 'Workloads meet the Pod Security level their namespace enforces',
    area: 'namespaces',
    severity: 'high',
    description:
      'For every namespace that enforces baseline or restricted (an invalid enforce value counts as restricted, as in the admission plugin), evaluates each workload\'s pod template (and each bare Pod) against that level at the version the namespace pins, else the cluster\'s, with the same engine as the Pod Security controls, and each existing Pod too: a Pod that violates it while its controller\'s template does not was changed after the template (a mutating webhook, a sidecar injector), and the admission judges the Pod, so its controller is reported. A workload that violates it exists only because the label was set or tightened after it was created (the API server checks labels against running pods but only warns): its pods are refused the next time they are created, on a rollout, a reschedule or a scale-up. A workload whose pod spec names a runtime class is reported with the proviso that the API server\'s PodSecurity configuration may exempt that class (its exemptions are not visible through the API). Namespaces that enforce privileged, namespaces without an enforce label (the API server\'s default level applies, not visible through the API), and namespaces being deleted (Terminating: no pod can be created in them again), are not applicable.',
    rationale:
      'Admission checks pods only when they are created. A namespace whose label is stricter than what runs in it looks compliant while it is not, and turns the next node drain or deployment into an outage: the controller cannot create replacement pods.',
    remediation:
      'Bring {{kind}} {{namespace}}/{{name}} within the {{level}} level (the Pod Security controls name every field to change), or, until it is, lower the enforce label of namespace {{namespace}} and keep {{level}} for warn and audit:\n\nkubectl label --overwrite ns {{namespace}} pod-security.kubernetes.io/enforce={{lower}} pod-security.kubernetes.io/warn={{level}} pod-security.kubernetes.io/audit={{level}}',
    references: {
      cis: ['5.2.1'],
      links: ['https://kubernetes.io/docs/concepts/security/pod-security-admission/', 'https://kubernetes.io/docs/tasks/configure-pod-container/migrate-from-psp/'],
    },
    messages: {
      violates: '{{kind}} {{namespace}}/{{name}} violates the {{level}} level (evaluated at {{version}}) that its namespace enforces: {{reasons}}. Its pods will be refused when next created{{exemption}}.',
      podsViolate:
        '{{kind}} {{namespace}}/{{name}} meets the {{level}} level (evaluated at {{version}}) in its pod template, but its Pod(s) {{pods}} do not: {{reasons}}. Something changes the Pods after the template (a mutating webhook, such as a sidecar injector), and the admission judges the Pod: replacements will be refused when next created{{exemption}}.',
    },
  },
  reads: PSA_POSTURE_READS,
  evaluate(snapshot, report) {
    const enforced = new Map<string, 'baseline' | 'restricted'>();
    for (const ns of snapshot.list('namespaces')) {
      if (isTerminating(ns)) {
        // No pod can be created in it again: nothing its label would refuse.
        report.notApplicable(subjectOf(ns), terminatingReason(ns.metadata.name));
        continue;
      }
      const enforce = namespacePsa(ns.metadata.labels).enforce;
      const level = enforce.effectiveLevel;
      if (enforce.level === undefined) {
        // The API server's default applies: privileged unless its AdmissionConfiguration sets another, which the API
        // does not show. Not claimed either way.
        report.notApplicable(subjectOf(ns), "The namespace has no enforce label, so the API server's default level applies: privileged unless the PodSecurity defaults of its AdmissionConfiguration set another, which are not visible through the API; its workloads are judged only against a level the namespace sets");
      } else if (level === 'privileged') report.notApplicable(subjectOf(ns), 'The namespace enforces privileged: no level to violate');
      else enforced.set(ns.metadata.name, level);
    }
    const failed = new Set<string>();
    let templates: Map<string, { specPath: string; podSpec: PodSpec }> | undefined;
    const templateOf = (key: string) => (templates ??= new Map(workloads(snapshot).map((w) => [`${w.subject.kind}/${w.subject.namespace ?? ''}/${w.subject.name}`, w]))).get(key);
    for (const [namespace, level] of enforced) {
      const impact = impactAt(snapshot, namespace, level, true);
      for (const w of impact.workloads) {
        const key = `${w.subject.kind}/${namespace}/${w.subject.name}`;
        failed.add(key);
        const lower = level === 'restricted' ? 'baseline' : 'privileged';
        report.fail(w.subject, {
          messageId: 'violates',
          data: {
            level,
            version: impact.evaluatedAt,
            reasons: w.reasons,
            lower,
            exemption: exemptionProviso(templateOf(key)?.podSpec),
          },
          path: w.path,
          observed: w.checks.join(', '),
          expected: `no ${level} violation`,
        });
      }
      // Pods the admission would name although their owner's template passes: something changes them after the
      // template (a mutating webhook, a sidecar injector), and PodSecurity judges the Pod as stored.
      const byOwner = new Map<string, { owner: (typeof impact.pods)[number]['owner']; pods: typeof impact.pods }>();
      for (const p of impact.pods) {
        const key = `${p.owner.kind}/${namespace}/${p.owner.name}`;
        if (failed.has(key)) continue;
        const entry = byOwner.get(key) ?? { owner: p.owner, pods: [] };
        entry.pods.push(p);
        byOwner.set(key, entry);
      }
      for (const [key, { owner, pods }] of byOwner) {
        failed.add(key);
        // The owner's pod template: what its Pods are made from, before whatever changed them.
        const template = templateOf(key)?.specPath;
        const names = pods.map((p) => p.name);
        report.fail(owner, {
          messageId: 'podsViolate',
          data: {
            level,
            version: impact.evaluatedAt,
            pods: `${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`,
            reasons: pods[0]!.reasons,
            lower: level === 'restricted' ? 'baseline' : 'privileged',
            exemption: exemptionProviso(snapshot.get('pods', namespace, pods[0]!.name)?.spec as PodSpec | undefined),
          },
          path: template ?? 'spec',
          observed: [...new Set(pods.flatMap((p) => p.checks))].join(', '),
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
