/**
 * Least-privilege replacements: the Role and RoleBinding that would take the
 * place of a risky grant, with the real names. The Role keeps every rule of
 * the original role except the risky permissions; what cannot be subtracted
 * (a `*` resource) is left out with a comment saying what to list instead.
 */
import {
  apiGroupMatches,
  combinedResource,
  resourceMatches,
  type BindingInfo,
  type PolicyRule,
  type ProbeMatch,
  type RbacSubject,
  type RuleMatch,
} from '../../src/model/rbac.ts';

/** The verbs a `*` stands for when some of them have to be taken out. Others (bind, escalate, impersonate, use…) are dropped too. */
export const STANDARD_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] as const;

function expandVerbs(verbs: readonly string[]): string[] {
  return verbs.includes('*') ? [...STANDARD_VERBS] : [...verbs];
}

/** A rule without the risky verbs of the matches; comments for what could not be subtracted. */
export function subtract(rule: PolicyRule, ruleIndex: number, matches: readonly ProbeMatch[]): { rules: PolicyRule[]; comments: string[] } {
  const comments: string[] = [];
  const kept = new Map<string, { verbs: string[]; resources: string[] }>();
  for (const resource of rule.resources ?? []) {
    const risky = new Set<string>();
    for (const m of matches) {
      const sub = m.probe.subresource ?? '';
      if (apiGroupMatches(rule, m.probe.group) && resourceMatches({ verbs: [], resources: [resource] }, combinedResource(m.probe.resource, m.probe.subresource), sub)) {
        for (const v of m.verbs) risky.add(v);
      }
    }
    if (risky.size === 0) {
      const key = rule.verbs.join(',');
      const k = kept.get(key) ?? { verbs: [...rule.verbs], resources: [] };
      k.resources.push(resource);
      kept.set(key, k);
      continue;
    }
    if (resource === '*' || resource.startsWith('*/')) {
      comments.push(`rules[${ruleIndex}]: ${yamlQuote(resource)} includes ${[...risky].join(',')} on ${matches.map((m) => m.resource).join(', ')}; list the resources it needs instead`);
      continue;
    }
    const verbs = expandVerbs(rule.verbs).filter((v) => !risky.has(v));
    if (verbs.length === 0) {
      comments.push(`rules[${ruleIndex}]: removed ${[...risky].join(',')} on ${yamlQuote(resource)}`);
      continue;
    }
    comments.push(`rules[${ruleIndex}]: removed ${[...risky].join(',')} on ${yamlQuote(resource)}`);
    const key = verbs.join(',');
    const k = kept.get(key) ?? { verbs, resources: [] };
    k.resources.push(resource);
    kept.set(key, k);
  }
  const rules: PolicyRule[] = [];
  for (const k of kept.values()) {
    const r: PolicyRule = { apiGroups: [...(rule.apiGroups ?? [])], resources: k.resources, verbs: k.verbs };
    if (rule.resourceNames?.length) r.resourceNames = [...rule.resourceNames];
    rules.push(r);
  }
  return { rules, comments };
}

export interface ReplacementInput {
  binding: BindingInfo;
  subject: RbacSubject;
  /** The rules that carry the risky permission; empty matches mean the whole rule goes. */
  risky: readonly RuleMatch[];
  /** One more comment line, e.g. how to grant a narrower form of the permission. */
  hint?: string;
}

/**
 * A value from the cluster as a YAML single-quoted scalar: always a string
 * (never `true` or `1.0`), and inert when the snippet is pasted into a shell
 * too (`$(…)` and backticks stay inside single quotes; a quote is doubled,
 * which a shell reads as two adjacent quoted words). Control characters are
 * shown as `\u{…}`, as the engine's quoteForSnippet shows them.
 */
export function yamlQuote(value: string): string {
  const visible = value.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  return `'${visible.replace(/'/g, "''")}'`;
}

/** A rule in flow style with every entry quoted by yamlQuote. */
export function quotedRule(rule: PolicyRule): string {
  const parts: string[] = [];
  for (const k of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs', 'verbs'] as const) {
    const v = rule[k];
    if (v?.length) parts.push(`${k}: [${v.map(yamlQuote).join(', ')}]`);
  }
  return `{${parts.join(', ')}}`;
}

function dnsName(s: string): string {
  return s.replace(/[^a-z0-9.:-]/gi, '-').toLowerCase();
}

/** The YAML of a Role and RoleBinding that would replace a risky grant to one subject. */
export function leastPrivilegeReplacement(input: ReplacementInput): string {
  const { binding, subject } = input;
  const role = binding.role;
  const namespace = binding.namespace || (subject.kind === 'ServiceAccount' ? subject.namespace : undefined) || '<namespace it works in>';
  const roleName = dnsName(`${role?.name ?? binding.roleRef.name}-least-privilege`);
  const comments: string[] = [];
  const rules: PolicyRule[] = [];
  const byIndex = new Map(input.risky.map((r) => [r.ruleIndex, r]));
  (role?.rules ?? []).forEach((rule, i) => {
    const risky = byIndex.get(i);
    if (!risky) {
      if (rule.nonResourceURLs?.length) {
        comments.push(`rules[${i}] ${quotedRule(rule)} concerns non-resource URLs, which a Role cannot grant`);
        return;
      }
      rules.push(rule);
      return;
    }
    if (risky.matches.length === 0 || !rule.resources?.length) {
      comments.push(`rules[${i}] ${quotedRule(rule)} removed`);
      return;
    }
    const out = subtract(rule, i, risky.matches);
    rules.push(...out.rules);
    comments.push(...out.comments);
  });
  if (input.hint) comments.push(input.hint);
  const q = yamlQuote;
  const list = (xs: readonly string[]) => `[${xs.map(q).join(', ')}]`;
  const subjectLines = [`  - kind: ${q(subject.kind)}`, `    name: ${q(subject.name)}`];
  if (subject.kind === 'ServiceAccount') subjectLines.push(`    namespace: ${q(subject.namespace || binding.namespace || namespace)}`);
  else subjectLines.push(`    apiGroup: "rbac.authorization.k8s.io"`);
  const ruleLines = rules.flatMap((r) => {
    const fields: [string, readonly string[] | undefined][] = [
      ['apiGroups', r.apiGroups],
      ['resources', r.resources],
      ['resourceNames', r.resourceNames],
      ['nonResourceURLs', r.nonResourceURLs],
      ['verbs', r.verbs],
    ];
    return fields.filter(([, v]) => v && (v.length > 0 || v === r.verbs)).map(([k, v], i) => `${i === 0 ? '  - ' : '    '}${k}: ${list(v!)}`);
  });
  const header = [
    `Replaces ${binding.kind} ${q(binding.namespace ? `${binding.namespace}/${binding.name}` : binding.name)} for ${subject.kind} ${q(subject.name)}: namespace-scoped, without the risky permission.`,
    ...comments,
  ].map((c) => `# ${c}`);
  return [
    ...header,
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: Role',
    'metadata:',
    `  name: ${q(roleName)}`,
    `  namespace: ${q(namespace)}`,
    rules.length ? 'rules:' : 'rules: []',
    ...ruleLines,
    '---',
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: RoleBinding',
    'metadata:',
    `  name: ${q(dnsName(`${binding.name}-least-privilege`))}`,
    `  namespace: ${q(namespace)}`,
    'roleRef:',
    '  apiGroup: rbac.authorization.k8s.io',
    '  kind: Role',
    `  name: ${q(roleName)}`,
    'subjects:',
    ...subjectLines,
  ].join('\n');
}
