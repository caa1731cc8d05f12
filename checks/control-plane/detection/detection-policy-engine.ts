import { CLUSTER_SUBJECT } from '../../../src/engine/run.ts';
import { defineControl } from '../../../src/engine/types.ts';
import type { K8sObject } from '../../../src/model/k8s.ts';
import { subjectOf } from '../../../src/model/workloads.ts';

/** Policy engines, recognised by the name of their validating webhook configuration. */
const ENGINES: { name: string; webhook: RegExp }[] = [
  { name: 'Kyverno', webhook: /^kyverno-/ },
  { name: 'OPA Gatekeeper', webhook: /^gatekeeper-/ },
  { name: 'Kubewarden', webhook: /kubewarden/ },
  { name: 'jsPolicy', webhook: /^jspolicy/ },
];

function engineOf(w: K8sObject): string | undefined {
  return ENGINES.find((e) => e.webhook.test(w.metadata.name))?.name;
}

export default defineControl({
  meta: {
    id: 'detection-policy-engine',
    title: 'An admission policy engine or ValidatingAdmissionPolicies are in place',
    area: 'general',
    severity: 'info',
    description:
      'Policy posture: passes when a policy engine\'s validating webhook is registered (Kyverno, OPA Gatekeeper, Kubewarden, jsPolicy) or ValidatingAdmissionPolicies that a ValidatingAdmissionPolicyBinding puts in force exist (a policy without a binding is evaluated against nothing). Whether the policies cover what matters is not judged here.',
    rationale:
      'Pod Security Admission covers pod fields only. Rules about registries, labels, ingress hosts or RBAC need a policy layer; without one, every such rule is a convention nobody enforces.',
    remediation: 'Adopt ValidatingAdmissionPolicies (built in, CEL) or a policy engine such as Kyverno or OPA Gatekeeper, starting in audit mode, for the rules your platform relies on.',
    references: { links: ['https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/'] },
    static: { needsCluster: 'whether an admission policy engine runs is a fact about the whole cluster; a set of files cannot show its absence.' },
    messages: {
      none: 'No policy engine webhook and no ValidatingAdmissionPolicy found ({{webhooks}} validating webhook configurations looked at).',
      unbound:
        'No policy engine webhook found, and no ValidatingAdmissionPolicyBinding puts any of the {{count}} ValidatingAdmissionPolicies ({{names}}) in force: a policy without a binding validates nothing.',
    },
  },
  reads: ['validatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings'],
  evaluate(snapshot, report) {
    const webhooks = snapshot.list('validatingwebhookconfigurations');
    const engines = webhooks.filter((w) => engineOf(w));
    const allVaps = snapshot.list('validatingadmissionpolicies');
    // Only a policy a binding names is evaluated: the binding supplies its validation actions and scope.
    const bound = new Set(snapshot.list('validatingadmissionpolicybindings').map((b) => (b.spec as { policyName?: string } | undefined)?.policyName));
    const vaps = allVaps.filter((v) => bound.has(v.metadata.name));
    const byName = (a: K8sObject, b: K8sObject) => (a.metadata.name < b.metadata.name ? -1 : 1);
    if (engines.length === 0 && vaps.length === 0 && allVaps.length > 0) {
      const names = [...allVaps].sort(byName).map((v) => v.metadata.name);
      return report.fail(CLUSTER_SUBJECT, {
        messageId: 'unbound',
        data: { count: names.length, names: names.slice(0, 5).join(', ') + (names.length > 5 ? ', …' : '') },
        path: 'validatingadmissionpolicybindings',
        observed: 'no binding',
        expected: 'a ValidatingAdmissionPolicyBinding naming a policy, or a policy engine',
      });
    }
    if (engines.length === 0 && vaps.length === 0) {
      return report.fail(CLUSTER_SUBJECT, { messageId: 'none', data: { webhooks: webhooks.length }, path: 'validatingwebhookconfigurations', observed: 'none', expected: 'a policy engine or ValidatingAdmissionPolicies' });
    }
    for (const w of [...engines].sort(byName)) report.pass(subjectOf(w), { path: 'webhooks' });
    for (const v of [...vaps].sort(byName)) report.pass(subjectOf(v), { path: 'spec.validations' });
  },
});
