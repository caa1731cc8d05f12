/**
 * The Kubernetes release calendar k8s-audit ships with
 * (checks/control-plane/data/k8s-releases.json: source and date inside), and
 * version arithmetic over it.
 */
import data from '../data/k8s-releases.json' with { type: 'json' };
import { parseVersion } from '../../../src/model/flags.ts';
import type { Snapshot } from '../../../src/model/snapshot.ts';

export interface Release {
  minor: string;
  released: string;
  endOfLife: string;
  latestPatch: string;
  latestPatchDate?: string;
  final: boolean;
}

export const RELEASES: readonly Release[] = data.releases;
export const RELEASES_AS_OF: string = data.asOf;
export const RELEASES_SOURCE: string = data.source;
export const SKEW_POLICY = data.skewPolicy;

export type Version = { major: number; minor: number; patch: number };

export function minorKey(v: { major: number; minor: number }): string {
  return `${v.major}.${v.minor}`;
}

export function releaseOf(v: { major: number; minor: number }): Release | undefined {
  return RELEASES.find((r) => r.minor === minorKey(v));
}

/** The newest and oldest minors in the data. */
export function knownRange(): { newest: Version; oldest: Version } {
  const versions = RELEASES.map((r) => parseVersion(r.minor)!).sort((a, b) => a.major - b.major || a.minor - b.minor);
  return { oldest: versions[0]!, newest: versions.at(-1)! };
}

export function compareMinor(a: { major: number; minor: number }, b: { major: number; minor: number }): number {
  return a.major - b.major || a.minor - b.minor;
}

/** "Now" for date comparisons: when the snapshot was collected, else the current time. */
export function nowOf(snapshot: Snapshot): Date {
  const at = snapshot.extras?.collectedAt;
  const d = at ? new Date(at) : new Date();
  return Number.isNaN(d.getTime()) ? new Date() : d;
}

/** The server's version, parsed, or undefined when /version was not readable. */
export function serverVersionOf(snapshot: Snapshot): Version | undefined {
  return parseVersion(snapshot.serverVersion?.gitVersion);
}

/** Whole days from a to b. */
export function daysBetween(a: Date, b: Date): number {
  return Math.floor((b.getTime() - a.getTime()) / 86_400_000);
}

/**
 * How long the newest patch of a minor release still receiving patches stays the newest: Kubernetes publishes patch
 * releases about monthly (https://kubernetes.io/releases/patch-releases/: "typical patch release cadence is monthly";
 * kubernetes/sig-release releases/patch-releases.md: "3 to 4 weeks"). Past this, the calendar cannot vouch for a version.
 */
export const PATCH_CADENCE_DAYS = 31;

/** What reading the server's version needs, for a result that could not be decided without it. */
export const VERSION_PERMISSION = 'get /version (a non-resource URL; Kubernetes grants it to every client through the system:public-info-viewer ClusterRole)';
