import { CLUSTER_SUBJECT } from '../../src/engine/run.ts';
import { defineControl } from '../../src/engine/types.ts';
import type { K8sObject } from '../../src/model/k8s.ts';
import { isTerminating } from '../../src/model/namespaces.ts';
import { namespacePsa } from '../../src/model/psa-posture.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';

/** Resources whose creation admission policy engines validate to control pods, with their API groups. */
const POD_RESOURCES: ReadonlyMap<string, string> = new Map([
  ['pods', ''],
  ['replicationcontrollers', ''],
  ['deployments', 'apps'],
  ['replicasets', 'apps'],
  ['statefulsets', 'apps'],
  ['daemonsets', 'apps'],
  ['jobs', 'batch'],
  ['cronjobs', 'batch'],
]);

interface ResourceRule {
  apiGroups?: string[];
  resources?: string[];
  operations?: string[];
}

/**
 * Whether rules (VAP matchConstraints or webhook rules) cover creating pods or pod controllers. As the API reads
 * them: `*` is every resource, `*\/*` every resource and subresource, `pods/*` only the subresources of pods; a
 * resource counts in its own API group (a custom resource named `jobs` is not batch's).
 */
export function coversPods(rules: readonly ResourceRule[] | undefined): boolean {
  return (rules ?? []).some((r) => {
    if (!(r.operations ?? []).some((op) => op === 'CREATE' || op === '*')) return false;
    const groups = r.apiGroups ?? [];
    const inGroup = (g: string) => groups.includes('*') || groups.includes(g);
    return (r.resources ?? []).some((res) => {
      if (res === '*' || res === '*/*') return [...new Set(POD_RESOURCES.values())].some(inGroup);
      const group = POD_RESOURCES.get(res);
      return group !== undefined && inGroup(group);
    });
  });
}

/** Policy engines recognised by their validating webhooks' names. */
const ENGINES: readonly { name: string; matches: (config: string, webhook: string) => boolean }[] = [
  { name: 'Kyverno', matches: (c, w) => w.endsWith('.kyverno.svc') || w.includes('.kyverno.svc-') || c.startsWith('kyverno-') },
  { name: 'OPA Gatekeeper', matches: (c, w) => w === 'validation.gatekeeper.sh' || w.endsWith('.gatekeeper.sh') || c.startsWith('gatekeeper-') },
  { name: 'Kubewarden', matches: (c, w) => w.endsWith('.kubewarden.admission') || c.startsWith('kubewarden-') },
];

interface Webhook {
  name?: string;
  rules?: ResourceRule[];
}

export interface PolicyMechanisms {
  /** Namespaces whose enforce label is baseline or restricted. */
  psaNamespaces: string[];
  /** ValidatingAdmissionPolicies over pods or controllers with a binding that denies. */
  admissionPolicies: string[];
  /** Policy engines found through their validating webhooks, `Engine (configuration name)`. */
  engines: string[];
}

/** The policy control mechanisms visible through the API. */
export function policyMechanisms(snapshot: Snapshot): PolicyMechanisms {
  const psaNamespaces = snapshot
    .list('namespaces')
    .filter((ns) => {
      // A namespace being deleted admits no pod at all: its label controls nothing.
      if (isTerminating(ns)) return false;
      const psa = namespacePsa(ns.metadata.labels).enforce;
      return psa.level !== undefined && !psa.invalid.includes('level') && psa.effectiveLevel !== 'privileged';
    })
    .map((ns) => ns.metadata.name)
    .sort();

  const denying = new Set<string>();
  for (const b of snapshot.list('validatingadmissionpolicybindings')) {
    const spec = (b.spec ?? {}) as { policyName?: string; validationActions?: string[] };
    if (spec.policyName && (spec.validationActions ?? []).includes('Deny')) denying.add(spec.policyName);
  }
  const admissionPolicies = snapshot
    .list('validatingadmissionpolicies')
    .filter((p: K8sObject) => denying.has(p.metadata.name) && coversPods(((p.spec ?? {}) as { matchConstraints?: { resourceRules?: ResourceRule[] } }).matchConstraints?.resourceRules))
    .map((p) => p.metadata.name)
    .sort();

  const engines = new Set<string>();
  for (const config of snapshot.list('validatingwebhookconfigurations')) {
    for (const hook of ((config as { webhooks?: Webhook[] }).webhooks ?? [])) {
      const engine = ENGINES.find((e) => e.matches(config.metadata.name, hook?.name ?? ''));
      if (engine && coversPods(hook.rules)) engines.add(`${engine.name} (${config.metadata.name})`);
    }
  }
  return { psaNamespaces, admissionPolicies, engines: [...engines].sort() };
}

