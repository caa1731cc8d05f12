/**
 * What most RBAC controls share: walk every binding once, ask which rules of
 * its role grant the control's permission where the binding applies, and
 * report per grantee — a finding naming grantee, role and rules, with a
 * least-privilege replacement; built-in grants to Kubernetes' own components
 * shown apart as not-applicable with the reason; a pass for bindings that do
 * not grant it.
 */
import type { Control, ControlMeta, Reporter, Severity } from '../../src/engine/types.ts';
import { SEVERITIES, defineControl } from '../../src/engine/types.ts';
import {
  RBAC_KINDS,
  bindingMatches,
  describeRule,
  isSystemPrincipal,
  rbacModel,
  reachesNamespace,
  subjectKey,
  type BindingInfo,
  type Probe,
  type RbacModel,
  type RbacSubject,
  type RuleMatch,
} from '../../src/model/rbac.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';
import { subjectOf } from '../../src/model/workloads.ts';
import type { KindKey } from '../../src/collect/kinds.ts';
import { leastPrivilegeReplacement } from './_replacement.ts';

export const MASTERS_GROUP = 'system:masters';

/** One level less severe (`info` stays `info`). */
export function lower(s: Severity, levels = 1): Severity {
  return SEVERITIES[Math.min(SEVERITIES.indexOf(s) + levels, SEVERITIES.length - 1)]!;
}

/** One level more severe (`critical` stays `critical`). */
export function raise(s: Severity, levels = 1): Severity {
  return SEVERITIES[Math.max(SEVERITIES.indexOf(s) - levels, 0)]!;
}

export function granteeName(s: RbacSubject, binding: BindingInfo): string {
  return s.kind === 'ServiceAccount' ? `${s.namespace || binding.namespace || ''}/${s.name}` : s.name;
}

export function scopeText(binding: BindingInfo): string {
  if (binding.scope === null) return 'cluster-wide';
  return binding.roleRef.kind === 'ClusterRole' ? `in namespace ${binding.scope} (ClusterRole bound by a RoleBinding)` : `in namespace ${binding.scope}`;
}

/** The evidence of a finding: what the matched rules grant, as message data. */
export function grantData(binding: BindingInfo, s: RbacSubject, matches: readonly RuleMatch[]): Record<string, string | number | boolean> {
  const verbs = new Set<string>();
  const resources = new Set<string>();
  const names = new Set<string>();
  let limited = matches.length > 0;
  for (const m of matches) {
    if (m.matches.length === 0) {
      for (const v of m.rule.verbs) verbs.add(v);
      for (const r of [...(m.rule.resources ?? []), ...(m.rule.nonResourceURLs ?? [])]) resources.add(r);
      if (m.rule.resourceNames?.length) for (const n of m.rule.resourceNames) names.add(n);
      else limited = false;
      continue;
    }
    for (const pm of m.matches) {
      for (const v of pm.verbs) verbs.add(v);
      resources.add(pm.resource);
      if (pm.resourceNames) for (const n of pm.resourceNames) names.add(n);
      else limited = false;
    }
  }
  const role = binding.role;
  const rules = matches
    .map((m) => {
      const from = m.aggregatedFrom?.length ? ` (aggregated from ClusterRole ${m.aggregatedFrom.join(' ← ')})` : '';
      return `rules[${m.ruleIndex}]: ${describeRule(m.rule)}${from}`;
    })
    .join('; ');
  const aggregatedFrom = [...new Set(matches.flatMap((m) => m.aggregatedFrom?.[0] ?? []))].join(', ');
  return {
    grantee: `${s.kind} ${granteeName(s, binding)}`,
    granteeKind: s.kind,
    granteeName: granteeName(s, binding),
    bindingKind: binding.kind,
    roleKind: role?.kind ?? binding.roleRef.kind,
    role: role?.name ?? binding.roleRef.name,
    rules,
    verbs: [...verbs].join(','),
    resources: [...resources].join(', '),
    resourceList: [...resources].join(','),
    names: limited ? ` named ${[...names].join(', ')}` : '',
    limitedToNames: limited,
    scope: scopeText(binding),
    aggregatedFrom,
    builtInBinding: binding.builtIn,
    builtInRole: role?.builtIn ?? false,
    kindLower: binding.kind.toLowerCase(),
  };
}

export function evidence(binding: BindingInfo, s: RbacSubject, matches: readonly RuleMatch[]) {
  return {
    grantee: s,
    roleRef: binding.roleRef,
    rules: matches.map((m) => {
      const r: Record<string, unknown> = { index: m.ruleIndex, rule: m.rule };
      if (m.aggregatedFrom) r.aggregatedFrom = m.aggregatedFrom;
      return r;
    }),
  };
}

