/**
 * Conformance with the PodSecurity admission's own fixtures: every pass and fail
 * pod of k8s.io/pod-security-admission/test/testdata, at every level and version
 * it is filed under (regenerate with `node test/helpers/pss-upstream-fixtures.ts`).
 *
 * A pass fixture must be allowed. A fail fixture filed under check X must be
 * denied, and X must be among the failing checks whenever X is evaluated at that
 * level and version (upstream also files baseline checks' fixtures under
 * `restricted`, where a restricted check may override them: then the overriding
 * check must fail instead).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ObjectMeta, PodSpec } from '../../src/model/k8s.ts';
import { PSS_BASELINE_CHECK_IDS, PSS_RESTRICTED_CHECK_IDS, evaluatePssLevel, pssChecksAt, type PssCheckId, type PssLevel } from '../../src/model/pss.ts';
import { deepFreeze } from '../../src/model/snapshot.ts';

interface Fixtures {
  source: string;
  pods: { cases: string[]; pod: { metadata: ObjectMeta; spec: PodSpec } }[];
}

const fixtures = JSON.parse(readFileSync(new URL('./pss-upstream-fixtures.json', import.meta.url), 'utf8')) as Fixtures;
const idByStem = new Map<string, PssCheckId>([...PSS_BASELINE_CHECK_IDS, ...PSS_RESTRICTED_CHECK_IDS].map((id) => [id.toLowerCase(), id]));

/** Overriding restricted check for a baseline check. */
const OVERRIDDEN_BY: Partial<Record<PssCheckId, PssCheckId>> = {
  capabilities_baseline: 'capabilities_restricted',
  hostPathVolumes: 'restrictedVolumes',
  procMount: 'procMount_restricted',
  seccompProfile_baseline: 'seccompProfile_restricted',
};

describe(`PSS engine against ${fixtures.source}`, () => {
  it('covers every check, both levels and every version from v1.0 to v1.37', () => {
    const checks = new Set<string>();
    const versions = new Set<string>();
    for (const p of fixtures.pods)
      for (const c of p.cases) {
        const m = /^([br])(\d+)([pf]):([a-z_]+?)\d*$/.exec(c)!;
        versions.add(`${m[1]}${m[2]}`);
        if (m[4] !== 'base' && m[4] !== 'base_linux' && m[4] !== 'base_windows') checks.add(m[4]!);
      }
    expect([...checks].sort()).toEqual([...idByStem.keys()].sort());
    for (let minor = 0; minor <= 37; minor++) {
      expect(versions.has(`b${minor}`)).toBe(true);
      expect(versions.has(`r${minor}`)).toBe(true);
    }
  });

  const failures: string[] = [];
  let count = 0;
  for (const [i, { pod, cases }] of fixtures.pods.entries()) {
    deepFreeze(pod);
    for (const c of cases) {
      const m = /^([br])(\d+)([pf]):(.+)$/.exec(c)!;
      const level: PssLevel = m[1] === 'b' ? 'baseline' : 'restricted';
      const version = `v1.${m[2]}`;
      const stem = m[4]!;
      const ev = evaluatePssLevel(pod.metadata, pod.spec, 'spec', level, version);
      count++;
      const failing = ev.checks.filter((x) => x.status === 'fail').map((x) => x.check);
      const where = `${level}/${version}/${m[3] === 'p' ? 'pass' : 'fail'}/${stem} (pod #${i})`;
      if (m[3] === 'p') {
        if (!ev.allowed) failures.push(`${where}: denied: ${ev.admissionDetail}`);
        continue;
      }
      if (ev.allowed) {
        failures.push(`${where}: allowed`);
        continue;
      }
      const check = idByStem.get(stem.replace(/\d+$/, ''))!;
      const evaluated = pssChecksAt(level, version);
      const expected = evaluated.includes(check) ? check : OVERRIDDEN_BY[check];
      if (expected && evaluated.includes(expected) && !failing.includes(expected)) failures.push(`${where}: ${expected} did not fail (failing: ${failing.join(', ')})`);
    }
  }

  it('agrees with every upstream case', () => {
    expect(count).toBeGreaterThan(4000);
    expect(failures).toEqual([]);
  });
});
