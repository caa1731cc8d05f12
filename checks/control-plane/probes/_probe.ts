import type { AnonymousProbe, ProbeResult } from '../../../src/collect/extras.ts';
import { CLUSTER_SUBJECT } from '../../../src/engine/run.ts';
import type { Reporter } from '../../../src/engine/types.ts';
import type { Snapshot } from '../../../src/model/snapshot.ts';

/** The anonymous probe, or undefined after reporting why it is missing. */
export function probeOf(snapshot: Snapshot, report: Reporter): AnonymousProbe | undefined {
  const p = snapshot.extras?.anonymousProbe;
  if (!p) {
    report.notAssessed(CLUSTER_SUBJECT, snapshot.source === 'manifests' ? 'Scanning manifests: there is no API server to probe.' : 'The unauthenticated probe of the API server was not run (it is skipped with --no-anonymous-probe).');
    return undefined;
  }
  if (p.state !== 'ok') {
    report.notAssessed(CLUSTER_SUBJECT, `The unauthenticated probe did not get an answer: ${p.reason ?? p.state}.`);
    return undefined;
  }
  return p;
}

export function resultFor(p: AnonymousProbe, path: string): ProbeResult | undefined {
  return p.results.find((r) => r.path === path);
}

/** What an HTTP status says about an anonymous caller. */
export function describeStatus(status: number | undefined): string {
  if (status === undefined) return 'no answer';
  if (status === 401) return '401: anonymous requests are rejected';
  if (status === 403) return '403: accepted as system:anonymous, then denied';
  if (status >= 200 && status < 300) return `${status}: answered`;
  return String(status);
}