export interface GrantSpec {
  /** The permission asked of each binding's rules (where the binding applies). */
  probes?: readonly Probe[];
  /** Instead of probes: which rules of a binding count. */
  match?: (binding: BindingInfo, model: RbacModel) => RuleMatch[];
  /** Only these grantees are considered (default: all). */
  grantee?: (s: RbacSubject, binding: BindingInfo) => boolean;
  /** The finding's messageId (default `granted`, or `grantedNamed` when every match is limited to named objects and the control has that message). */
  messageId?: (matches: readonly RuleMatch[], limitedToNames: boolean, binding: BindingInfo, grantee: RbacSubject, snapshot: Snapshot) => string;
  /** A per-finding severity other than the control's. */
  severity?: (matches: readonly RuleMatch[], limitedToNames: boolean, snapshot: Snapshot) => Severity | undefined;
  /**
   * Whether a grant is shown apart as built-in instead of failing. Default: a
   * built-in binding's grant to a Kubernetes component (isSystemPrincipal).
   */
  apart?: (binding: BindingInfo, grantee: RbacSubject, matches: readonly RuleMatch[]) => boolean;
  /** Extra line for the replacement, e.g. how to grant a narrower form. */
  hint?: string;
  /** Extra kinds read. */
  reads?: readonly KindKey[];
}

function bindingRef(b: BindingInfo): string {
  return `${b.kind} "${b.namespace ? `${b.namespace}/` : ''}${b.name}"`;
}

/** Report a binding's grants to its subjects under a control. Returns whether anything failed. */
/**
 * Why what a binding grants cannot be known from scanned files, or undefined: its role is not among them (the
 * roles Kubernetes ships, view, edit, admin…), or it is an aggregated ClusterRole, whose rules the cluster fills from
 * every ClusterRole its selectors pick, and the cluster may hold more of them than the files.
 */
export function unknownInFiles(binding: BindingInfo): string | undefined {
  if (!binding.role) return `${binding.roleRef.kind} ${binding.roleRef.name} is not among the scanned files, so what ${binding.kind} ${binding.name} grants is unknown.`;
  if (binding.role.aggregated) {
    return `ClusterRole ${binding.role.name} aggregates the rules of every ClusterRole its selectors pick, and the cluster may hold more of them than the scanned files, so what ${binding.kind} ${binding.name} grants is not fully known.`;
  }
  return undefined;
}

export function reportBinding(
  snapshot: Snapshot,
  report: Reporter,
  meta: ControlMeta,
  spec: GrantSpec,
  binding: BindingInfo,
  matches: readonly RuleMatch[],
): void {
  const subject = subjectOf(binding.object);
  if (matches.length === 0) {
    // Scanned files rarely hold the roles Kubernetes ships (view, edit, admin…): never pass what could not be seen.
    const unknown = snapshot.source === 'manifests' ? unknownInFiles(binding) : undefined;
    if (unknown) report.notAssessed(subject, unknown);
    else report.pass(subject);
    return;
  }
  const apart: string[] = [];
  let failed = false;
  binding.subjects.forEach((s, i) => {
    if (!subjectKey(s, binding.namespace)) return; // matches nobody: the binding grants it nothing
    if (spec.grantee && !spec.grantee(s, binding)) return;
    if (s.kind === 'Group' && s.name === MASTERS_GROUP) {
      apart.push(`${s.kind} ${s.name} (allowed everything before RBAC is consulted)`);
      return;
    }
    if (spec.apart ? spec.apart(binding, s, matches) : binding.builtIn && isSystemPrincipal(s, binding.namespace)) {
      apart.push(`${s.kind} ${granteeName(s, binding)}`);
      return;
    }
    const data = grantData(binding, s, matches);
    const limited = data.limitedToNames === true;
    const named = limited && 'grantedNamed' in meta.messages ? 'grantedNamed' : 'granted';
    const messageId = spec.messageId ? spec.messageId(matches, limited, binding, s, snapshot) : named;
    const replacement = leastPrivilegeReplacement(spec.hint ? { binding, subject: s, risky: matches, hint: spec.hint } : { binding, subject: s, risky: matches });
    const severity = spec.severity?.(matches, limited, snapshot);
    failed = true;
    report.fail(subject, {
      messageId,
      data,
      snippets: { replacement },
      path: `subjects[${i}]`,
      observed: evidence(binding, s, matches),
      expected: `no grant of ${data.verbs} on ${data.resources} to ${data.grantee}`,
      ...(severity && severity !== meta.severity ? { severity } : {}),
    });
  });
  if (failed) return;
  if (apart.length > 0) {
    const what = matches.map((m) => `rules[${m.ruleIndex}] of ${binding.role?.kind} ${binding.role?.name}`).join(', ');
    report.notApplicable(subject, `Built-in: ${bindingRef(binding)} grants this (${what}) to ${apart.join(', ')} as part of Kubernetes' own policy.`);
    return;
  }
  report.pass(subject);
}

/** A control over every binding: the shape of most RBAC controls. */
export function grantControl(meta: ControlMeta, spec: GrantSpec): Control {
  return defineControl({
    meta,
    reads: [...RBAC_KINDS, ...(spec.reads ?? [])],
    evaluate(snapshot, report) {
      const model = rbacModel(snapshot);
      for (const binding of model.bindings) {
        const matches = spec.match ? spec.match(binding, model) : bindingMatches(binding, spec.probes ?? []);
        reportBinding(snapshot, report, meta, spec, binding, matches);
      }
    },
  });
}

