/**
 * One runner for every control's fixture table:
 *
 *   test/checks/<control-id>/pass.<case>.yaml   → no `fail`, at least one `pass`
 *   test/checks/<control-id>/fail.<case>.yaml   → at least one `fail`
 *   test/checks/<control-id>/na.<case>.yaml     → neither `pass` nor `fail`
 *   test/checks/<control-id>/<file>.expected.json (optional, beside a fail case)
 *       → the exact findings: [{ kind, namespace?, name, path?, container?, messageId }]
 *
 * A fixture file is a YAML stream of objects: the whole cluster the control sees.
 * A comment line `# serverVersion: 1.30` sets the server's version; `# options: {"allowedRegistries": [...]}`
 * (JSON) sets the ControlOptions the control runs with. `# gitVersion: v1.30.4-eks-1a2b3c4` sets the
 * server's full version (for suffixes such as managed providers'); it wins over `# serverVersion`.
 *   test/checks/<control-id>/<file>.extras.json (optional, beside any case)
 *       → the Snapshot's extras (src/collect/extras.ts): kubelet configz, anonymous probe, kubeconfig facts
 * Snapshots are deep-frozen, so a control that mutates its input fails.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allControls } from '../../src/engine/registry.ts';
import { evaluate } from '../../src/engine/run.ts';
import { deepFreeze } from '../../src/model/snapshot.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';

const root = new URL('.', import.meta.url).pathname;

interface Expected {
  kind: string;
  namespace?: string;
  name: string;
  path?: string;
  container?: string;
  messageId: string;
}

for (const control of allControls()) {
  const dir = join(root, control.meta.id);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /^(pass|fail|na)\..+\.ya?ml$/.test(f)).sort() : [];
  describe(control.meta.id, () => {
    // A manual control has no fixtures: it is reported not-assessed with its reason, whatever the cluster holds.
    if (control.meta.manual) {
      it('is manual: not-assessed with its reason', () => {
        const { results, controls } = evaluate(snapshotFromYaml(''), [control]);
        expect(controls[0]!.status).toBe('not-assessed');
        expect(results.map((r) => r.status)).toEqual(['not-assessed']);
        expect(results[0]!.message).toContain(control.meta.manual!);
      });
    }
    for (const file of files) {
      it(file, () => {
        const text = readFileSync(join(dir, file), 'utf8');
        const version = /^# serverVersion: (\d+)\.(\d+)/m.exec(text);
        const gitVersion = /^# gitVersion: (v?(\d+)\.(\d+)\S*)/m.exec(text);
        let snapshot = snapshotFromYaml(
          text,
          gitVersion
            ? { serverVersion: { gitVersion: gitVersion[1]!, major: gitVersion[2]!, minor: gitVersion[3]! } }
            : version ? { serverVersion: { gitVersion: `v${version[1]}.${version[2]}.0`, major: version[1]!, minor: version[2]! } } : {},
        );
        const extrasFile = join(dir, file.replace(/\.ya?ml$/, '.extras.json'));
        if (existsSync(extrasFile)) snapshot = snapshot.withExtras(deepFreeze(JSON.parse(readFileSync(extrasFile, 'utf8'))));
        const options = /^# options: (.+)$/m.exec(text);
        const { results, controls } = evaluate(snapshot, [control], options ? JSON.parse(options[1]!) : {});
        const summary = controls[0]!;
        expect(summary.reason, 'the control ran').toBeUndefined();
        const fails = results.filter((r) => r.status === 'fail');
        const passes = results.filter((r) => r.status === 'pass');
        if (file.startsWith('pass.')) {
          expect(fails.map((f) => f.message)).toEqual([]);
          expect(passes.length).toBeGreaterThan(0);
        } else if (file.startsWith('na.')) {
          expect(fails.map((f) => f.message)).toEqual([]);
          expect(passes).toEqual([]);
        } else {
          expect(fails.length).toBeGreaterThan(0);
          for (const f of fails) {
            expect(f.message).not.toMatch(/\{\{|\}\}/);
            expect(f.remediation).toBeTruthy();
            expect(f.path, `${f.message} names a path`).toBeTruthy();
          }
          const expectedFile = join(dir, file.replace(/\.ya?ml$/, '.expected.json'));
          if (existsSync(expectedFile)) {
            const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as Expected[];
            const actual = fails.map((f) => {
              const e: Expected = { kind: f.subject.kind, name: f.subject.name, messageId: f.messageId! };
              if (f.subject.namespace) e.namespace = f.subject.namespace;
              if (f.path) e.path = f.path;
              if (f.container) e.container = f.container;
              return e;
            });
            const key = (e: Expected) => JSON.stringify([e.kind, e.namespace ?? '', e.name, e.path ?? '', e.container ?? '', e.messageId]);
            expect(actual.map(key).sort()).toEqual(expected.map(key).sort());
          }
        }
      });
    }
  });
}
