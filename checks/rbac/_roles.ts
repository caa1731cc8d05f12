/**
 * For controls whose subject is the Role or ClusterRole itself: built-in
 * roles shown apart, the bindings that reference each role, rule field paths.
 */
import type { Reporter, Severity } from '../../src/engine/types.ts';
import type { PolicyRule, RbacModel, RoleInfo } from '../../src/model/rbac.ts';
import { subjectOf } from '../../src/model/workloads.ts';

export const RULE_FIELDS = ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

/** How many bindings reference each role (by `Role:<ns>/<name>` or `ClusterRole:<name>`), directly or through aggregation. */
export function bindingCounts(model: RbacModel): Map<string, number> {
  const counts = new Map<string, number>();
  for (const b of model.bindings) {
    if (!b.role) continue;
    const key = roleKey(b.role);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  // A labelled ClusterRole is in use wherever an aggregated role that copied its rules is bound.
  for (const role of model.clusterRoles) {
    const n = counts.get(roleKey(role)) ?? 0;
    if (!role.aggregated || n === 0) continue;
    const sources = new Set((role.aggregatedFrom ?? []).flat());
    for (const name of sources) counts.set(`ClusterRole:${name}`, (counts.get(`ClusterRole:${name}`) ?? 0) + n);
  }
  return counts;
}

export function roleKey(r: RoleInfo): string {
  return r.kind === 'Role' ? `Role:${r.namespace}/${r.name}` : `ClusterRole:${r.name}`;
}

export interface RuleFinding {
  ruleIndex: number;
  field: RuleField;
  messageId: string;
  data: Record<string, string | number | boolean>;
  observed: unknown;
  expected: unknown;
  severity?: Severity;
  /** Default `rules[<index>].<field>`. */
  path?: string;
  /** Which of the control's `remediations` applies (default: `remediation`). */
  remediationId?: string;
}

/** Report each role: findings per rule field, built-in roles apart, aggregated copies pointed at their sources, otherwise pass. */
export function reportRoles(
  model: RbacModel,
  report: Reporter,
  check: (rule: PolicyRule, index: number, role: RoleInfo) => RuleFinding[],
  unboundSeverity?: Severity,
  /** Some namespaces' RoleBindings were not read (Snapshot.namespacesLimited): a ClusterRole's count is then a lower bound. */
  namespacesLimited = false,
): void {
  const counts = bindingCounts(model);
  for (const role of [...model.clusterRoles, ...model.roles]) {
    const subject = subjectOf(role.object);
    const bound = counts.get(roleKey(role)) ?? 0;
    // A Role is bound only in its own namespace, which was read; a ClusterRole by a RoleBinding of any namespace.
    const countKnown = role.kind === 'Role' || !namespacesLimited;
    const findings: RuleFinding[] = [];
    const inherited: string[] = [];
    role.rules.forEach((rule, i) => {
      const found = check(rule, i, role);
      if (found.length === 0) return;
      const from = role.aggregatedFrom?.[i];
      // An aggregated copy is fixed at its source; say so instead of counting it twice.
      if (from?.length) {
        inherited.push(`rules[${i}] from ClusterRole ${from.join(' ← ')}`);
        return;
      }
      findings.push(...found);
    });
    if (findings.length > 0 && role.builtIn) {
      report.notApplicable(subject, `Built-in: ${role.kind} "${role.name}" is part of Kubernetes' own policy (${findings.map((f) => `rules[${f.ruleIndex}].${f.field}`).join(', ')}).`);
      continue;
    }
    for (const f of findings) {
      const severity = f.severity ?? (bound === 0 && countKnown ? unboundSeverity : undefined);
      report.fail(subject, {
        messageId: f.messageId,
        ...(f.remediationId ? { remediationId: f.remediationId } : {}),
        data: {
          ...f.data,
          boundBy: bound,
          boundText: `bound by ${bound} binding(s)${countKnown ? '' : ' in the namespaces read (the RoleBindings of the others were not read)'}`,
          bound: bound > 0, rule: `rules[${f.ruleIndex}]`,
          field: f.field,
          roleKindLower: role.kind.toLowerCase(),
        },
        path: f.path ?? `rules[${f.ruleIndex}].${f.field}`,
        observed: f.observed,
        expected: f.expected,
        ...(severity ? { severity } : {}),
      });
    }
    if (findings.length > 0) continue;
    if (inherited.length > 0) {
      report.notApplicable(subject, `Aggregated: ${role.kind} "${role.name}" holds ${inherited.join(', ')}; they are reported on their source.`);
      continue;
    }
    report.pass(subject);
  }
}
