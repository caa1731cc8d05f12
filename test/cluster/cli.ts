// npm run cluster -- up | down | status | env | token <namespace>/<serviceaccount> | build
//
// Manages the k8s-audit test control plane (see harness.ts). The state
// directory is <repo>/.cluster unless K8S_AUDIT_CLUSTER_DIR is set.

import { relative } from 'node:path';
import { HarnessError, REPO_ROOT, build, defaultStateDir, down, downSync, kubeconfigPath, readState, serviceAccountToken, status, up } from './harness.ts';

const USAGE = `usage: npm run cluster -- <command>

  build [--force]           build kube-apiserver, kube-controller-manager and etcd (cached)
  up                        start the test control plane (builds first if needed)
  down                      stop it and remove its state directory
  status [--json]           show whether it runs, its ports, version and pids (exit 0 only if running)
  env                       print shell exports for its kubeconfig: eval "$(npm run -s cluster -- env)"
  token <ns>/<sa>           print a token for a ServiceAccount (TokenRequest)

state directory: ${defaultStateDir()} (set K8S_AUDIT_CLUSTER_DIR to change)`;

const out = (line: string) => process.stdout.write(line + '\n');
const progress = (line: string) => process.stdout.write(`cluster: ${line}\n`);
const rel = (p: string) => (p.startsWith(REPO_ROOT + '/') ? relative(REPO_ROOT, p) : p);

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const stateDir = defaultStateDir();
  switch (cmd) {
    case 'build': {
      const force = rest.includes('--force');
      const r = await build({ force, log: progress });
      if (!r.built) progress(`binaries for Kubernetes ${r.version} are up to date in ${rel(r.binDir)}/ (checked in ${r.seconds.toFixed(1)} s)`);
      return 0;
    }
    case 'up': {
      // Ctrl-C while starting: stop what this `up` started rather than leave a half-started
      // cluster (but never a cluster that was already running, e.g. during a rebuild).
      const before = readState(stateDir)?.startedAt;
      const interrupted = (sig: NodeJS.Signals) => {
        const now = readState(stateDir);
        if (now && now.startedAt !== before) {
          process.stderr.write(`cluster: interrupted (${sig}); stopping what was started\n`);
          downSync(stateDir);
        }
        process.exit(130);
      };
      process.once('SIGINT', interrupted);
      process.once('SIGTERM', interrupted);
      const info = await up({ stateDir, log: progress });
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
      if (!info.reused) progress(`up in ${info.seconds.toFixed(1)} s`);
      out(`kubeconfig: ${info.kubeconfigPath}   (contexts: admin [current], auditor)`);
      out(`server:     ${info.server}`);
      out(`use it:     eval "$(npm run -s cluster -- env)"`);
      return 0;
    }
    case 'down': {
      const t0 = Date.now();
      const r = await down(stateDir);
      if (!r.found) progress(`no cluster in ${rel(stateDir)}`);
      else progress(`stopped ${r.stopped.length ? r.stopped.join(', ') : 'nothing (no process was running)'}; removed ${rel(stateDir)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return 0;
    }
    case 'status': {
      const s = await status(stateDir);
      if (rest.includes('--json')) {
        out(JSON.stringify(s, null, 2));
        return s.running ? 0 : 1;
      }
      if (!s.present) {
        out(`not running (no cluster in ${rel(stateDir)})`);
        return 1;
      }
      out(`${s.running ? 'running' : s.ready ? 'starting' : 'NOT RUNNING (stale: run `npm run cluster -- down` or `up`)'}`);
      out(`version:    ${s.version}`);
      out(`server:     ${s.server}`);
      out(`kubeconfig: ${s.kubeconfigPath}`);
      out(`ports:      ${Object.entries(s.ports ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      out(`started:    ${s.startedAt}`);
      for (const p of s.processes) out(`  ${p.name.padEnd(24)} pid ${String(p.pid).padEnd(8)} ${p.alive ? 'alive' : 'DEAD'}`);
      return s.running ? 0 : 1;
    }
    case 'env': {
      const kc = kubeconfigPath(stateDir);
      out(`export KUBECONFIG=${kc}`);
      out(`export K8S_AUDIT_TEST_KUBECONFIG=${kc}`);
      return 0;
    }
    case 'token': {
      const m = /^([a-z0-9-]+)\/([a-z0-9.-]+)$/.exec(rest[0] ?? '');
      if (!m) throw new HarnessError('usage: npm run cluster -- token <namespace>/<serviceaccount>');
      out(await serviceAccountToken(kubeconfigPath(stateDir), m[1]!, m[2]!));
      return 0;
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      out(USAGE);
      return cmd === undefined ? 2 : 0;
    default:
      process.stderr.write(`cluster: unknown command "${cmd}"\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // One clear line per error, no stack; HarnessError may add detail (a log or compiler tail).
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`cluster: error: ${msg}\n`);
    if (err instanceof HarnessError && err.detail) {
      process.stderr.write(err.detail.split('\n').map((l) => `  | ${l}`).join('\n') + '\n');
    }
    process.exitCode = 1;
  },
);
