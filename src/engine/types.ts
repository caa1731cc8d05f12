import type { KindKey } from '../collect/kinds.ts';
import type { Snapshot } from '../model/snapshot.ts';
import type { SubjectRef } from '../model/workloads.ts';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STATUSES = ['fail', 'waived', 'not-assessed', 'pass', 'not-applicable'] as const;
export type Status = (typeof STATUSES)[number];

export const AREAS = ['workloads', 'namespaces', 'network', 'rbac', 'control-plane', 'nodes', 'versions', 'general'] as const;
export type Area = (typeof AREAS)[number];

export interface References {
  /** CIS Kubernetes Benchmark v1.12 section ids, e.g. `5.2.2`. */
  cis?: string[];
  /** Pod Security Standards check ids, as the PodSecurity admission plugin names them, e.g. `privileged`. */
  pss?: string[];
  /** Further reading: documentation URLs. */
  links?: string[];
}

export interface ControlMeta {
  /** Stable kebab-case id, e.g. `pod-privileged`. */
  id: string;
  title: string;
  area: Area;
  severity: Severity;
  /** What is checked, one or two sentences. */
  description: string;
  /** Why it matters. */
  rationale: string;
  /**
   * How to fix, with `{{placeholders}}` filled from the finding (`name`, `namespace`,
   * `kind`, `container`, `path` and the finding's data).
   */
  remediation: string;
  /**
   * Further remediation templates, by id, for findings that need a different
   * fix than `remediation` describes (a pod-level rather than a container-level
   * setting, a Pod that must be recreated rather than patched). A finding picks
   * one with `remediationId`; the placeholders are filled the same way.
   */
  remediations?: Record<string, string>;
  references: References;
  /** Finding messages by id, with `{{placeholders}}` filled from the finding's data. */
  messages: Record<string, string>;
  /**
   * Set for controls that cannot be decided through the API: every scan reports
   * them `not-assessed` with this reason, so the framework view stays complete.
   */
  manual?: string;
  /**
   * How the control behaves in static mode (`scan -f`: a Snapshot built from manifest files).
   * Absent: it runs on the files as on a cluster holding exactly those objects.
   * - `needsCluster`: it judges what only a running cluster shows (a live read, a cluster-wide fact,
   *   or the absence of something, which a partial set of files cannot prove); static scans report
   *   it `not-applicable` with this reason.
   * - `ifAbsent`: it runs on the files; where it could not assess the scan as a whole because its
   *   data is not among them (e.g. no kube-apiserver static pod manifest), it is `not-applicable`
   *   with this reason instead of `not-assessed`.
   */
  static?: StaticSupport;
}

export type StaticSupport = { needsCluster: string } | { ifAbsent: string };

export interface FindingInput {
  messageId: string;
  /** Which of `meta.remediations` applies; absent: `meta.remediation`. */
  remediationId?: string;
  data?: Record<string, string | number | boolean>;
  /** JSON path inside the subject, e.g. `spec.template.spec.containers[0].securityContext.privileged`. */
  path?: string;
  container?: string;
  observed?: unknown;
  expected?: unknown;
  /** This finding's severity when it differs from the control's (e.g. raised by an attack path). */
  severity?: Severity;
  /**
   * Remediation-only values the control assembled itself — multi-line YAML, say — with every
   * cluster value inside already made inert (quoteForSnippet, or YAML single-quoted scalars).
   * They fill their `{{placeholders}}` in the remediation verbatim; `data` values are quoted.
   */
  snippets?: Record<string, string>;
}

/** What a control's evaluate function reports through. */
export interface Reporter {
  pass(subject: SubjectRef, detail?: { path?: string; container?: string }): void;
  fail(subject: SubjectRef, finding: FindingInput): void;
  notApplicable(subject: SubjectRef, reason: string): void;
  notAssessed(subject: SubjectRef, reason: string, permission?: string): void;
}

export interface ControlOptions {
  /** Registries images may come from (the image-registry control), from `--allowed-registries`. */
  allowedRegistries?: string[];
}

export interface Control {
  meta: ControlMeta;
  /** Kinds the control reads; the collector lists exactly the union of these. */
  reads: readonly KindKey[];
  evaluate(snapshot: Snapshot, report: Reporter, options: ControlOptions): void;
  /**
   * Why the control has nothing to judge with these options (a control that needs an option not given), or
   * undefined. Asked before anything is read: such a control is not-applicable whatever the permissions, rather
   * than not-assessed for want of data it would not use.
   */
  inapplicable?(options: ControlOptions): string | undefined;
}

/** Identity function that gives a control its types (see checks/). */
export function defineControl(control: Control): Control {
  return control;
}
