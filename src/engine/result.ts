import type { KindCollection, ServerVersion } from '../model/snapshot.ts';
import type { SubjectRef } from '../model/workloads.ts';
import type { Area, References, Severity, Status } from './types.ts';

/** Bumped on any incompatible change to ScanResult; schema/scan-result.schema.json follows it. */
export const SCHEMA_VERSION = '1.0';

export interface Identity {
  username: string;
  uid?: string;
  groups: string[];
}

export interface ScanInfo {
  startedAt: string;
  durationMs: number;
  timings: { collectMs: number; evaluateMs: number };
  source: 'cluster' | 'manifests';
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
}

export interface ScanResult {
  schemaVersion: string;
  tool: { name: string; version: string };
  scan: ScanInfo;
  summary: Summary;
  controls: ControlSummary[];
  results: Result[];
  /** Analyses shown beside the findings (see src/engine/insights.ts); keys are per area. */
  insights?: Record<string, unknown>;
  /** Insight providers that could not run, with the reason. */
  insightsSkipped?: { key: string; reason: string }[];
}