export default defineControl({
  meta: {
    id: 'cluster-policy-mechanism',
    title: 'At least one policy control mechanism is active',
    area: 'namespaces',
    severity: 'high',
    description:
      'Passes when the cluster visibly controls what pods may run: a namespace (not being deleted) that enforces a Pod Security level of baseline or restricted; a ValidatingAdmissionPolicy over pods or pod controllers (CREATE) with a binding whose validationActions include Deny; or a Kyverno, OPA Gatekeeper or Kubewarden validating webhook with rules over pods or pod controllers. A PodSecurity default in the API server\'s AdmissionConfiguration, and engines not listed here, are not visible through the API: such a cluster is reported and should waive this control.',
    rationale:
      'Without an admission control that refuses dangerous pod specs, every other workload control is advisory: anyone allowed to create a pod can create a privileged one, and findings reappear as fast as they are fixed.',
    remediation:
      'Enforce Pod Security Standards on namespaces, starting with audit and warn labels, then enforce by tier (the psaPosture insight shows what each level would refuse):\n\nkubectl label --overwrite ns <NAMESPACE> pod-security.kubernetes.io/warn=restricted pod-security.kubernetes.io/audit=restricted\nkubectl label --dry-run=server --overwrite ns <NAMESPACE> pod-security.kubernetes.io/enforce=baseline\n\nor install a policy engine (Kyverno, Gatekeeper) or ValidatingAdmissionPolicies for rules the standards do not cover.',
    references: {
      cis: ['5.2.1'],
      links: [
        'https://kubernetes.io/docs/concepts/security/pod-security-admission/',
        'https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/',
      ],
    },
    static: { needsCluster: 'whether the cluster has a policy mechanism for pods is a fact about the whole cluster; a set of files cannot show its absence.' },
    messages: {
      none: 'No policy control mechanism is visible: no namespace has a Pod Security enforce label above privileged (a cluster-wide default in the API server\'s AdmissionConfiguration is not visible through the API), no denying ValidatingAdmissionPolicy covers pods, and no known policy engine webhook is registered ({{namespaces}} namespaces, {{policies}} ValidatingAdmissionPolicies, {{webhooks}} validating webhook configurations seen).',
    },
  },
  reads: ['namespaces', 'validatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings'],
  evaluate(snapshot, report) {
    const found = policyMechanisms(snapshot);
    if (found.psaNamespaces.length + found.admissionPolicies.length + found.engines.length > 0) {
      report.pass(CLUSTER_SUBJECT, { path: 'admission' });
      return;
    }
    if (snapshot.namespacesLimited) {
      // The webhooks and policies are cluster-wide and were read; the Namespaces outside the scan were not.
      report.notAssessed(CLUSTER_SUBJECT, `${snapshot.scopeText()}: no denying ValidatingAdmissionPolicy or known policy engine webhook is registered, and none of the ${snapshot.list('namespaces').length} namespace(s) read enforces a Pod Security level, but a namespace not read may. Scan every namespace to judge it.`);
      return;
    }
    report.fail(CLUSTER_SUBJECT, {
      messageId: 'none',
      data: {
        namespaces: snapshot.list('namespaces').length,
        policies: snapshot.list('validatingadmissionpolicies').length,
        webhooks: snapshot.list('validatingwebhookconfigurations').length,
      },
      path: 'admission',
      observed: found,
      expected: 'a PSA enforce label, a denying ValidatingAdmissionPolicy, or a policy engine webhook',
    });
  },
});
