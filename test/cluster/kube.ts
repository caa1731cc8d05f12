// A minimal Kubernetes REST client for the test harness: reads a kubeconfig
// (client certificates, bearer tokens, embedded or file-referenced CA data) and
// sends HTTPS requests with node:https. The harness uses it instead of
// @kubernetes/client-node so that `npm run cluster` starts fast and so errors
// carry the API server's own Status message.

import https from 'node:https';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import YAML from 'yaml';

export interface Connection {
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  insecureSkipTLSVerify?: boolean;
}

export interface KubeResponse {
  status: number;
  text: string;
  /** Parsed JSON body (undefined when the body is empty or not JSON). */
  body: any;
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  /** Extra query parameters. */
  query?: Record<string, string | number | boolean | undefined>;
}

/** An API response that was not 2xx, with the Status reason and message when present. */
export class KubeApiError extends Error {
  status: number;
  reason: string;
  body: any;
  constructor(method: string, path: string, res: KubeResponse) {
    const msg: string = res.body?.message ?? (res.text.trim().slice(0, 300) || `HTTP ${res.status}`);
    super(`${method} ${path}: ${res.status} ${msg}`);
    this.name = 'KubeApiError';
    this.status = res.status;
    this.reason = res.body?.reason ?? '';
    this.body = res.body;
  }
}

function fileOrData(baseDir: string, data: string | undefined, file: string | undefined): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  if (file) return readFileSync(resolve(baseDir, file));
  return undefined;
}

/** Resolve a kubeconfig file and context (default: current-context) to connection details. */
export function loadConnection(kubeconfigPath: string, context?: string): Connection {
  const doc = YAML.parse(readFileSync(kubeconfigPath, 'utf8')) ?? {};
  const ctxName: string | undefined = context ?? doc['current-context'];
  if (!ctxName) throw new Error(`${kubeconfigPath}: no context given and no current-context set`);
  const ctx = (doc.contexts ?? []).find((c: any) => c.name === ctxName)?.context;
  if (!ctx) throw new Error(`${kubeconfigPath}: context "${ctxName}" not found`);
  const cluster = (doc.clusters ?? []).find((c: any) => c.name === ctx.cluster)?.cluster;
  if (!cluster?.server) throw new Error(`${kubeconfigPath}: cluster "${ctx.cluster}" not found or has no server`);
  const user = (doc.users ?? []).find((u: any) => u.name === ctx.user)?.user ?? {};
  const base = dirname(resolve(kubeconfigPath));
  return {
    server: String(cluster.server).replace(/\/+$/, ''),
    ca: fileOrData(base, cluster['certificate-authority-data'], cluster['certificate-authority']),
    cert: fileOrData(base, user['client-certificate-data'], user['client-certificate']),
    key: fileOrData(base, user['client-key-data'], user['client-key']),
    token: user.token ?? (user.tokenFile ? readFileSync(resolve(base, user.tokenFile), 'utf8').trim() : undefined),
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}

export class KubeClient {
  readonly conn: Connection;
  private agent: https.Agent;

  constructor(conn: Connection) {
    this.conn = conn;
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 8,
      ca: conn.ca,
      cert: conn.cert,
      key: conn.key,
      rejectUnauthorized: !conn.insecureSkipTLSVerify,
    });
  }

  static fromKubeconfig(kubeconfigPath: string, context?: string): KubeClient {
    return new KubeClient(loadConnection(kubeconfigPath, context));
  }

  /** Send a request; resolves with any HTTP status (see `call` for throwing on non-2xx). */
  request(method: string, path: string, opts: RequestOptions = {}): Promise<KubeResponse> {
    const url = new URL(this.conn.server + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.conn.token) headers.Authorization = `Bearer ${this.conn.token}`;
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const timeoutMs = opts.timeoutMs ?? 30_000;
    return new Promise((resolveP, rejectP) => {
      const req = https.request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', rejectP);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: any;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolveP({ status: res.statusCode ?? 0, text, body });
        });
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url.pathname}: no response within ${timeoutMs} ms`)));
      req.on('error', rejectP);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Like `request`, but throws KubeApiError unless the status is 2xx; returns the parsed body. */
  async call(method: string, path: string, opts: RequestOptions = {}): Promise<any> {
    const res = await this.request(method, path, opts);
    if (res.status < 200 || res.status > 299) throw new KubeApiError(method, path, res);
    return res.body;
  }

  close(): void {
    this.agent.destroy();
  }
}
