import { describe, expect, it } from 'vitest';
import { selectControls } from '../../src/engine/registry.ts';
import { evaluate } from '../../src/engine/run.ts';
import { serverAtLeast } from '../../src/model/snapshot.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';

describe('serverAtLeast', () => {
  const v = (major: string, minor: string) => ({ gitVersion: `v${major}.${minor}`, major, minor });
  it('compares the minor version of 1.x, managed clusters\' "30+" included', () => {
    expect(serverAtLeast(v('1', '36'), 36)).toBe(true);
    expect(serverAtLeast(v('1', '35'), 36)).toBe(false);
    expect(serverAtLeast(v('1', '36+'), 36)).toBe(true);
    expect(serverAtLeast(v('1', '35+'), 36)).toBe(false);
    expect(serverAtLeast(v('2', '0'), 36)).toBe(true);
  });
  it('is false when the version is unknown or unreadable', () => {
    expect(serverAtLeast(undefined, 1)).toBe(false);
    expect(serverAtLeast(v('', ''), 1)).toBe(false);
  });
});

describe('a live scan refused /version', () => {
  it('leaves the version controls not assessed, naming what to grant', () => {
    const yaml =
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/enforce-version: v1.30}}\n---\n' +
      'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {nodeInfo: {kubeletVersion: v1.30.2}}\n';
    const snapshot = snapshotFromYaml(yaml); // as listed from a cluster, without a server version
    expect(snapshot.serverVersion).toBeUndefined();
    const ids = ['namespace-psa-version-stale', 'node-kubelet-version-skew', 'version-patch-lag', 'version-supported'];
    const results = evaluate(snapshot, selectControls(ids), {}, { passes: 'list' }).results;
    expect(results.map((r) => [r.controlId, r.status]).sort()).toEqual(ids.map((id) => [id, 'not-assessed']));
    for (const r of results) expect(r.permission, r.controlId).toMatch(/^get \/version \(a non-resource URL; /);
  });
});
