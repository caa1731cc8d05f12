import { defineControl, type Severity } from '../../src/engine/types.ts';
import {
  RBAC_KINDS,
  capabilitiesOf,
  capability,
  INERT_REASON,
  inertByVersion,
  isSystemPrincipal,
  rbacModel,
  serviceAccountPrincipal,
  tokenMountOf,
  workloadExposure,
  type CapabilityId,
  type WhoCanPermission,
} from '../../src/model/rbac.ts';
import { isMirrorPod, serviceAccountNameOf } from '../../src/model/serviceaccounts.ts';
import { WORKLOAD_KINDS, workloads } from '../../src/model/workloads.ts';
import { RBAC_GOOD_PRACTICES, lower, raise, unknownInFiles } from './_grants.ts';

/** How bad a capability is in a stolen token, granted cluster-wide to every object. */
const TIER: Record<CapabilityId, Severity> = {
  escalate: 'critical',
  bind: 'critical',
  impersonate: 'critical',
  'nodes-proxy': 'critical',
  'approve-csrs': 'critical',
  'change-webhooks': 'critical',
  'create-tokens': 'critical',
  'read-secrets': 'high',
  'create-pods': 'high',
  'create-workloads': 'high',
  exec: 'high',
  attach: 'high',
  'port-forward': 'medium',
};

/** Names limit these less than they seem: one named privileged identity or role is enough. */
const NAMES_DO_NOT_HELP = new Set<CapabilityId>(['escalate', 'bind', 'impersonate', 'create-tokens']);

function severityOf(p: WhoCanPermission): Severity {
  let s = TIER[p.capability];
  if (p.namespace !== null) s = lower(s);
  if (p.resourceNames && !NAMES_DO_NOT_HELP.has(p.capability)) s = lower(s);
  return s;
}

const ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

function tokenRemediation(stop: string, exposed: boolean): string {
  return (
    `If the containers of {{kind}} {{namespace}}/{{name}} do not call the API, stop mounting the token: ${stop}.\n\n` +
    'Otherwise run it as a ServiceAccount of its own holding only what it calls, and take {{capabilityIds}} away from ServiceAccount {{serviceAccount}} (the rbac-* findings on its bindings give least-privilege replacements).' +
    (exposed ? ' Then reduce the exposure the finding names: no privileged containers or host namespaces or hostPath volumes, and a NetworkPolicy that isolates the ingress of its pods.' : '')
  );
}

