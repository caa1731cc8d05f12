import { describe, expect, it } from 'vitest';
import { DEFAULT_WAIVERS, defaultWaiverFor } from '../../src/engine/default-waivers.ts';
import { allControls } from '../../src/engine/registry.ts';

describe('default waiver set', () => {
  const ids = new Set(allControls().map((c) => c.meta.id));

  it('names only registered controls, with an owner and a reason', () => {
    for (const w of DEFAULT_WAIVERS) {
      expect(w.controls.length).toBeGreaterThan(0);
      for (const id of w.controls) expect(ids.has(id), `${id} is a registered control`).toBe(true);
      expect(w.owner).toBe('k8s-audit defaults');
      expect(w.reason.length).toBeGreaterThan(40);
      expect(Object.keys(w.subject).length, 'a waiver names at least one subject field').toBeGreaterThan(0);
    }
  });

  it('matches subjects exactly, field by field', () => {
    expect(defaultWaiverFor('namespace-psa-enforce', { kind: 'Namespace', name: 'kube-system' })).toBeDefined();
    expect(defaultWaiverFor('namespace-psa-enforce', { kind: 'Namespace', name: 'kube-system-extra' })).toBeUndefined();
    expect(defaultWaiverFor('namespace-psa-enforce', { kind: 'Namespace', name: 'kube-public' })).toBeUndefined();
    expect(defaultWaiverFor('pod-hostpath-sensitive', { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy' })).toBeDefined();
    expect(defaultWaiverFor('pod-hostpath-sensitive', { kind: 'DaemonSet', namespace: 'kube-systems', name: 'kube-proxy' })).toBeUndefined();
    expect(defaultWaiverFor('pod-readonly-rootfs', { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy' })).toBeUndefined();
  });
});
