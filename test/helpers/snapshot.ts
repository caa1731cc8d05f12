import { readFileSync } from 'node:fs';
import { manifestFiles, parseManifests, snapshotFromObjects } from '../../src/collect/manifests.ts';
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

/** A scenario of test/scenarios/ (every manifest in its directory) as if listed from a cluster at `serverVersion` (default v1.37.2). Not frozen. */
export function scenarioSnapshot(scenario: string, serverVersion: ServerVersion = { gitVersion: 'v1.37.2', major: '1', minor: '37' }): Snapshot {
  const dir = new URL(`../scenarios/${scenario}`, import.meta.url).pathname;
  const objects = manifestFiles(dir).flatMap((f) => parseManifests(readFileSync(f, 'utf8'), f));
  return snapshotFromObjects(objects, { asCluster: true, serverVersion });
}
