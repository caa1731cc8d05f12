/**
 * What the Pod Security controls say about the version they judged at when it is not the cluster's: the cluster's
 * version is unknown (a static scan, /version forbidden), or newer than the newest k8s-audit knows.
 */
import { describe, expect, it } from 'vitest';
import runAsNonRoot from '../../checks/workloads/pss-restricted-run-as-non-root.ts';
import { evaluate } from '../../src/engine/run.ts';
import type { ServerVersion } from '../../src/model/snapshot.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';

const at = (minor: number): { serverVersion: ServerVersion } => ({ serverVersion: { gitVersion: `v1.${minor}.0`, major: '1', minor: String(minor) } });

/** A pod in a user namespace: exempt from runAsNonRoot from v1.35, so the result names the version it was judged at. */
const yaml = (labels: string) => `
apiVersion: v1
kind: Namespace
metadata: {name: app, labels: {${labels}}}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: app}
spec:
  hostUsers: false
  containers: [{name: c, image: nginx}]
`;

function message(labels: string, opts: { serverVersion?: ServerVersion }): string {
  const { results } = evaluate(snapshotFromYaml(yaml(labels), opts), [runAsNonRoot]);
  expect(results.map((r) => r.status)).toEqual(['not-applicable']);
  return results[0]!.message;
}

describe('PSS controls: the version judged at', () => {
  it("is the cluster's when it is known and not newer than k8s-audit's", () => {
    expect(message('', at(35))).toContain("evaluated at the cluster's version, v1.35");
  });
  it("is not called the cluster's when the cluster's version is unknown", () => {
    const m = message('', {});
    expect(m).not.toContain("the cluster's version, v1.37");
    expect(m).toContain("v1.37, the newest version k8s-audit knows, as the cluster's version is unknown");
  });
  it("is not called the cluster's when the cluster is newer than k8s-audit", () => {
    const m = message('', at(38));
    expect(m).not.toContain("the cluster's version, v1.37");
    expect(m).toContain("v1.37, the newest version k8s-audit knows, older than the cluster's v1.38");
  });
  it('a pin above the newest version k8s-audit knows is not called the newest the cluster enforces', () => {
    const m = message('"pod-security.kubernetes.io/enforce-version": v1.38', at(38));
    expect(m).not.toContain('the newest the cluster enforces');
    expect(m).toContain("pins v1.38, evaluated at v1.37, the newest version k8s-audit knows, older than the cluster's v1.38");
  });
  it('a pin above the cluster is evaluated at the cluster, as before', () => {
    expect(message('"pod-security.kubernetes.io/enforce-version": v1.37', at(36))).toContain('pins v1.37, evaluated at v1.36, the newest the cluster enforces');
  });
  it('latest, when the version is unknown', () => {
    expect(message('"pod-security.kubernetes.io/enforce-version": latest', {})).toContain("pins latest: v1.37, the newest version k8s-audit knows, as the cluster's version is unknown");
  });
});
