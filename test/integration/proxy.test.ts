// Proxies against the real control plane: a cluster's proxy-url sends every request
// through a CONNECT tunnel (TLS to the API server end to end inside it); a proxy that
// refuses, or one the scanner cannot use, is one clear error — never a silent direct
// connection.
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/engine/result.ts';
import { testKubeconfig } from '../cluster/fixtures.ts';
import { runCli } from '../helpers/io.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir('k8s-audit-proxy-it-');

interface Proxy {
  url: string;
  /** CONNECT targets, and the Proxy-Authorization sent with each. */
  seen: { target: string; auth: string | undefined }[];
  close(): Promise<void>;
}

/** A minimal CONNECT proxy: `refuse` answers 407 instead of opening the tunnel. */
async function startProxy(refuse = false): Promise<Proxy> {
  const seen: Proxy['seen'] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.removeListener('data', onData);
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      const [method, target] = lines[0]!.split(' ');
      const auth = lines.find((l) => /^proxy-authorization:/i.test(l))?.replace(/^[^:]*:\s*/, '');
      seen.push({ target: target!, auth });
      if (method !== 'CONNECT' || refuse) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const [host, port] = [target!.slice(0, target!.lastIndexOf(':')).replace(/^\[|\]$/g, ''), Number(target!.slice(target!.lastIndexOf(':') + 1))];
      const upstream = net.connect({ host, port }, () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        if (head.length > end + 4) upstream.write(head.subarray(end + 4));
        client.pipe(upstream).pipe(client);
      });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://scanner:s3cret@127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The test kubeconfig with every cluster's proxy-url set. */
function kubeconfigVia(proxyUrl: string, name: string): string {
  const doc = YAML.parse(readFileSync(testKubeconfig(), 'utf8')) as { clusters: { cluster: Record<string, unknown> }[] };
  for (const c of doc.clusters) c.cluster['proxy-url'] = proxyUrl;
  const file = join(tmp, name);
  writeFileSync(file, YAML.stringify(doc));
  return file;
}

function serverOf(): string {
  const doc = YAML.parse(readFileSync(testKubeconfig(), 'utf8')) as { clusters: { cluster: { server: string } }[] };
  return new URL(doc.clusters[0]!.cluster.server).host;
}

describe('scanning through a proxy', () => {
  let proxy: Proxy;
  let refusing: Proxy;
  beforeAll(async () => {
    proxy = await startProxy();
    refusing = await startProxy(true);
  });
  afterAll(async () => {
    await proxy?.close();
    await refusing?.close();
  });

  it('tunnels every request through the proxy-url, with its credentials', async () => {
    const r = await runCli(['scan', '--kubeconfig', kubeconfigVia(proxy.url, 'via-proxy'), '--context', 'admin', '-n', 'default', '--format', 'json', '--fail-on', 'none']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as ScanResult;
    expect(result.scan.collection.every((c) => c.state === 'ok' || c.state === 'not-found')).toBe(true);
    expect(proxy.seen.length).toBeGreaterThan(0);
    expect(new Set(proxy.seen.map((s) => s.target))).toEqual(new Set([serverOf()]));
    expect(new Set(proxy.seen.map((s) => s.auth))).toEqual(new Set([`Basic ${Buffer.from('scanner:s3cret').toString('base64')}`]));
  });

  it('a proxy that refuses the tunnel is one clear error (exit 3), not a direct connection', async () => {
    const r = await runCli(['scan', '--kubeconfig', kubeconfigVia(refusing.url, 'via-refusing'), '--context', 'admin', '-n', 'default', '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/proxy 127\.0\.0\.1:\d+ refused CONNECT .*407/);
    expect(refusing.seen.length).toBeGreaterThan(0);
  });

  it('a SOCKS proxy-url is refused with one line (exit 2) rather than bypassed', async () => {
    const r = await runCli(['scan', '--kubeconfig', kubeconfigVia('socks5://127.0.0.1:1080', 'via-socks'), '--context', 'admin', '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/proxy-url socks5:\/\/ is not supported/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
