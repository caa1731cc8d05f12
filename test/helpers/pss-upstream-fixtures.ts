// Regenerates test/unit/pss-upstream-fixtures.json from the fixtures of the
// PodSecurity admission's own test suite (k8s.io/pod-security-admission/test/testdata:
// <level>/v1.<minor>/{pass,fail}/<check><n>.yaml, 4,500 files holding ~380 distinct pods).
// The JSON keeps each distinct pod once with the (level, version, expected
// outcome, check) cases it appears in; test/unit/pss-upstream.test.ts replays them
// against src/model/pss.ts without a cluster.
//
//   node test/helpers/pss-upstream-fixtures.ts [<module dir>]
//
// The module dir defaults to $(go env GOMODCACHE)/k8s.io/pod-security-admission@<version
// pinned in test/cluster/go.mod> (present once `npm run cluster -- build` has run).

import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';

const repo = new URL('../../', import.meta.url).pathname;

function moduleDir(): { dir: string; version: string } {
  const gomod = readFileSync(join(repo, 'test/cluster/go.mod'), 'utf8');
  const version = /k8s\.io\/pod-security-admission => k8s\.io\/pod-security-admission (v\S+)/.exec(gomod)?.[1];
  if (!version) throw new Error('test/cluster/go.mod does not pin k8s.io/pod-security-admission');
  if (process.argv[2]) return { dir: process.argv[2], version };
  const cache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  return { dir: join(cache, `k8s.io/pod-security-admission@${version}`), version };
}

const { dir, version } = moduleDir();
const testdata = join(dir, 'test/testdata');
const pods = new Map<string, { pod: unknown; cases: string[] }>();
for (const level of ['baseline', 'restricted']) {
  for (const v of readdirSync(join(testdata, level))) {
    const minor = /^v1\.(\d+)$/.exec(v)?.[1];
    if (minor === undefined) continue;
    for (const outcome of ['pass', 'fail']) {
      let files: string[];
      try {
        files = readdirSync(join(testdata, level, v, outcome));
      } catch {
        continue;
      }
      for (const f of files.filter((f) => f.endsWith('.yaml')).sort()) {
        const text = readFileSync(join(testdata, level, v, outcome, f), 'utf8');
        const pod = YAML.parse(text);
        const key = JSON.stringify(pod);
        let entry = pods.get(key);
        if (!entry) pods.set(key, (entry = { pod, cases: [] }));
        // <level initial><minor><p|f>:<file stem>, e.g. "r25f:runasnonroot1"
        entry.cases.push(`${level[0]}${minor}${outcome[0]}:${f.replace(/\.yaml$/, '')}`);
      }
    }
  }
}
const out = {
  source: `k8s.io/pod-security-admission@${version} test/testdata`,
  pods: [...pods.values()].map((e) => ({ cases: e.cases.sort(), pod: e.pod })),
};
writeFileSync(join(repo, 'test/unit/pss-upstream-fixtures.json'), JSON.stringify(out) + '\n');
process.stdout.write(`${out.pods.length} pods, ${out.pods.reduce((n, p) => n + p.cases.length, 0)} cases from ${out.source}\n`);