/**
 * Whether a rule can allow any request where the binding applies: it needs
 * verbs, and resources with apiGroups, or non-resource URLs bound by a
 * ClusterRoleBinding (RoleBindings never apply to non-resource requests).
 * Under a RoleBinding, resources that are all cluster-scoped grant nothing
 * either: their requests carry no namespace (reachesNamespace).
 */
export function ruleGrantsAnything(rule: RuleMatch['rule'], binding: BindingInfo): boolean {
  if (rule.verbs.length === 0) return false;
  if (rule.resources?.length && rule.apiGroups?.length) return binding.scope === null || reachesNamespace(rule);
  return !!rule.nonResourceURLs?.length && binding.scope === null;
}

/** Every rule of a binding's role that grants anything, as matches without probes (for controls about the grantee rather than the permission). */
export function allRules(binding: BindingInfo, keep: (rule: RuleMatch['rule']) => boolean = () => true): RuleMatch[] {
  const role = binding.role;
  if (!role) return [];
  const out: RuleMatch[] = [];
  role.rules.forEach((rule, ruleIndex) => {
    if (!ruleGrantsAnything(rule, binding) || !keep(rule)) return;
    const m: RuleMatch = { ruleIndex, rule, matches: [] };
    const from = role.aggregatedFrom?.[ruleIndex];
    if (from) m.aggregatedFrom = from;
    out.push(m);
  });
  return out;
}

export const RBAC_GOOD_PRACTICES = 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/';

/** The remediation most grant controls share: replace the binding with the least-privilege Role and RoleBinding. */
export function replaceRemediation(what: string): string {
  return `${what} Replace the grant to {{granteeKind}} {{granteeName}} in {{kind}} {{name}} with a namespace-scoped Role that keeps the rest of {{roleKind}} {{role}} and leaves out {{verbs}} on {{resourceList}}; apply it, check that the {{granteeKind}} still works, then remove it from {{kind}} {{name}} (entry {{path}}) or delete the binding:\n\n{{replacement}}`;
}

/** Health and version endpoints Kubernetes shows everyone, anonymous callers included (system:public-info-viewer). */
export const PUBLIC_INFO_URLS: ReadonlySet<string> = new Set(['/livez', '/readyz', '/healthz', '/version', '/version/']);

/**
 * What Kubernetes' default policy gives every authenticated identity: API
 * discovery and OpenAPI (system:discovery), the public info, the
 * ServiceAccount issuer's OIDC documents (system:service-account-issuer-discovery).
 */
export const DISCOVERY_URLS: ReadonlySet<string> = new Set([
  ...PUBLIC_INFO_URLS,
  '/openapi',
  '/openapi/*',
  '/api',
  '/api/*',
  '/apis',
  '/apis/*',
  '/.well-known/openid-configuration',
  '/.well-known/openid-configuration/',
  '/openid/v1/jwks',
  '/openid/v1/jwks/',
]);

/** Self-reviews every identity may create (system:basic-user): "what may I do", "who am I". */
const SELF_REVIEWS: Record<string, readonly string[]> = {
  'authorization.k8s.io': ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
  'authentication.k8s.io': ['selfsubjectreviews'],
};

/** A rule that grants only `get` on some of the given non-resource URLs. */
export function onlyGetsUrls(rule: RuleMatch['rule'], urls: ReadonlySet<string>): boolean {
  return (
    rule.verbs.length > 0 &&
    rule.verbs.every((v) => v === 'get') &&
    !rule.resources?.length &&
    !!rule.nonResourceURLs?.length &&
    rule.nonResourceURLs.every((u) => urls.has(u))
  );
}

/**
 * A rule within what Kubernetes' default policy gives every authenticated
 * identity or every ServiceAccount: getting discovery URLs, creating
 * self-reviews, reading ClusterTrustBundles (public CA bundles, from
 * system:cluster-trust-bundle-discovery).
 */
export function isDiscoveryRule(rule: RuleMatch['rule']): boolean {
  if (onlyGetsUrls(rule, DISCOVERY_URLS)) return true;
  const groups = rule.apiGroups ?? [];
  if (
    rule.verbs.length > 0 &&
    rule.verbs.every((v) => v === 'get' || v === 'list' || v === 'watch') &&
    groups.length > 0 &&
    groups.every((g) => g === 'certificates.k8s.io') &&
    !!rule.resources?.length &&
    rule.resources.every((r) => r === 'clustertrustbundles') &&
    !rule.nonResourceURLs?.length
  ) {
    return true;
  }
  return (
    rule.verbs.length > 0 &&
    rule.verbs.every((v) => v === 'create') &&
    !rule.nonResourceURLs?.length &&
    groups.length > 0 &&
    !!rule.resources?.length &&
    rule.resources.every((r) => groups.every((g) => SELF_REVIEWS[g]?.includes(r)))
  );
}
