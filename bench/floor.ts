// The floor: what it costs to read the cluster once, and nothing else. Lists the
// given kinds with limit/continue pagination through k8s-audit's own HTTP stack
// (src/collect/http.ts ApiClient: keep-alive, same socket count), with the same
// concurrency, page size and order of kinds (listingOrder: Pods first) as
// `k8s-audit scan`, and JSON.parses every page, then lets it go: no model, no
// checks, no output, and no objects held. (Holding them would charge the floor for garbage-collecting a heap of full objects, managedFields
// included — about 1 GB at L — which the scan does not keep; the floor would then
// measure that choice rather than the cost of reading.)
//
// Run as its own process by bench/run.ts, so that its memory is its own:
//   node bench/floor.ts <kubeconfig> <context> <kind,kind,...> [concurrency] [pageSize] [--disable-compression]
// Prints one JSON line: { listMs, processMs, objects, bytes, pages, maxRssMB, kinds }.

import pLimit from 'p-limit';
import { ApiClient } from '../src/collect/http.ts';
import { KINDS, listingOrder, listPath, listRequest, type KindKey } from '../src/collect/kinds.ts';
import { loadConnection } from '../test/cluster/kube.ts';

export interface FloorResult {
  /** From the first request to the last page parsed. */
  listMs: number;
  /** Since the process started (module loading included). */
  processMs: number;
  /** CPU time of the whole process (user + system, all threads), module loading included. */
  cpuMs: number;
  objects: number;
  bytes: number;
  pages: number;
  maxRssMB: number;
  kinds: Record<string, { count: number; ms: number }>;
}

export async function floor(kubeconfig: string, context: string, kinds: KindKey[], concurrency = 6, pageSize = 500, compression = true): Promise<FloorResult> {
  const conn = loadConnection(kubeconfig, context);
  const t0 = performance.now();
  const client = new ApiClient({ server: conn.server, tls: { ca: conn.ca, cert: conn.cert, key: conn.key }, maxSockets: concurrency, compression });
  const limit = pLimit(concurrency);
  let objects = 0;
  let bytes = 0;
  let pages = 0;
  const perKind: FloorResult['kinds'] = {};
  try {
    await Promise.all(
      listingOrder(kinds).map((kind) =>
        limit(async () => {
          const k0 = performance.now();
          let count = 0;
          let token: string | undefined;
          do {
            const { accept, query } = listRequest(KINDS[kind]); // what the scan asks for
            const q = new URLSearchParams({ ...query, limit: String(pageSize) });
            if (token) q.set('continue', token);
            const res = await client.request('GET', `${listPath(KINDS[kind])}?${q}`, { accept });
            if (res.status !== 200) throw new Error(`${kind}: HTTP ${res.status}`);
            bytes += Buffer.byteLength(res.body);
            pages++;
            const list = JSON.parse(res.body) as { items?: unknown[]; rows?: unknown[]; metadata?: { continue?: string } };
            count += (list.items ?? list.rows)?.length ?? 0; // a names-only kind comes as a Table's rows
            token = list.metadata?.continue || undefined;
          } while (token);
          objects += count;
          perKind[kind] = { count, ms: Math.round(performance.now() - k0) };
        }),
      ),
    );
  } finally {
    client.close();
  }
  const listMs = performance.now() - t0;
  const cpu = process.cpuUsage(); // every thread of the process, as the scan's --debug timings count it
  return {
    listMs: Math.round(listMs),
    processMs: Math.round(performance.now()),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    objects,
    bytes,
    pages,
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    kinds: perKind,
  };
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  const compression = !argv.includes('--disable-compression'); // as `k8s-audit scan --disable-compression`
  const [kubeconfig, context, kindList, concurrency, pageSize] = argv.filter((a) => a !== '--disable-compression');
  if (!kubeconfig || !context || !kindList) {
    console.error('usage: node bench/floor.ts <kubeconfig> <context> <kind,kind,...> [concurrency] [pageSize] [--disable-compression]');
    process.exit(2);
  }
  const r = await floor(kubeconfig, context, kindList.split(',') as KindKey[], Number(concurrency ?? 6), Number(pageSize ?? 500), compression);
  process.stdout.write(JSON.stringify(r) + '\n');
}
