// Transport behaviour of the collector that a healthy API server will not show
// on demand: throttling (429 with Retry-After), transient 5xx, expired continue
// tokens (410). A local HTTP endpoint plays the server's part for these only;
// everything else is tested against the real kube-apiserver.
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from '../../src/collect/cluster.ts';
import { ApiClient } from '../../src/collect/http.ts';
import { runCli } from '../helpers/io.ts';
import { tempDir } from '../helpers/tmp.ts';

let server: Server | undefined;

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** What a scan asks first (the server's version, who it is): answered as an API server would; false for anything else. */
function answeredHandshake(u: URL, res: ServerResponse): boolean {
  res.setHeader('content-type', 'application/json');
  if (u.pathname === '/version') {
    res.end('{"gitVersion":"v1.37.2","major":"1","minor":"37"}');
    return true;
  }
  if (u.pathname.endsWith('/selfsubjectreviews')) {
    res.writeHead(201);
    res.end('{"status":{"userInfo":{"username":"tester","groups":["system:authenticated"]}}}');
    return true;
  }
  return false;
}

/** The error a request ends with, or undefined if it succeeds. */
function failureOf(client: ApiClient, path: string): Promise<(Error & { code?: string }) | undefined> {
  return client.request('GET', path).then(
    () => undefined,
    (e: Error & { code?: string }) => e,
  );
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

describe('ApiClient retries', () => {
  it('waits as long as Retry-After says on 429, then succeeds', async () => {
    const times: number[] = [];
    const url = await serve((_req, res) => {
      times.push(performance.now());
      if (times.length === 1) {
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
        res.end('{"kind":"Status","code":429}');
      } else res.end('{"ok":true}');
    });
    const client = new ApiClient({ server: url, tls: {} });
    const res = await client.request('GET', '/api');
    client.close();
    expect(res.status).toBe(200);
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  });

  it('gives up on a persistent 503 after the bounded number of retries', async () => {
    let calls = 0;
    const url = await serve((_req, res) => {
      calls++;
      res.writeHead(503, { 'retry-after': '0' });
      res.end('unavailable');
    });
    const client = new ApiClient({ server: url, tls: {}, retries: 3 });
    const res = await client.request('GET', '/api');
    client.close();
    expect(res.status).toBe(503);
    expect(calls).toBe(4);
  });

  it('does not retry a 403', async () => {
    let calls = 0;
    const url = await serve((_req, res) => {
      calls++;
      res.writeHead(403);
      res.end('{"message":"forbidden"}');
    });
    const client = new ApiClient({ server: url, tls: {} });
    expect((await client.request('GET', '/api')).status).toBe(403);
    client.close();
    expect(calls).toBe(1);
  });
});

describe('ApiClient bodies', () => {
  it('decodes UTF-8 characters that arrive split across network reads', async () => {
    // Names and annotations may hold any Unicode; the body is decoded as it arrives, so a
    // character whose bytes straddle two reads must still come out whole.
    const text = JSON.stringify({ metadata: { annotations: { note: 'Zürich €𝄞 東京 ✓' } } });
    const bytes = Buffer.from(text, 'utf8');
    const url = await serve(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // One byte per write, flushed apart: every multi-byte character is cut somewhere.
      for (let i = 0; i < bytes.length; i++) {
        res.write(bytes.subarray(i, i + 1));
        await new Promise((r) => setImmediate(r));
      }
      res.end();
    });
    const client = new ApiClient({ server: url, tls: {} });
    const res = await client.request('GET', '/api');
    client.close();
    expect(res.body).toBe(text);
    expect(res.body).not.toContain('\ufffd');
  });
});

describe('ApiClient compression', () => {
  const DOC = JSON.stringify({ kind: 'PodList', items: Array.from({ length: 2000 }, (_, i) => ({ metadata: { name: `pod-${i}`, annotations: { note: 'é€𝄞' } } })) });

  /** A server that compresses when asked, as the API server does, and records what was asked. */
  async function gzipServer(body: (accept: string | undefined) => Buffer | string, encoding = 'gzip') {
    const asked: (string | undefined)[] = [];
    const url = await serve(async (req, res) => {
      const accept = req.headers['accept-encoding'];
      asked.push(accept);
      const out = body(accept);
      res.writeHead(200, { 'content-type': 'application/json', ...(accept?.includes('gzip') ? { 'content-encoding': encoding } : {}) });
      // In small writes, flushed apart, so the inflating sees the stream arrive in pieces.
      const bytes = Buffer.from(out);
      for (let i = 0; i < bytes.length; i += 1000) {
        res.write(bytes.subarray(i, i + 1000));
        if (i % 20_000 === 0) await new Promise((r) => setImmediate(r));
      }
      res.end();
    });
    return { url, asked };
  }

  it('asks for gzip by default and inflates what comes back', async () => {
    const { url, asked } = await gzipServer((accept) => (accept?.includes('gzip') ? gzipSync(DOC) : DOC));
    const client = new ApiClient({ server: url, tls: {} });
    const res = await client.request('GET', '/api/v1/pods');
    client.close();
    expect(asked).toEqual(['gzip']);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.body).toBe(DOC);
  });

  it('with compression off, asks for none and reads the body as sent', async () => {
    const { url, asked } = await gzipServer((accept) => (accept?.includes('gzip') ? gzipSync(DOC) : DOC));
    const client = new ApiClient({ server: url, tls: {}, compression: false });
    const res = await client.request('GET', '/api/v1/pods');
    client.close();
    expect(asked).toEqual([undefined]);
    expect(res.body).toBe(DOC);
  });

  it('a body that is not valid gzip: one clear error, not a hang or a garbled body', async () => {
    const { url } = await gzipServer(() => Buffer.concat([gzipSync(DOC).subarray(0, 500), Buffer.from('not gzip at all')]));
    const client = new ApiClient({ server: url, tls: {}, retries: 0 });
    const err = await failureOf(client, '/api/v1/pods');
    client.close();
    expect(err?.code).toBe('EBADGZIP');
    expect(err?.message).toMatch(/^the response could not be decompressed \(.+\)$/);
  });

  it('in a scan, a list whose compressed body cannot be read is an error of that kind that says what to do', async () => {
    const url = await serve((req, res) => {
      const u = new URL(req.url!, 'http://x');
      if (answeredHandshake(u, res)) return;
      if (u.pathname === '/api/v1/namespaces') {
        res.writeHead(200, { 'content-encoding': 'gzip' });
        return res.end(Buffer.concat([gzipSync(DOC).subarray(0, 300), Buffer.from('garbage')]));
      }
      res.end('{"metadata":{},"items":[{"metadata":{"name":"admin"}}]}');
    });
    const { snapshot } = await collect({ origin: 'test', server: url, tls: {} }, { kinds: ['namespaces', 'clusterroles'] });
    expect(snapshot.collection.clusterroles.state).toBe('ok');
    expect(snapshot.collection.namespaces.state).toBe('error');
    expect(snapshot.collection.namespaces.reason).toMatch(
      new RegExp(`^${url.replace(/[.]/g, '\\.')} \\(or a proxy on the way\\) sent a compressed response that could not be read \\([^)]+\\); --disable-compression asks for none$`),
    );
  });

  it('a body larger than the cap: one clear error, the socket let go, never a string too long for V8', async () => {
    const url = await serve((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.write('{"kind":"List","items":[');
      const block = ' '.repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 200 && res.write(block)) sent++;
        if (sent < 200 && !res.destroyed) res.once('drain', pump);
        else res.end(']}');
      };
      pump();
    });
    const client = new ApiClient({ server: url, tls: {}, retries: 0, maxBodyChars: 1024 * 1024 });
    const err = await failureOf(client, '/api/v1/pods');
    client.close();
    expect(err?.code).toBe('ETOOLARGE');
    expect(err?.message).toBe('the response was larger than 1 MiB');
  });

  it('a server that trickles its answer: the deadline ends it, though it is never silent long enough to time out', async () => {
    const url = await serve((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.write('{');
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 20);
      res.on('close', () => clearInterval(timer));
    });
    const client = new ApiClient({ server: url, tls: {}, retries: 0, requestTimeoutMs: 200, responseDeadlineMs: 500 });
    const err = await failureOf(client, '/api/v1/pods');
    client.close();
    expect(err?.code).toBe('EDEADLINE');
    expect(err?.message).toBe('the response was not complete within 1 s');
  });

  it('what a server says in an error reaches the terminal as one line of text: escape sequences shown, not sent', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', message: 'boom \u001b[2J\u001b]0;owned\u0007 evil\nsecond line' }));
    });
    const kubeconfig = join(tempDir('k8s-audit-http-'), 'kubeconfig');
    writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${url}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`);
    const r = await runCli(['scan', '--kubeconfig', kubeconfig, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(r.stderr).toContain('boom \\u{1b}[2J\\u{1b}]0;owned\\u{7} evil ⏎ second line');
  });

  it('a SelfSubjectReview answer that does not parse is no identity, not an internal error', async () => {
    for (const review of ['<<garbage', 'null', '{"status":{"userInfo":{"username":7}}}']) {
      const url = await serve((req, res) => {
        const u = new URL(req.url!, 'http://x');
        res.setHeader('content-type', 'application/json');
        if (u.pathname === '/version') return res.end('{"gitVersion":"v1.37.2","major":"1","minor":"37"}');
        if (u.pathname.endsWith('/selfsubjectreviews')) {
          res.writeHead(201);
          return res.end(review);
        }
        res.end('{"kind":"List","metadata":{},"items":[]}');
      });
      const collected = await collect({ origin: 'test', server: url, tls: {} }, { kinds: ['namespaces'] });
      expect(collected.identity, review).toBeUndefined();
      expect(collected.snapshot.collection.namespaces.state).toBe('ok');
      server?.closeAllConnections();
      await new Promise<void>((r) => server!.close(() => r()));
      server = undefined;
    }
  });

  it('a content-encoding it did not ask for is not inflated', async () => {
    // Only gzip is asked for; a body labelled otherwise is passed on as it came (and then fails as JSON where it is parsed).
    const { url } = await gzipServer(() => DOC, 'br');
    const client = new ApiClient({ server: url, tls: {} });
    const res = await client.request('GET', '/api/v1/pods');
    client.close();
    expect(res.body).toBe(DOC);
  });
});

describe('collect over a list whose continue token expires', () => {
  it('restarts the list from the beginning and returns one consistent pass', async () => {
    const lists: string[] = [];
    let expired = false;
    const url = await serve((req, res) => {
      const u = new URL(req.url!, 'http://x');
      if (answeredHandshake(u, res)) return;
      lists.push(u.search);
      const cont = u.searchParams.get('continue');
      if (!cont) return res.end('{"metadata":{"continue":"page2"},"items":[{"metadata":{"name":"a"}}]}');
      if (!expired) {
        expired = true;
        res.writeHead(410);
        return res.end('{"kind":"Status","code":410,"reason":"Expired"}');
      }
      return res.end('{"metadata":{},"items":[{"metadata":{"name":"b"}}]}');
    });
    const { snapshot } = await collect({ origin: 'test', server: url, tls: {} }, { kinds: ['namespaces'], pageSize: 1 });
    expect(snapshot.collection.namespaces.state).toBe('ok');
    expect(snapshot.list('namespaces').map((n) => n.metadata.name)).toEqual(['a', 'b']);
    expect(snapshot.list('namespaces').every((n) => n.kind === 'Namespace' && n.apiVersion === 'v1')).toBe(true);
    expect(lists).toEqual(['?limit=1', '?limit=1&continue=page2', '?limit=1', '?limit=1&continue=page2']);
  });
});

describe('collect over a list that does not advance, or keeps expiring', () => {
  const pods = (names: string[], token?: string) => JSON.stringify({ metadata: token ? { continue: token } : {}, items: names.map((n) => ({ metadata: { name: n, namespace: 'x', uid: `uid-${n}` } })) });

  it('a server that answers the first page again for every continue token: the kind fails, the scan ends', async () => {
    let requests = 0;
    const url = await serve((req, res) => {
      const u = new URL(req.url!, 'http://x');
      if (answeredHandshake(u, res)) return;
      requests++;
      if (u.pathname === '/api/v1/pods') return res.end(pods(['a', 'b'], 'same-token-forever'));
      return res.end(pods([]));
    });
    const { snapshot } = await collect({ origin: 'test', server: url, tls: {} }, { kinds: ['pods', 'namespaces'], pageSize: 2 });
    expect(snapshot.collection.pods.state).toBe('error');
    expect(snapshot.collection.pods.reason).toMatch(/does not advance/);
    expect(snapshot.collection.namespaces.state).toBe('ok');
    expect(requests).toBeLessThan(10);
  });

  it('new tokens that bring back the same objects: the kind fails', async () => {
    let n = 0;
    const url = await serve((req, res) => {
      const u = new URL(req.url!, 'http://x');
      if (answeredHandshake(u, res)) return;
      if (u.pathname === '/api/v1/pods') return res.end(pods(['a', 'b'], `token-${++n}`));
      return res.end(pods([]));
    });
    const { snapshot } = await collect({ origin: 'test', server: url, tls: {} }, { kinds: ['pods', 'namespaces'], pageSize: 2 });
    expect(snapshot.collection.pods.state).toBe('error');
    expect(n).toBeLessThan(10);
  });

  it('a token that expires on every pass: after three paged passes, one list without pages, as client-go falls back', async () => {
    const lists: string[] = [];
    const url = await serve((req, res) => {
      const u = new URL(req.url!, 'http://x');
      if (answeredHandshake(u, res)) return;
      lists.push(u.search);
      if (!u.searchParams.has('limit')) return res.end(pods(['a', 'b', 'c']));
      if (!u.searchParams.get('continue')) return res.end(pods(['a'], 'page2'));
      res.writeHead(410);
      return res.end('{"kind":"Status","code":410,"reason":"Expired"}');
    });
    const { snapshot } = await collect({ origin: 'test', server: url, tls: {} }, { kinds: ['pods'], pageSize: 1 });
    expect(snapshot.collection.pods.state).toBe('ok');
    expect(snapshot.list('pods').map((p) => p.metadata.name)).toEqual(['a', 'b', 'c']);
    expect(lists.at(-1)).toBe('');
    expect(lists).toHaveLength(7);
  });

  it('every list forbidden but kinds the server does not serve (404): nothing was collected, a ClusterError', async () => {
    const url = await serve((req, res) => {
      const u = new URL(req.url!, 'http://x');
      if (answeredHandshake(u, res)) return;
      const notServed = u.pathname.includes('validatingadmissionpolic');
      res.writeHead(notServed ? 404 : 403);
      res.end(JSON.stringify({ kind: 'Status', code: notServed ? 404 : 403, reason: notServed ? 'NotFound' : 'Forbidden' }));
    });
    await expect(collect({ origin: 'test', server: url, tls: {} }, { kinds: ['pods', 'validatingadmissionpolicies'] })).rejects.toThrow(/nothing could be collected .*every list failed \(e\.g\. pods: /);
  });
});

describe('collect with -n', () => {
  it('a forbidden namespace: the permission names only it, and a Namespace read by name needs get', async () => {
    const url = await serve((req, res) => {
      const u = new URL(req.url!, 'http://x');
      if (answeredHandshake(u, res)) return;
      const denied = u.pathname.startsWith('/api/v1/namespaces/b');
      if (denied) {
        res.writeHead(403);
        return res.end('{"kind":"Status","code":403,"reason":"Forbidden","message":"forbidden"}');
      }
      if (u.pathname === '/api/v1/namespaces/a') return res.end('{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"a"}}');
      return res.end('{"metadata":{},"items":[]}');
    });
    const { snapshot } = await collect({ origin: 'test', server: url, tls: {} }, { kinds: ['pods', 'namespaces', 'clusterroles'], namespaces: ['a', 'b'] });
    expect(snapshot.collection.pods).toMatchObject({ state: 'forbidden', permission: 'list pods in namespace b' });
    expect(snapshot.collection.namespaces).toMatchObject({ state: 'forbidden', permission: 'get namespaces b' });
  });

  it('-n a -n a lists a once', async () => {
    const r = await runCli(['scan', '-f', new URL('../scenarios/demo', import.meta.url).pathname, '-n', 'monitoring', '-n', 'monitoring,monitoring', '--format', 'json', '--fail-on', 'none']);
    const result = JSON.parse(r.stdout) as { scan: { namespaces: string[] }; results: { fingerprint: string }[] };
    expect(result.scan.namespaces).toEqual(['monitoring']);
    expect(new Set(result.results.map((x) => x.fingerprint)).size).toBe(result.results.length);
  });
});

describe('a bearer token from an exec plugin', () => {
  it('is asked for again after a 401, once for all requests refused together, and the requests are sent again', async () => {
    let valid = 'old';
    const seen: string[] = [];
    const url = await serve((req, res) => {
      seen.push(req.headers.authorization ?? '');
      if (req.headers.authorization !== `Bearer ${valid}`) {
        res.writeHead(401);
        return res.end('{"kind":"Status","code":401,"reason":"Unauthorized"}');
      }
      res.end('{"ok":true}');
    });
    let refreshes = 0;
    const client = new ApiClient({
      server: url,
      tls: { headers: { Authorization: 'Bearer old' } },
      tokenSource: { refresh: async () => ({ token: `fresh-${++refreshes}` }) },
    });
    expect((await client.request('GET', '/api')).status).toBe(200);
    valid = 'fresh-1'; // the old token expires on the server's side
    const all = await Promise.all([1, 2, 3].map(() => client.request('GET', '/api/v1/pods')));
    expect(all.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(refreshes).toBe(1);
    expect(seen.filter((h) => h === 'Bearer fresh-1')).toHaveLength(3);
    // A refresh that does not help: the 401 stands, one more refresh, no loop.
    valid = 'nothing';
    expect((await client.request('GET', '/api')).status).toBe(401);
    expect(refreshes).toBe(2);
    client.close();
  });

  it('is not asked for again after the plugin failed once: the 401 stands, no plugin run per request', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(401);
      res.end('{"kind":"Status","code":401}');
    });
    let runs = 0;
    const client = new ApiClient({
      server: url,
      tls: { headers: { Authorization: 'Bearer old' } },
      tokenSource: {
        expiresAt: Date.now() - 1,
        refresh: async () => {
          runs++;
          throw new Error('plugin failed');
        },
      },
    });
    const all = await Promise.all([1, 2, 3, 4].map(() => client.request('GET', '/api')));
    expect(all.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect((await client.request('GET', '/api')).status).toBe(401);
    expect(runs).toBe(1);
    client.close();
  });

  it('is asked for again before a request once it has expired', async () => {
    const seen: string[] = [];
    const url = await serve((req, res) => {
      seen.push(req.headers.authorization ?? '');
      res.end('{}');
    });
    const client = new ApiClient({
      server: url,
      tls: { headers: { Authorization: 'Bearer old' } },
      tokenSource: { expiresAt: Date.now() - 1, refresh: async () => ({ token: 'fresh', expiresAt: Date.now() + 3_600_000 }) },
    });
    await client.request('GET', '/api');
    await client.request('GET', '/api');
    expect(seen).toEqual(['Bearer fresh', 'Bearer fresh']);
    client.close();
  });
});
