import { readFileSync } from 'node:fs';
import { manifestFiles, parseManifests, snapshotFromObjects } from '../../src/collect/manifests.ts';
import type { ScanResult } from '../../src/engine/result.ts';
import { allControls } from '../../src/engine/registry.ts';
import { evaluateSnapshot } from '../../src/scan.ts';

/** A ScanResult from a folder of manifests, evaluated as if a cluster held exactly those objects. Timestamps fixed. */
export function scanManifests(dir: string): ScanResult {
  const objects = manifestFiles(dir).flatMap((f) => parseManifests(readFileSync(f, 'utf8'), f));
  const snapshot = snapshotFromObjects(objects, { asCluster: true, serverVersion: { gitVersion: 'v1.37.2', major: '1', minor: '37' } });
  const result = evaluateSnapshot(snapshot, { controls: allControls() }, new Date('2026-01-01T00:00:00Z'));
  result.scan.durationMs = 0;
  result.scan.timings = { collectMs: 0, evaluateMs: 0 };
  result.scan.context = 'fixture';
  return result;
}
