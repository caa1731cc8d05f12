// `npm run demo`: start the local control plane, seed the demo scenario, scan
// it with the built CLI, write the reports, print the summary and where they are.
//
//   npm run demo                 # stops the cluster afterwards
//   npm run demo -- --keep       # leaves it running (npm run cluster -- down stops it)
//   npm run demo -- --out <dir>  # report directory (default: reports/)

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { HarnessError, REPO_ROOT, defaultStateDir, down, readState, isAlive, up } from '../test/cluster/harness.ts';
import { applyManifests } from '../test/cluster/seed.ts';

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const outIndex = args.indexOf('--out');
const outDir = resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1]! : resolve(REPO_ROOT, 'reports'));
const log = (s: string) => process.stderr.write(`[demo] ${s}\n`);

async function run(): Promise<number> {
  const stateDir = defaultStateDir();
  const prior = readState(stateDir);
  const wasRunning = !!prior?.ready && prior.processes.every((p) => isAlive(p.pid));
  const t0 = performance.now();
  const cluster = await up({ stateDir, log });
  let code = 0;
  try {
    log(`control plane ${cluster.version} at ${cluster.server} (${cluster.reused ? 'already running' : `started in ${cluster.seconds.toFixed(1)} s`})`);
    const scenario = resolve(REPO_ROOT, 'test/scenarios/demo');
    const applied = await applyManifests(cluster.kubeconfigPath, scenario, { context: 'admin' });
    log(`seeded ${applied.length} objects from test/scenarios/demo`);
    // Give the controllers a moment to create ReplicaSets, Pods and ServiceAccounts, as in a real cluster.
    await new Promise((r) => setTimeout(r, 3000));

    const cli = spawnSync(
      process.execPath,
      [resolve(REPO_ROOT, 'bin/k8s-audit.js'), 'scan', '--kubeconfig', cluster.kubeconfigPath, '--context', 'admin', '--format', 'html,md,json,summary', '-o', outDir],
      { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' },
    );
    process.stderr.write(cli.stderr);
    code = cli.status ?? 4;
    if (code === 0 || code === 1) {
      log(`reports: ${resolve(outDir, 'report.html')}`);
      log(`         ${resolve(outDir, 'report.md')}`);
      log(`         ${resolve(outDir, 'scan.json')}`);
      log(`         ${resolve(outDir, 'report.summary.md')} (the digest for CI)`);
      log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      code = 0;
    }
  } finally {
    if (keep || wasRunning) {
      log(`the cluster keeps running: export KUBECONFIG=${cluster.kubeconfigPath} ; stop it with: npm run cluster -- down`);
    } else {
      await down(stateDir);
      log('cluster stopped (use `npm run demo -- --keep` to keep it running)');
    }
  }
  return code;
}

run().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof HarnessError) log(err.detail ? `${err.message}\n${err.detail}` : err.message);
    else log(`failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
