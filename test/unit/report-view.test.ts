import { describe, expect, it } from 'vitest';
import { buildView, compareSection, namespaceOf } from '../../src/report/view.ts';
import { hostileResult } from '../fixtures/report/results.ts';

describe('report view-model', () => {
  it('orders CIS ids numerically', () => {
    expect(['5.2.10', '5.2.9', '1.2.1', '5.10.1', '2.3'].sort(compareSection)).toEqual(['1.2.1', '2.3', '5.2.9', '5.2.10', '5.10.1']);
  });

  it('groups controls by CIS section; chapter-level recommendations (etcd 2.x) under their chapter', () => {
    const r = hostileResult();
    r.controls[0]!.references = { cis: ['5.2.10', '2.3'] };
    r.controls[1]!.references = { cis: ['5.2.9', '1.2.1'] };
    r.controls[2]!.references = {};
    r.controls[3]!.references = { pss: ['privileged'] };
    const v = buildView(r);
    expect(v.cis.map((s) => [s.id, s.title])).toEqual([
      ['1.2', 'API Server'],
      ['2', 'etcd'],
      ['5.2', 'Pod Security Standards'],
    ]);
    expect(v.cis[1]!.chapterTitle).toBe('');
    expect(v.cis[2]!.rows.map((row) => row.section)).toEqual(['5.2.9', '5.2.10']);
    // Section counts are per control, by the engine's status.
    expect(v.cis[2]!.counts.fail).toBe(2);
    expect(v.unmappedToCis.map((c) => c.id)).toEqual(r.controls.slice(2).map((c) => c.id));
  });

  it('files a Namespace subject under its own namespace', () => {
    expect(namespaceOf({ subject: { apiVersion: 'v1', kind: 'Namespace', name: 'team-a' } })).toBe('team-a');
    expect(namespaceOf({ subject: { apiVersion: 'v1', kind: 'ClusterRole', name: 'x' } })).toBe('');
  });

  it('puts failing controls worst first, and takes its facets from the findings', () => {
    const v = buildView(hostileResult());
    const rank = ['critical', 'high', 'medium', 'low', 'info'];
    const order = v.failing.map((c) => rank.indexOf(c.severity));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(v.topRisks.every((c) => c.status === 'fail')).toBe(true);
    expect(v.facets.statuses).toEqual(['fail', 'waived']);
    expect(v.facets.namespaces).toContain('');
    expect(v.findingCount).toBe(v.findings.length);
  });
});
