// vitest globalSetup of the `integration` project: one real control plane for
// all integration/e2e test files.
//
// - K8S_AUDIT_TEST_KUBECONFIG set: use that cluster as is (e.g. a developer's
//   `npm run cluster -- up`, via `eval "$(npm run -s cluster -- env)"`).
// - Otherwise: start a cluster in a fresh temp directory, hand its kubeconfig
//   to the workers (env + provide/inject), and bring it down in teardown.
//   The processes are also stopped if the run is interrupted (exit/SIGINT/
//   SIGTERM handlers) or killed outright (the harness's reaper process).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { HarnessError, down, downSync, isAlive, readState, up } from './harness.ts';
import { KubeClient } from './kube.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

const log = (line: string) => process.stderr.write(`[test-cluster] ${line}\n`);

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const external = process.env.K8S_AUDIT_TEST_KUBECONFIG;
  if (external) {
    // Fail once, clearly, rather than in every test with a connection error.
    let client: KubeClient | undefined;
    try {
      client = KubeClient.fromKubeconfig(external, 'admin');
      const res = await client.request('GET', '/readyz', { timeoutMs: 5000 });
      if (res.status !== 200) throw new Error(`/readyz answered ${res.status}`);
    } catch (e) {
      throw new Error(`K8S_AUDIT_TEST_KUBECONFIG=${external}: cluster not usable (${e instanceof Error ? e.message : String(e)}); unset it to let the tests start their own cluster`);
    } finally {
      client?.close();
    }
    log(`using the cluster of K8S_AUDIT_TEST_KUBECONFIG=${external}`);
    project.provide('kubeconfig', external);
    return;
  }

  const stateDir = mkdtempSync(join(tmpdir(), 'k8s-audit-test-cluster-'));
  // Interrupted runs: vitest turns SIGINT/SIGTERM into process.exit(), which runs 'exit'
  // handlers; only synchronous work is possible there.
  const onExit = () => downSync(stateDir);
  const onSignal = (sig: NodeJS.Signals) => {
    downSync(stateDir);
    // If nobody else handles the signal, restore the default action (terminate).
    if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
  };
  process.on('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const removeHandlers = () => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };

  let info;
  try {
    info = await up({ stateDir, watchPid: process.pid, log });
  } catch (e) {
    removeHandlers();
    // up() has already stopped whatever it started; the logs stay in stateDir.
    const detail = e instanceof HarnessError && e.detail ? `\n${e.detail}` : '';
    throw new Error(`test cluster failed to start: ${e instanceof Error ? e.message : String(e)}${detail}`);
  }
  log(`${info.version} up at ${info.server} in ${info.seconds.toFixed(1)} s (state: ${stateDir})`);
  process.env.K8S_AUDIT_TEST_KUBECONFIG = info.kubeconfigPath;
  project.provide('kubeconfig', info.kubeconfigPath);

  return async () => {
    const pids = (readState(stateDir)?.processes ?? []).map((p) => ({ name: p.name, pid: p.pid }));
    const t0 = Date.now();
    try {
      await down(stateDir);
    } finally {
      removeHandlers();
      delete process.env.K8S_AUDIT_TEST_KUBECONFIG;
    }
    const left = pids.filter((p) => isAlive(p.pid));
    if (left.length > 0) {
      throw new Error(`test cluster teardown left processes running: ${left.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}`);
    }
    log(`down in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${pids.length} processes stopped`);
  };
}
