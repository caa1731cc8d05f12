import { readFileSync } from 'node:fs';
import { parseManifests, snapshotFromObjects } from '../../src/collect/manifests.ts';
import type { K8sObject } from '../../src/model/k8s.ts';
import { deepFreeze, type Snapshot, type ServerVersion } from '../../src/model/snapshot.ts';

/** A frozen snapshot from YAML text, as if listed from a cluster holding exactly these objects. */
export function snapshotFromYaml(yaml: string, opts: { serverVersion?: ServerVersion } = {}): Snapshot {
  const objects = parseManifests(yaml, 'fixture');
  return freeze(snapshotFromObjects(objects, { asCluster: true, ...opts }));
}

export function snapshotFromFile(path: string, opts: { serverVersion?: ServerVersion } = {}): Snapshot {
  return snapshotFromYaml(readFileSync(path, 'utf8'), opts);
}

export function freeze(s: Snapshot): Snapshot {
  for (const kind of Object.keys(s.collection) as (keyof typeof s.collection)[]) deepFreeze(s.list(kind) as K8sObject[]);
  return s;
}