export default defineControl({
  meta: {
    id: 'rbac-workload-token-risk',
    title: 'Workloads do not carry tokens of risky ServiceAccounts',
    area: 'rbac',
    severity: 'high',
    description:
      'Joins each workload to the ServiceAccount its pods run as, and flags it when the pods receive that ServiceAccount\'s token (automounted or projected) and the ServiceAccount holds a dangerous permission (read Secrets, exec, create pods or workloads, bind, escalate, impersonate, nodes/proxy, approve CSRs, create tokens, change webhooks…). The finding\'s severity follows the worst permission and its reach, and rises one level when the pods are privileged, share a host namespace, mount a hostPath, or their ingress is not isolated by NetworkPolicies (or a policy allows all). A permission the cluster\'s version ignores by default counts as low and raises nothing: get alone on pods/exec, attach or portforward from 1.35 (AuthorizePodWebsocketUpgradeCreatePermission), constrained impersonation verbs before 1.36. Mirror pods of static pods get no token and pass.',
    rationale:
      'A token mounted in a pod is one file read away for anyone who compromises the container — through a remote code execution bug, a malicious image, or exec. An exposed or privileged pod makes that compromise likelier; a powerful ServiceAccount turns it into a compromise of the namespace or the cluster.',
    remediation: tokenRemediation('set {{specPath}}.automountServiceAccountToken: false', false),
    remediations: {
      projected: tokenRemediation('remove the serviceAccountToken source from the projected volumes in {{specPath}}.volumes', false),
      automountExposed: tokenRemediation('set {{specPath}}.automountServiceAccountToken: false', true),
      projectedExposed: tokenRemediation('remove the serviceAccountToken source from the projected volumes in {{specPath}}.volumes', true),
    },
    references: {
      links: [RBAC_GOOD_PRACTICES, 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting'],
    },
    messages: {
      riskyToken: '{{kind}} "{{name}}" runs as ServiceAccount {{serviceAccount}} with its token mounted ({{how}}); the token can {{capabilities}} ({{grants}}).{{exposure}}',
      ignoredToken:
        '{{kind}} "{{name}}" runs as ServiceAccount {{serviceAccount}} with its token mounted ({{how}}); the token is granted {{capabilities}} only by grants this cluster\'s version ignores by default ({{grants}}).',
    },
  },
  reads: [...WORKLOAD_KINDS, 'serviceaccounts', 'networkpolicies', 'namespaces', ...RBAC_KINDS],
  evaluate(snapshot, report) {
    const model = rbacModel(snapshot);
    const cache = new Map<string, WhoCanPermission[]>();
    for (const w of workloads(snapshot)) {
      const ns = w.subject.namespace ?? '';
      const saName = serviceAccountNameOf(w.podSpec);
      const how = isMirrorPod(w.subject.kind, w.object.metadata) ? undefined : tokenMountOf(snapshot, w);
      if (!how) {
        report.pass(w.subject, { path: `${w.specPath}.automountServiceAccountToken` });
        continue;
      }
      const key = `${ns}/${saName}`;
      let perms = cache.get(key);
      if (!perms) cache.set(key, (perms = capabilitiesOf(model, serviceAccountPrincipal(ns, saName))));
      // Kubernetes' own grants to its own kube-system ServiceAccounts are shown apart.
      const own = perms.filter((p) => !(p.provenance.binding.builtIn && isSystemPrincipal({ kind: 'ServiceAccount', name: saName, namespace: ns })));
      if (perms.length === 0) {
        // Scanned files rarely hold the roles a binding names (view, edit, admin…): never pass what could not be seen.
        const unknown =
          snapshot.source === 'manifests' ? model.bindingsOf(serviceAccountPrincipal(ns, saName)).map(unknownInFiles).filter((x) => x !== undefined) : [];
        if (unknown.length > 0) {
          report.notAssessed(w.subject, `ServiceAccount ${key}: ${unknown[0]}${unknown.length > 1 ? ` (${unknown.length - 1} more binding(s) likewise)` : ''}`);
          continue;
        }
        if (snapshot.namespacesLimited) {
          report.notAssessed(w.subject, `${snapshot.scopeText()}: no binding read grants ServiceAccount ${key} a risky permission, but a RoleBinding in a namespace not read may (a RoleBinding of any namespace can name it). Scan every namespace to judge it.`);
          continue;
        }
        report.pass(w.subject, { path: `${w.specPath}.serviceAccountName` });
        continue;
      }
      if (own.length === 0 && snapshot.namespacesLimited) {
        report.notAssessed(w.subject, `${snapshot.scopeText()}: ServiceAccount ${key} holds only Kubernetes' own grants among the bindings read, but a RoleBinding in a namespace not read may grant it more. Scan every namespace to judge it.`);
        continue;
      }
      if (own.length === 0) {
        report.notApplicable(w.subject, `Built-in: ServiceAccount ${key} holds ${[...new Set(perms.map((p) => p.capability))].join(', ')} through Kubernetes' own bindings.`);
        continue;
      }
      const exposure = workloadExposure(snapshot, w);
      // Permissions the cluster's version ignores by default (get alone on pods/exec from 1.35, constrained impersonation
      // before 1.36) count as low, and raise nothing: the token can use them only with a non-default feature gate.
      const inert = new Map(own.map((p) => [p, inertByVersion(p.capability, p.verbs, snapshot.serverVersion)]));
      const live = own.filter((p) => !inert.get(p));
      const reasons =
        live.length === 0 ? [] : [...exposure.hostAccess, ...(exposure.notIsolated ? ['no NetworkPolicy isolates its ingress, or one allows all'] : [])];
      let severity: Severity = live.length === 0 ? 'low' : live.map(severityOf).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))[0]!;
      if (reasons.length > 0) severity = raise(severity);
      const caps = [...new Set(own.map((p) => p.capability))];
      // What the token can do is what its live grants allow; a capability held only by grants the version ignores is
      // named apart, not as something the token can do.
      const liveCaps = [...new Set(live.map((p) => p.capability))];
      const ignoredCaps = caps.filter((c) => !liveCaps.includes(c));
      const labels = (ids: readonly CapabilityId[]) => ids.map((c) => capability(c).label.toLowerCase()).join(', ');
      const capabilities =
        liveCaps.length === 0
          ? labels(ignoredCaps)
          : `${labels(liveCaps)}${ignoredCaps.length ? `, and is granted ${labels(ignoredCaps)} only by grants this cluster's version ignores by default` : ''}`;
      const grants = own
        .map((p) => {
          const pr = p.provenance;
          const where = p.namespace === null ? 'cluster-wide' : `in ${p.namespace}`;
          const via = p.viaGroup ? ` via group ${p.viaGroup}` : '';
          const from = pr.aggregatedFrom?.length ? ` from ${pr.aggregatedFrom.join(' ← ')}` : '';
          const why = inert.get(p);
          const note = why ? ` (${INERT_REASON[why]})` : '';
          return `${p.capability} ${where}${via}${note}: ${pr.binding.kind} ${pr.binding.namespace ? `${pr.binding.namespace}/` : ''}${pr.binding.name} → ${pr.role.kind} ${pr.role.name} rules[${pr.ruleIndex}]${from}`;
        })
        .join('; ');
      const variant = `${how === 'projected' ? 'projected' : 'automount'}${reasons.length ? 'Exposed' : ''}`;
      report.fail(w.subject, {
        messageId: liveCaps.length === 0 ? 'ignoredToken' : 'riskyToken',
        ...(variant === 'automount' ? {} : { remediationId: variant }),
        data: {
          serviceAccount: key,
          how: how === 'automount' ? 'automounted' : 'projected volume',
          capabilities,
          capabilityIds: caps.join(','),
          grants,
          exposure: reasons.length ? ` Severity raised: ${reasons.join('; ')}.` : '',
          exposed: reasons.length > 0,
          specPath: w.specPath,
        },
        path: `${w.specPath}.serviceAccountName`,
        observed: { serviceAccount: key, token: how, capabilities: caps, hostAccess: exposure.hostAccess, networkIsolated: !exposure.notIsolated },
        expected: 'no token, or a ServiceAccount without dangerous permissions',
        severity,
      });
    }
  },
});
