import https from 'node:https';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { TunnelingAgent } from './proxy.ts';

/**
 * A small HTTP client for the Kubernetes API: keep-alive connections, connect
 * and request timeouts, and bounded retries of 429/5xx and transient network
 * errors with exponential backoff that honours Retry-After. Bodies are parsed
 * as plain JSON — faster than the typed client's model classes, and the field
 * names stay exactly as the API wrote them.
 *
 * Responses are asked for gzip-compressed, as client-go asks by default: the API
 * server compresses those over 128 KB, and a page of 500 Pods shrinks about ten
 * times. Over a network link that is most of a large scan's collection time; on
 * the same host it costs the server time to compress (`compression: false`, the
 * kubeconfig's `disable-compression`).
 */

export interface HttpOptions {
  server: string;
  /** TLS and auth material from the kubeconfig (ca, cert, key, headers, rejectUnauthorized, servername). */
  tls: https.RequestOptions;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  retries?: number;
  maxSockets?: number;
  /** Upper bound on one backoff sleep. */
  maxBackoffMs?: number;
  /** An http:// or https:// proxy to tunnel through (CONNECT); see proxy.ts. Only for https:// servers. */
  proxy?: string;
  /** Ask for gzip-compressed responses (`Accept-Encoding: gzip`). Default true. */
  compression?: boolean;
  /**
   * The longest a response may take from the request to its last byte (requestTimeoutMs only bounds a silence: a
   * server that trickles bytes would never trip it). Default 10 minutes.
   */
  responseDeadlineMs?: number;
  /** The largest response body accepted, in characters (after decompression). Default 256 MiB. */
  maxBodyChars?: number;
  /**
   * Where the bearer token in `tls.headers` came from, when it can be asked for again (an exec credential plugin):
   * it is, once the token has expired, and once after a 401, and the request is sent again with the new one — as
   * client-go does. A scan that outlives a short-lived token would otherwise lose every list still being read.
   */
  tokenSource?: TokenSource;
}

export interface TokenSource {
  /** When the token in use expires (ms since the epoch), if its source said. */
  expiresAt?: number;
  refresh(): Promise<{ token: string; expiresAt?: number }>;
}

/** Far above any page the collector asks for (500 objects: a few MB), far below V8's longest string (512 MiB). */
const MAX_BODY_CHARS = 256 * 1024 * 1024;

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What an error answer says: a Status object's message, else the start of the body. */
export function apiMessage(body: string): string {
  try {
    const status = JSON.parse(body) as { message?: string };
    if (status.message) return status.message;
  } catch {
    /* not a Status object */
  }
  return body.slice(0, 200).trim();
}

export class HttpFailure extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNTIMEOUT', 'EAI_AGAIN', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET']);

export class ApiClient {
  readonly server: URL;
  readonly #opts: Required<Omit<HttpOptions, 'tls' | 'server' | 'proxy' | 'tokenSource'>>;
  readonly #tls: https.RequestOptions;
  readonly #agent: http.Agent;
  readonly #tokenSource: TokenSource | undefined;
  /** The bearer token from the last refresh, in place of the one in `tls.headers`. */
  #token: string | undefined;
  #expiresAt: number | undefined;
  #refreshing: Promise<void> | undefined;
  /** A refresh failed: the plugin is not run again for every request that follows (a 401 then stands). */
  #refreshFailed = false;

