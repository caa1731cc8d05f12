// Typed client against plain JSON, on the benchmark's largest list (all Pods):
//   typed: @kubernetes/client-node CoreV1Api.listPodForAllNamespaces, paginated; every page
//          goes through the client's ObjectSerializer into V1Pod model objects (Date fields,
//          renamed properties);
//   plain: src/collect/http.ts ApiClient GET + JSON.parse — what src/collect does.
// Each variant runs in its own process (run with --expose-gc), so that its CPU time and the
// heap it retains are its own; module loading is reported apart from listing.
//
//   node --expose-gc bench/typed.ts <kubeconfig> <context> typed|plain
// Prints one JSON line: { variant, pods, loadMs, listMs, cpuMs, retainedMB, maxRssMB }.

import { ApiClient } from '../src/collect/http.ts';
import { loadConnection } from '../test/cluster/kube.ts';

export interface TypedRun {
  variant: 'typed' | 'plain';
  pods: number;
  /** Loading the client's modules. */
  loadMs: number;
  /** Listing every Pod, 500 a page, decoded. */
  listMs: number;
  /** CPU time (user + system) of the listing. */
  cpuMs: number;
  /** Heap still used by the decoded Pods after a full GC. */
  retainedMB: number;
  maxRssMB: number;
}

const PAGE = 500;
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const heapAfterGc = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
};

type ClientNode = typeof import('@kubernetes/client-node');

async function listTyped(k8s: ClientNode, kubeconfig: string, context: string): Promise<{ items: unknown[]; listMs: number; cpuMs: number }> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  kc.setCurrentContext(context);
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const items: unknown[] = [];
  const t1 = performance.now();
  const c1 = cpuNow();
  let token: string | undefined;
  do {
    const page = await api.listPodForAllNamespaces({ limit: PAGE, ...(token ? { _continue: token } : {}) });
    for (const p of page.items) items.push(p);
    token = page.metadata?._continue || undefined;
  } while (token);
  return { items, listMs: performance.now() - t1, cpuMs: cpuNow() - c1 };
}

async function listPlain(kubeconfig: string, context: string): Promise<{ items: unknown[]; listMs: number; cpuMs: number }> {
  const conn = loadConnection(kubeconfig, context);
  // Compressed, as the typed client's fetch (undici) asks for it too: until bench plan 2's sixth run the plain
  // variant asked for no compression and the typed one did, so the typed client's time included inflating.
  const client = new ApiClient({ server: conn.server, tls: { ca: conn.ca, cert: conn.cert, key: conn.key }, compression: true });
  const items: unknown[] = [];
  const t1 = performance.now();
  const c1 = cpuNow();
  try {
    let token: string | undefined;
    do {
      const q = new URLSearchParams({ limit: String(PAGE) });
      if (token) q.set('continue', token);
      const res = await client.request('GET', `/api/v1/pods?${q}`);
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      const page = JSON.parse(res.body) as { items: unknown[]; metadata?: { continue?: string } };
      for (const p of page.items) items.push(p);
      token = page.metadata?.continue || undefined;
    } while (token);
  } finally {
    client.close();
  }
  return { items, listMs: performance.now() - t1, cpuMs: cpuNow() - c1 };
}

export async function typedRun(kubeconfig: string, context: string, variant: 'typed' | 'plain'): Promise<TypedRun> {
  const t0 = performance.now();
  const k8s = variant === 'typed' ? await import('@kubernetes/client-node') : undefined;
  const loadMs = performance.now() - t0;
  const before = heapAfterGc();
  const r = k8s ? await listTyped(k8s, kubeconfig, context) : await listPlain(kubeconfig, context);
  const retained = heapAfterGc() - before;
  return {
    variant,
    pods: r.items.length,
    loadMs: Math.round(loadMs),
    listMs: Math.round(r.listMs),
    cpuMs: Math.round(r.cpuMs),
    retainedMB: Math.round(retained / 2 ** 20),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

if (import.meta.main) {
  const [kubeconfig, context, variant] = process.argv.slice(2);
  if (!kubeconfig || !context || (variant !== 'typed' && variant !== 'plain')) {
    console.error('usage: node --expose-gc bench/typed.ts <kubeconfig> <context> typed|plain');
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(await typedRun(kubeconfig, context, variant)) + '\n');
}
