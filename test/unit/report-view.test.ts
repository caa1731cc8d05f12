import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/engine/result.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { buildView, compareSection, namespaceOf } from '../../src/report/view.ts';
import { hostileResult } from '../fixtures/report/results.ts';
import { runCli } from '../helpers/io.ts';
import { tempDir } from '../helpers/tmp.ts';

const repo = new URL('../../', import.meta.url).pathname;

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

describe('top risks', () => {
  it('rank a control by its worst failed check, which may be raised above the control (and say so)', () => {
    const r = hostileResult();
    const failing = r.controls.filter((c) => c.status === 'fail');
    const low = failing.find((c) => c.severity !== 'critical')!;
    expect(low).toBeDefined();
    const before = buildView(hostileResult()).topRisks;
    const fails = r.results.filter((x) => x.controlId === low.id && x.status === 'fail');
    fails[0]!.severity = 'critical';
    const v = buildView(r);
    const risk = v.topRisks.find((c) => c.id === low.id);
    expect(risk?.worstSeverity).toBe('critical');
    expect(risk?.raisedNote).toBe(`1 of ${fails.length} failed ${fails.length === 1 ? 'check' : 'checks'}`);
    // Ranked among the critical ones: nothing that is not critical precedes it.
    const at = v.topRisks.indexOf(risk!);
    expect(v.topRisks.slice(0, at).every((c) => c.worstSeverity === 'critical')).toBe(true);
    // A control none of whose checks was raised is shown at its own severity, with no note.
    for (const c of before) expect([c.worstSeverity, c.raisedNote]).toEqual([c.severity, '']);
    // Among controls of the same worst severity, the one with more checks at it comes first.
    const r2 = hostileResult();
    // (The critical control keeps two critical checks, its others lowered to high; the other has all four raised.)
    const crit = r2.results.filter((x) => x.status === 'fail' && x.controlId !== low.id && x.severity === 'critical');
    for (const x of crit.slice(2)) x.severity = 'high';
    const lows = r2.results.filter((x) => x.controlId === low.id && x.status === 'fail');
    for (const x of lows) x.severity = 'critical';
    expect(lows.length).toBeGreaterThan(2);
    const order = buildView(r2).topRisks;
    expect(order.map((c) => [c.id, c.worstSeverity, c.worstCount])).toEqual([
      [low.id, 'critical', lows.length],
      [crit[0]!.controlId, 'critical', 2],
    ]);
    // The HTML and Markdown reports show the raised severity and the control's own.
    const note = `(1 of ${fails.length} failed ${fails.length === 1 ? 'check' : 'checks'} critical; the control is ${low.severity})`;
    const md = renderMarkdown(r);
    expect(md.slice(md.indexOf('### Top risks'), md.indexOf('## How the score'))).toContain(`1. **critical** `);
    expect(md).toContain(note);
    expect(renderHtml(r)).toContain(`<span class="muted">${note}</span>`);
  });
});

describe('report view-model from a scan', () => {
  const tmp = tempDir('k8s-audit-view-');

  it('lists waived findings of a control that is not-assessed for another subject', async () => {
    // Static mode: the anonymous binding is waived; the RoleBinding to `edit`, a role not among the files, cannot be
    // assessed, so the control's status is not-assessed. The waived finding must still be listed (waivers are never hidden).
    const manifests = join(tmp, 'waived.yaml');
    writeFileSync(
      manifests,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: anon-status }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: status-reader }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:unauthenticated" }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: status-reader }
rules: [{ apiGroups: [""], resources: [pods], verbs: [get] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: dev-edit, namespace: dev }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: devs }]
`,
    );
    const waivers = join(tmp, 'waivers.yaml');
    writeFileSync(
      waivers,
      'waivers:\n  - control: rbac-anonymous-access\n    subject: { kind: ClusterRoleBinding, name: anon-status }\n    owner: sec@example.com\n    reason: public health endpoint\n    expires: 2099-12-31\n',
    );
    const r = await runCli(['scan', '-f', manifests, '--waivers', waivers, '--controls', 'rbac-anonymous-access', '--format', 'json']);
    const result = JSON.parse(r.stdout) as ScanResult;
    expect(result.controls[0]!.status).toBe('not-assessed');
    expect(result.controls[0]!.counts.waived).toBe(1);
    const v = buildView(result);
    expect(v.failing.map((c) => c.id)).toEqual(['rbac-anonymous-access']);
    expect(v.waived.map((f) => f.name)).toEqual(['anon-status']);
    const md = await runCli(['scan', '-f', manifests, '--waivers', waivers, '--controls', 'rbac-anonymous-access', '--format', 'md']);
    expect(md.stdout).not.toContain('No finding of this scan is waived');
    expect(md.stdout).toMatch(/^\| ClusterRoleBinding anon\\-status \\\(.*waived\\\.yaml\\:1\\\) \|.*\| waived \(by sec@\u2060example\\\.com\) \|$/m);
  });

  it('counts failing subjects, not failed checks, and no namespace for cluster-scoped subjects', async () => {
    const r = await runCli(['scan', '-f', join(repo, 'test/scenarios/demo'), '--format', 'json', '--fail-on', 'none']);
    const result = JSON.parse(r.stdout) as ScanResult;
    const v = buildView(result);
    for (const c of v.failing) {
      const fails = result.results.filter((x) => x.controlId === c.id && x.status === 'fail');
      const subjects = new Set(fails.map((x) => `${x.subject.kind}/${x.subject.namespace ?? ''}/${x.subject.name}`));
      const namespaces = new Set(fails.map((x) => namespaceOf(x)).filter((ns) => ns !== ""));
      expect(c.namespaces).toEqual([...namespaces].sort());
      expect(c.scope).toMatch(new RegExp(`^${subjects.size} failing `));
      if (namespaces.size === 0 && subjects.size > 0) expect(c.scope).toContain('cluster-scoped');
    }
    // The demo has a control failing on two containers of one subject, and one on cluster-scoped bindings only.
    expect(v.failing.some((c) => c.counts.fail > Number(c.scope.split(' ')[0]))).toBe(true);
    expect(v.failing.some((c) => /^\d+ failing cluster-scoped subjects?$/.test(c.scope))).toBe(true);
  });
});
