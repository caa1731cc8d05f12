import type http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

/**
 * HTTP proxies, as kubectl (client-go) uses them:
 *
 * - a cluster's `proxy-url` in the kubeconfig, for every request to that cluster;
 * - otherwise the environment: HTTPS_PROXY (or https_proxy) for an https:// server,
 *   unless NO_PROXY (or no_proxy) names it; a loopback server (localhost,
 *   127.0.0.0/8, ::1) never goes through an environment proxy (Go's
 *   httpproxy rules).
 *
 * Requests reach the API server through a CONNECT tunnel; TLS to the API server
 * (its CA, the client certificate) is negotiated end to end inside it. The proxy
 * may be http:// or https://; a user and password in its URL are sent as
 * Proxy-Authorization: Basic. SOCKS proxies are refused by the caller with a clear
 * error rather than bypassed.
 */

/** Schemes a proxy URL may have. */
export const PROXY_SCHEMES = ['http:', 'https:'];

/** The environment proxy for a server, or undefined (no proxy, NO_PROXY match, loopback, or not https). */
export function environmentProxy(server: URL, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (server.protocol !== 'https:') return undefined;
  const value = env.HTTPS_PROXY || env.https_proxy;
  if (!value) return undefined;
  const host = server.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = server.port || '443';
  if (isLoopback(host)) return undefined;
  if (noProxyMatches(env.NO_PROXY || env.no_proxy || '', host, port)) return undefined; // Go: the first non-empty of the two
  // Go assumes http:// when the value has no scheme.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
}

/** As Go's http.ProxyFromEnvironment decides it: the name `localhost` (not its subdomains), or a loopback address. */
function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  // ::1, and 127.0.0.0/8 mapped into IPv6 (::ffff:127.0.0.1, which URL parsing writes as ::ffff:7f00:1).
  if (net.isIPv6(host)) return host === '::1' || /^::ffff:(7f[0-9a-f]{2}:|127\.)/.test(host);
  return false;
}

/**
 * NO_PROXY as Go reads it: comma-separated entries; `*` matches everything; an
 * IP address or CIDR matches addresses; a name matches itself and its subdomains
 * (a leading `.` matches subdomains only); an entry may carry a `:port`.
 */
export function noProxyMatches(noProxy: string, host: string, port: string): boolean {
  for (let entry of noProxy.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean)) {
    if (entry === '*') return true;
    const inCidr = cidrContains(entry, host);
    if (inCidr !== undefined) {
      if (inCidr) return true;
      continue;
    }
    let entryPort: string | undefined;
    const m = /^(.*?):(\d+)$/.exec(entry);
    if (m && !net.isIPv6(entry)) {
      entry = m[1]!;
      entryPort = m[2]!;
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort && entryPort !== port) continue;
    if (net.isIP(entry)) {
      if (entry === host) return true;
      continue;
    }
    if (entry.startsWith('*.')) entry = entry.slice(1);
    if (entry.startsWith('.')) {
      if (host.endsWith(entry)) return true;
    } else if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/** For a CIDR entry, whether it contains `host` (false for names); undefined when the entry is not a CIDR. */
function cidrContains(entry: string, host: string): boolean | undefined {
  const m = /^([0-9a-f.:]+)\/(\d{1,3})$/.exec(entry);
  if (!m || !net.isIP(m[1]!)) return undefined;
  const family = net.isIPv6(m[1]!) ? 'ipv6' : 'ipv4';
  if (!net.isIP(host) || (net.isIPv6(host) ? 'ipv6' : 'ipv4') !== family) return false;
  const list = new net.BlockList();
  try {
    list.addSubnet(m[1]!, Number(m[2]), family);
  } catch {
    return false;
  }
  return list.check(host, family);
}

/** An error on the way through the proxy (not from the API server). */
export class ProxyError extends Error {
  readonly code: string;
  constructor(message: string, code = 'EPROXY') {
    super(message);
    this.code = code;
  }
}

/**
 * An https.Agent whose connections go through a CONNECT tunnel on `proxy`. Keep-alive,
 * socket limits and the TLS options (CA, client certificate, servername) are the
 * agent's own, applied to the API server inside the tunnel.
 */
export class TunnelingAgent extends https.Agent {
  readonly #proxy: URL;
  readonly #connectTimeoutMs: number;

  constructor(options: https.AgentOptions, proxy: URL, connectTimeoutMs: number) {
    super(options);
    this.#proxy = proxy;
    this.#connectTimeoutMs = connectTimeoutMs;
  }

  // Node's Agent accepts a connection handed over through the callback.
  override createConnection(requestOptions: http.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    // Node hands the agent's TLS options merged into the request's.
    const options = requestOptions as tls.ConnectionOptions & { host?: string; port?: number };
    const done = (err: Error | null, stream?: Duplex) => callback?.(err, stream as Duplex);
    const proxy = this.#proxy;
    const target = `${options.host?.includes(':') ? `[${options.host}]` : options.host}:${options.port ?? 443}`;
    const proxyPort = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));
    const proxyHost = proxy.hostname.replace(/^\[|\]$/g, '');
    const socket: net.Socket =
      proxy.protocol === 'https:'
        ? tls.connect({ host: proxyHost, port: proxyPort, servername: net.isIP(proxyHost) ? '' : proxyHost, ALPNProtocols: ['http/1.1'] })
        : net.connect({ host: proxyHost, port: proxyPort });
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      done(err);
    };
    const timer = setTimeout(() => fail(new ProxyError(`proxy ${proxy.host} did not open a tunnel to ${target} within ${this.#connectTimeoutMs} ms`, 'ECONNTIMEOUT')), this.#connectTimeoutMs);
    // Proxy-side failures keep their own code (EPROXY), so a refused proxy is not reported as a refused API server.
    socket.once('error', (e: NodeJS.ErrnoException) => fail(Object.assign(new ProxyError(`proxy ${proxy.host}: ${e.message}`), { cause: e })));
    socket.once(proxy.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
      const auth =
        proxy.username || proxy.password
          ? `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}\r\n`
          : '';
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`);
    });
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 16_384) fail(new ProxyError(`proxy ${proxy.host} sent an oversized answer to CONNECT ${target}`));
        return;
      }
      socket.removeListener('data', onData);
      const status = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      if (!/^HTTP\/1\.[01] 200\b/.test(status)) {
        fail(new ProxyError(`proxy ${proxy.host} refused CONNECT ${target}: ${status.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)}`));
        return;
      }
      if (head.length > end + 4) socket.unshift(head.subarray(end + 4));
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners('error');
      const secure = tls.connect({ ...options, socket });
      socket.on('error', (e) => secure.destroy(e)); // the tunnel failing is the connection failing
      done(null, secure);
    };
    socket.on('data', onData);
    return undefined;
  }
}