  constructor(opts: HttpOptions) {
    this.#tokenSource = opts.tokenSource;
    this.#expiresAt = opts.tokenSource?.expiresAt;
    this.server = new URL(opts.server);
    this.#opts = {
      connectTimeoutMs: opts.connectTimeoutMs ?? 5_000,
      requestTimeoutMs: opts.requestTimeoutMs ?? 60_000,
      retries: opts.retries ?? 4,
      maxSockets: opts.maxSockets ?? 8,
      maxBackoffMs: opts.maxBackoffMs ?? 10_000,
      compression: opts.compression ?? true,
      responseDeadlineMs: opts.responseDeadlineMs ?? 600_000,
      maxBodyChars: opts.maxBodyChars ?? MAX_BODY_CHARS,
    };
    this.#tls = opts.tls;
    const agentOpts = {
      keepAlive: true,
      maxSockets: this.#opts.maxSockets,
      ca: opts.tls.ca,
      cert: opts.tls.cert,
      key: opts.tls.key,
      pfx: opts.tls.pfx,
      passphrase: opts.tls.passphrase,
      servername: opts.tls.servername,
      ...(opts.tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: opts.tls.rejectUnauthorized } : {}),
    };
    if (opts.proxy && this.server.protocol !== 'https:') throw new Error(`a proxy is only supported for https:// servers (${opts.server})`);
    this.#agent =
      this.server.protocol === 'http:'
        ? new http.Agent({ keepAlive: true, maxSockets: this.#opts.maxSockets })
        : opts.proxy
          ? new TunnelingAgent(agentOpts, new URL(opts.proxy), this.#opts.connectTimeoutMs)
          : new https.Agent(agentOpts);
  }

  close(): void {
    this.#agent.destroy();
  }

  /** One request with retries; resolves with any HTTP status (callers decide), rejects on network failure after retries. */
  async request(
    method: string,
    path: string,
    opts: { accept?: string; body?: unknown; retries?: number; timeoutMs?: number } = {},
  ): Promise<HttpResponse> {
    if (this.#tokenSource && !this.#refreshFailed && this.#expiresAt !== undefined && Date.now() >= this.#expiresAt) await this.#refreshToken().catch(() => {});
    const sentWith = this.#token;
    const res = await this.#withRetries(method, path, opts);
    if (res.status !== 401 || !this.#tokenSource || this.#refreshFailed) return res;
    // Refused: ask the plugin again (unless another request already has since this one was sent), then try once more.
    try {
      if (this.#token === sentWith) await this.#refreshToken();
    } catch {
      return res; // the plugin failed: the 401 stands
    }
    return this.#withRetries(method, path, opts);
  }

  /** One refresh at a time, whatever number of requests are waiting on it. */
  #refreshToken(): Promise<void> {
    this.#refreshing ??= this.#tokenSource!.refresh()
      .then(
        ({ token, expiresAt }) => {
          this.#token = token;
          this.#expiresAt = expiresAt;
        },
        (err: unknown) => {
          this.#refreshFailed = true;
          throw err;
        },
      )
      .finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  async #withRetries(method: string, path: string, opts: { accept?: string; body?: unknown; retries?: number; timeoutMs?: number }): Promise<HttpResponse> {
    const retries = opts.retries ?? this.#opts.retries;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.#once(method, path, opts);
        if (RETRYABLE_STATUS.has(res.status) && attempt < retries) {
          await sleep(this.#backoff(attempt, res.headers['retry-after']));
          continue;
        }
        return res;
      } catch (err) {
        const code = (err as HttpFailure).code;
        if (attempt < retries && code && RETRYABLE_CODES.has(code)) {
          await sleep(this.#backoff(attempt));
          continue;
        }
        throw err;
      }
    }
  }

  /** Backoff: 250 ms doubling, with jitter, or the server's Retry-After; both capped. */
  #backoff(attempt: number, retryAfter?: string | string[]): number {
    const ra = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
    if (ra !== undefined) {
      const secs = Number(ra);
      const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(ra) - Date.now();
      if (Number.isFinite(ms) && ms >= 0) return Math.min(ms, this.#opts.maxBackoffMs);
    }
    const base = 250 * 2 ** attempt;
    return Math.min(base / 2 + Math.random() * base, this.#opts.maxBackoffMs);
  }

  #once(method: string, path: string, opts: { accept?: string; body?: unknown; timeoutMs?: number }): Promise<HttpResponse> {
    const timeoutMs = opts.timeoutMs ?? this.#opts.requestTimeoutMs;
    const url = new URL(path, this.server);
    // Keep any path prefix of the server URL (e.g. https://host/k8s/clusters/c-1).
    const prefix = this.server.pathname.replace(/\/$/, '');
    const fullPath = prefix + path;
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = {
      ...(this.#tls.headers as Record<string, string> | undefined),
      accept: opts.accept ?? 'application/json',
      'user-agent': 'k8s-audit',
      ...(this.#opts.compression ? { 'accept-encoding': 'gzip' } : {}),
      ...(this.#token !== undefined ? { Authorization: `Bearer ${this.#token}` } : {}),
    };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const lib = url.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      let connectTimer: NodeJS.Timeout | undefined;
      const deadlineMs = this.#opts.responseDeadlineMs;
      const deadline = setTimeout(
        () => req.destroy(Object.assign(new Error(`the response was not complete within ${Math.round(deadlineMs / 1000)} s`), { code: 'EDEADLINE' })),
        deadlineMs,
      );
      const req = lib.request(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port,
          path: fullPath,
          method,
          headers,
          agent: this.#agent,
          ...(this.#tls.auth ? { auth: this.#tls.auth } : {}),
        },
        (res) => {
          res.on('error', (e) => reject(new HttpFailure(e.message, (e as NodeJS.ErrnoException).code ?? 'ECONNRESET', { cause: e })));
          // Inflated on libuv's thread pool, off the thread that parses and evaluates.
          const gzip = this.#opts.compression && /^\s*gzip\s*$/i.test(res.headers['content-encoding'] ?? '');
          const body = gzip ? res.pipe(createGunzip()) : res;
          if (gzip) {
            body.on('error', (e: NodeJS.ErrnoException) => {
              res.destroy(); // the rest of this response is of no use; do not leave its socket half read
              reject(new HttpFailure(`the response could not be decompressed (${e.message})`, 'EBADGZIP', { cause: e }));
            });
          }
          // Decoded as it arrives (a character cut between two reads is held back until it is whole)
          // and joined on the JavaScript heap. Concatenating the reads into one Buffer per page
          // first left memory the process did not give back: a scan at 10,000 Pods peaked about
          // 60 MB higher (five alternating runs), in the same time.
          const chunks: string[] = [];
          let chars = 0;
          const max = this.#opts.maxBodyChars;
          body.setEncoding('utf8');
          body.on('data', (c: string) => {
            chars += c.length;
            if (chars > max) {
              res.destroy();
              reject(new HttpFailure(`the response was larger than ${Math.round(max / 1024 / 1024)} MiB`, 'ETOOLARGE'));
              return;
            }
            chunks.push(c);
          });
          body.on('end', () => {
            clearTimeout(deadline);
            if (chars <= max) resolve({ status: res.statusCode ?? 0, headers: res.headers, body: chunks.join('') });
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('socket', (socket) => {
        if ((socket as { connecting?: boolean }).connecting) {
          connectTimer = setTimeout(
            () => req.destroy(Object.assign(new Error(`connection timed out after ${this.#opts.connectTimeoutMs} ms`), { code: 'ECONNTIMEOUT' })),
            this.#opts.connectTimeoutMs,
          );
          // The connection is up once TLS is established: a server that accepts TCP but never
          // completes the handshake counts as unreachable, not as slow.
          socket.once(url.protocol === 'http:' ? 'connect' : 'secureConnect', () => clearTimeout(connectTimer));
        }
      });
      req.on('close', () => {
        clearTimeout(connectTimer);
        clearTimeout(deadline);
      });
      req.on('error', (e: NodeJS.ErrnoException) => reject(new HttpFailure(e.message, e.code, { cause: e })));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }
}
