import type { KindCollection, ServerVersion } from '../model/snapshot.ts';
import type { SubjectRef } from '../model/workloads.ts';
import type { Area, References, Severity, Status } from './types.ts';

/** Major: bumped on any incompatible change to ScanResult; minor: optional fields added (1.1: waivers, baseline, files; 1.2: passes). schema/scan-result.schema.json follows it. */
export const SCHEMA_VERSION = '1.3';

export interface Identity {
  username: string;
  uid?: string;
  groups: string[];
}

export interface ScanInfo {
  startedAt: string;
  durationMs: number;
  /**
   * `evaluateMs`: evaluation after collection ended. `earlyEvaluateMs`: evaluation done while the
   * last list was still being read (inside `collectMs`; live scans only).
   */
  timings: { collectMs: number; evaluateMs: number; earlyEvaluateMs?: number };
  source: 'cluster' | 'manifests';
  /** Static scans (`scan -f`): the files and directories read, `-` for standard input. */
  files?: string[];
  /** Static scans: where each object was read, by `sourceKey` (kind/namespace/name); the line its document starts on. */
  sources?: Record<string, { file: string; line: number }>;
  context?: string;
  cluster?: string;
  server?: string;
  serverVersion?: ServerVersion;
  identity?: Identity;
  /** Namespaces the scan was limited to (absent: all). */
  namespaces?: string[];
  excludedNamespaces?: string[];
  collection: KindCollection[];
}

export interface StatusCounts {
  pass: number;
  fail: number;
  waived: number;
  'not-assessed': number;
  'not-applicable': number;
}

export interface ScoreEntry {
  score: number | null;
  grade: string;
  fail: number;
  pass: number;
}

export interface Summary {
  /** 0–100, or null when nothing could be assessed. See src/engine/score.ts. */
  score: number | null;
  grade: string;
  /** Results by status. */
  results: StatusCounts;
  /** Controls by status. */
  controls: StatusCounts;
  /** Failed results by severity. */
  failedBySeverity: Record<Severity, number>;
  byArea: Record<string, ScoreEntry>;
  byNamespace: Record<string, ScoreEntry>;
}

export interface ControlSummary {
  id: string;
  title: string;
  area: Area;
  severity: Severity;
  description: string;
  rationale: string;
  references: References;
  status: Status;
  counts: StatusCounts;
  /** Why the control is not-assessed, when it is. */
  reason?: string;
  /** The permissions that would let it be assessed. */
  permissions?: string[];
}

export interface Result {
  controlId: string;
  status: Status;
  severity: Severity;
  subject: SubjectRef;
  path?: string;
  container?: string;
  messageId?: string;
  message: string;
  data?: Record<string, string | number | boolean>;
  observed?: unknown;
  expected?: unknown;
  remediation?: string;
  /** Stable across scans: control id, subject identity and path. */
  fingerprint: string;
  /** For not-assessed results: the permission that would let the scanner see it. */
  permission?: string;
  /** For waived results: the waiver that covers the finding (see src/engine/waivers.ts). */
  waiver?: AppliedWaiver;
  /** For fail and waived results of a scan compared with a baseline: whether the baseline had this finding (src/engine/diff.ts). */
  change?: 'new' | 'unchanged';
}

/**
 * Passing results of one control in one namespace, counted instead of listed
 * (the default of `scan`; `--include-passes` lists them as results). The
 * namespace is the one summarize() files a result under: a Namespace subject's
 * own name, else the subject's namespace; absent for cluster-scoped subjects.
 */
export interface PassTally {
  controlId: string;
  namespace?: string;
  /** How many pass results there would have been; at least 1. */
  count: number;
}

/** The waiver on a waived result. */
export interface AppliedWaiver {
  /** Which waiver: the entry's own `id`, else `<file>#<n>` or `defaults#<n>`. */
  id?: string;
  owner: string;
  reason: string;
  /** Last day of validity (YYYY-MM-DD, UTC); absent for k8s-audit's default waivers. */
  expires?: string;
}

/** A waiver the scan was given, how it fared and what it covered. */
export interface WaiverReport extends AppliedWaiver {
  id: string;
  controls: string[];
  subject: { kind?: string; namespace?: string; name?: string };
  source: 'file' | 'defaults';
  /** `expired`: past its date, so it waived nothing (and is reported under the `waiver-expired` control). */
  status: 'active' | 'expired';
  /** Failing results it waived (active) or would have waived (expired). */
  matched: number;
}

/** A finding of the baseline that is no longer reported. */
export interface BaselineFinding {
  controlId: string;
  severity: Severity;
  subject: SubjectRef;
  path?: string;
  container?: string;
  message: string;
  fingerprint: string;
}

/** How this scan compares with an earlier one (`--baseline`, `--history`). */
export interface BaselineComparison {
  /** Where the baseline came from (a file path) and when it was taken. */
  file?: string;
  startedAt: string;
  new: number;
  unchanged: number;
  /** Findings of the baseline whose control ran again and no longer reports them. */
  fixed: BaselineFinding[];
  /** Findings of the baseline that are gone, but whose control (or subject) was not assessed this time: not counted as fixed. */
  notReassessed: BaselineFinding[];
}

export interface ScanResult {
  schemaVersion: string;
  tool: { name: string; version: string };
  scan: ScanInfo;
  summary: Summary;
  controls: ControlSummary[];
  results: Result[];
  /** Passing results counted per control and namespace instead of listed; absent when the scan listed them (`--include-passes`). */
  passes?: PassTally[];
  /** Analyses shown beside the findings (see src/engine/insights.ts); keys are per area. */
  insights?: Record<string, unknown>;
  /** Insight providers that could not run, with the reason. */
  insightsSkipped?: { key: string; reason: string }[];
  /** The waivers applied (defaults and `--waivers`), with their state and what they matched. */
  waivers?: WaiverReport[];
  /** The comparison with a baseline scan, when one was given. */
  baseline?: BaselineComparison;
}

/** The key of a subject in `scan.sources`: kind/namespace/name, the namespace empty for a cluster-scoped object. */
export function sourceKey(subject: { kind: string; namespace?: string; name: string }): string {
  return `${subject.kind}/${subject.namespace ?? ''}/${subject.name}`;
}
