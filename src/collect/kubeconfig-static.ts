/**
 * The fast path of resolveTarget: static kubeconfigs (CA, client certificate
 * and key, bearer token, basic auth, TLS options), resolved without importing
 * @kubernetes/client-node, whose config
 * module alone takes ~0.4 s to import (it pulls in the generated API model,
 * undici, socks, openid-client…).
 *
 * StaticKubeConfig does, for what it accepts, exactly what client-node 2.x's
 * KubeConfig does (loadFromString + makePathsAbsolute, getContextObject,
 * getCurrentCluster/User, applyToHTTPSOptions), down to the quirks, so that
 * resolveTarget returns the same Target either way. Anything else throws
 * Unsupported, and resolveTarget starts over with client-node:
 *
 * - a user with `auth-provider`, or any field not in USER_FIELDS (`exec` and
 *   `as`/`as-*` are in it: resolveTarget handles them for both implementations); a cluster with `proxy-url` or a field not in
 *   CLUSTER_FIELDS; a context with a field not in CONTEXT_FIELDS (each only
 *   when it is the one in use);
 * - `token-file` on any user (client-node reads it, relative to the working
 *   directory, while loading, for every user);
 * - a YAML document the two parsers might read differently (this module
 *   parses with `yaml`, client-node with js-yaml, both YAML 1.2 core schema):
 *   parse errors or warnings, directives, anchors, aliases, tags, explicit
 *   keys, tabs, lone CRs, characters outside printable ASCII, a document not
 *   at column 0, flow collections or plain/quoted scalars over several lines
 *   (except in a JSON document), keys that are not plain strings or whose
 *   colon is not on their line, malformed quoted scalars, or a field in use
 *   whose plain scalar is not plainly a string (`1234`, `0x1f`, `.5`, `~`…);
 * - a document client-node would reject while loading (so its error message
 *   is the one reported), and any error while applying the credentials (a file
 *   that cannot be read, an http:// server without insecure-skip-tls-verify).
 *
 * Quirks kept on purpose, because client-node has them:
 * - `tokenFile` (the kubectl spelling) is ignored here, as client-node (which
 *   only knows `token-file`) ignores it; resolveTarget applies it after either
 *   implementation (kubeconfig.ts applyTokenFile), as client-go does;
 * - with no user entry for the context, neither the CA nor the TLS options are
 *   applied;
 * - the server keeps no trailing slash.
 *
 * (The in-cluster service account is resolved by kubeconfig.ts itself, as
 * client-go resolves it.)
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { isAbsolute, join } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';

/** The fast path cannot be sure to match client-node: start over with client-node. */
export class Unsupported extends Error {
  override name = 'Unsupported';
}

interface StaticCluster {
  name: string;
  server: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
  tlsServerName?: string;
  /** Why the fast path cannot use this entry. */
  unsupported?: string;
}

interface StaticUser {
  name: string;
  certData?: string;
  certFile?: string;
  keyData?: string;
  keyFile?: string;
  token?: string;
  username?: string;
  password?: string;
  unsupported?: string;
}

interface StaticContext {
  name: string;
  cluster: string;
  user?: string;
  unsupported?: string;
}


// Fields client-node reads (or that it and this module ignore, like `extensions`).
const CLUSTER_FIELDS = new Set(['server', 'certificate-authority', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name', 'extensions', 'disable-compression']);
// exec and as/as-*: left alone here, as client-node's part is replaced: resolveTarget runs the plugin and sets the
// impersonation headers itself (kubeconfig.ts), for either implementation.
const USER_FIELDS = new Set(['client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'token', 'tokenFile', 'username', 'password', 'extensions', 'exec', 'as', 'as-uid', 'as-groups', 'as-user-extra']);
const CONTEXT_FIELDS = new Set(['cluster', 'user', 'namespace', 'extensions']);
const ENTRY_FIELDS = { cluster: new Set(['name', 'cluster']), user: new Set(['name', 'user']), context: new Set(['name', 'context']) };

/** A plain scalar that is not plainly a string: it may resolve to something else in either parser. */
const AMBIGUOUS = Symbol('ambiguous scalar');
const CORE_WORDS = new Set(['', '~', '<<', 'null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']);

/**
 * Whether a plain scalar might be a null, bool, int or float in the YAML 1.2
 * core schema of js-yaml or yaml (or a merge key): a superset of both —
 * anything that starts like a number (`1`, `-1`, `.5`, `+.5e3`, `0x1f`, `1_000`…).
 */
function looksTyped(s: string): boolean {
  return CORE_WORDS.has(s) || /^[-+]?\.?[0-9]/.test(s) || /^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$/.test(s);
}

type Plain = string | boolean | null | typeof AMBIGUOUS | Plain[] | { [key: string]: Plain };
type PlainMap = { [key: string]: Plain };

export class StaticKubeConfig {
  #clusters: StaticCluster[] = [];
  #users: StaticUser[] = [];
  #contexts: StaticContext[] = [];
  #currentContext: string | null | undefined;

  private constructor() {}

  /**
   * KubeConfig.loadFromString(text) + makePathsAbsolute(rootDirectory).
   * Throws Unsupported when client-node might read the document differently or reject it.
   */
  static fromString(text: string, rootDirectory: string): StaticKubeConfig {
    // Printable ASCII, LF or CRLF line breaks, no tabs: no BOM, no NEL, no tab (js-yaml and yaml disagree
    // on tabs in some places, e.g. after a colon in a flow mapping), nothing js-yaml rejects.
    if (/[^\n\r\x20-\x7e]|\r(?!\n)/.test(text)) throw new Unsupported('characters outside printable ASCII, a tab or a lone CR');
    if (/^%/m.test(text)) throw new Unsupported('YAML directive');
    if (/(?:^|[\s[{,])\?(?:\s|$)/.test(text)) throw new Unsupported('an explicit key (?), or what might be one');
    const doc = parseDocument(text);
    if (doc.errors.length || doc.warnings.length) throw new Unsupported('YAML errors or warnings');
    const root = toPlain(text, doc.contents);
    if (!isPlainMap(root)) throw new Unsupported('not a mapping');
    const kc = new StaticKubeConfig();
    kc.#clusters = list(root.clusters).map(parseCluster);
    kc.#users = list(root.users).map(parseUser);
    kc.#contexts = list(root.contexts).map(parseContext);
    const current = root['current-context'];
    if (current !== undefined && current !== null && typeof current !== 'string') throw new Unsupported('current-context is not plainly a string');
    kc.#currentContext = current;
    for (const c of kc.#clusters) if (c.caFile) c.caFile = makeAbsolutePath(rootDirectory, c.caFile);
    for (const u of kc.#users) {
      if (u.certFile) u.certFile = makeAbsolutePath(rootDirectory, u.certFile);
      if (u.keyFile) u.keyFile = makeAbsolutePath(rootDirectory, u.keyFile);
    }
    return kc;
  }

  getContexts(): readonly StaticContext[] {
    return this.#contexts;
  }

  getCurrentContext(): string {
    return this.#currentContext as string;
  }

  setCurrentContext(name: string): void {
    this.#currentContext = name;
  }

  getContextObject(name: string | null | undefined): StaticContext | null {
    return this.#contexts.find((c) => c.name === name) ?? null;
  }

  getCurrentCluster(): StaticCluster | null {
    const ctx = this.getContextObject(this.#currentContext);
    return ctx ? (this.#clusters.find((c) => c.name === ctx.cluster) ?? null) : null;
  }

  getCurrentUser(): StaticUser | null {
    const ctx = this.getContextObject(this.#currentContext);
    return ctx ? (this.#users.find((u) => u.name === ctx.user) ?? null) : null;
  }

  /** KubeConfig.applyToHTTPSOptions for the entries in use; Unsupported for anything it cannot mirror. */
  async applyToHTTPSOptions(opts: https.RequestOptions): Promise<void> {
    const ctx = this.getContextObject(this.#currentContext);
    const cluster = this.getCurrentCluster();
    const user = this.getCurrentUser();
    if (!cluster) throw new Unsupported('no cluster');
    const unsupported = ctx?.unsupported ?? cluster.unsupported ?? user?.unsupported;
    if (unsupported) throw new Unsupported(unsupported);
    try {
      if (user) {
        // applyHTTPSOptions
        if (cluster.skipTLSVerify) opts.rejectUnauthorized = false;
        if (cluster.tlsServerName) opts.servername = cluster.tlsServerName;
        const ca = bufferFromFileOrString(cluster.caFile, cluster.caData);
        if (ca) opts.ca = ca;
        const cert = bufferFromFileOrString(user.certFile, user.certData);
        if (cert) opts.cert = cert;
        const key = bufferFromFileOrString(user.keyFile, user.keyData);
        if (key) opts.key = key;
        // applyAuthorizationHeader
        const headers: Record<string, string> = (opts.headers ??= {}) as Record<string, string>;
        if (user.token) headers.Authorization = `Bearer ${user.token}`;
        if (user.username) opts.auth = `${user.username}:${user.password}`;
      }
    } catch (err) {
      throw new Unsupported(`cannot apply the credentials: ${(err as Error).message}`);
    }
    const agentOptions: https.AgentOptions = {};
    agentOptions.ca = opts.ca;
    agentOptions.cert = opts.cert;
    agentOptions.key = opts.key;
    agentOptions.pfx = opts.pfx;
    agentOptions.passphrase = opts.passphrase;
    if (opts.rejectUnauthorized !== undefined) agentOptions.rejectUnauthorized = opts.rejectUnauthorized;
    agentOptions.timeout = opts.timeout;
    agentOptions.servername = opts.servername;
    agentOptions.ciphers = opts.ciphers;
    agentOptions.honorCipherOrder = opts.honorCipherOrder;
    agentOptions.ecdhCurve = opts.ecdhCurve;
    agentOptions.clientCertEngine = opts.clientCertEngine;
    agentOptions.crl = opts.crl;
    agentOptions.dhparam = opts.dhparam;
    agentOptions.secureOptions = opts.secureOptions;
    agentOptions.secureProtocol = opts.secureProtocol;
    agentOptions.sessionIdContext = opts.sessionIdContext;
    if (cluster.server.startsWith('http:')) {
      if (!cluster.skipTLSVerify) throw new Unsupported('http server without insecure-skip-tls-verify');
      opts.agent = new http.Agent(agentOptions);
    } else {
      opts.agent = new https.Agent(agentOptions);
    }
  }
}

function makeAbsolutePath(root: string, file: string): string {
  return !root || isAbsolute(file) ? file : join(root, file);
}

function bufferFromFileOrString(file: string | undefined, data: string | undefined): Buffer | null {
  if (file) return readFileSync(file);
  if (data) return Buffer.from(data, 'base64');
  return null;
}

/**
 * The document as plain values, refusing what the two parsers might read
 * differently. Scalars the fast path may use become strings, booleans or null;
 * any other plain scalar (numbers, and strings that look like one) becomes AMBIGUOUS.
 *
 * Line continuations are where js-yaml and yaml disagree most (how far a
 * continuation line of a flow collection or of a plain or quoted scalar must
 * be indented): the document must start at column 0, and only inside a root
 * flow collection (a JSON document) may a flow collection or a scalar other
 * than a block scalar span lines.
 */
function toPlain(text: string, root: unknown): Plain {
  const range = (node: unknown) => (node as { range?: [number, number, number] }).range;
  const spansLines = (node: unknown) => {
    const r = range(node);
    return !r || text.slice(r[0], r[1]).includes('\n');
  };
  if (root === null || root === undefined) throw new Unsupported('an empty document');
  const start = range(root)?.[0];
  if (start !== undefined && start !== text.lastIndexOf('\n', start - 1) + 1) throw new Unsupported('the document does not start at column 0');
  const inJson = (isMap(root) || isSeq(root)) && root.flow === true;

  const walk = (node: unknown): Plain => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) throw new Unsupported('YAML alias');
    const n = node as { anchor?: string; tag?: string };
    if (n.anchor !== undefined || n.tag !== undefined) throw new Unsupported('YAML anchor or tag');
    if (isScalar(node)) {
      const { value, type } = node;
      if (type !== 'BLOCK_LITERAL' && type !== 'BLOCK_FOLDED' && !inJson && spansLines(node)) throw new Unsupported('a scalar over several lines');
      // A quoted scalar must be one, quotes and escapes included (yaml has been seen to take `'v1''` for "v1'").
      const r = range(node);
      const source = r ? text.slice(r[0], r[1]) : '';
      if (type === 'QUOTE_SINGLE' && !/^'(?:[^']|'')*'$/.test(source)) throw new Unsupported('a malformed single-quoted scalar');
      if (type === 'QUOTE_DOUBLE' && !/^"(?:[^"\\]|\\[^])*"$/.test(source)) throw new Unsupported('a malformed double-quoted scalar');
      if (value === null) return null;
      if (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE' || type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') {
        return typeof value === 'string' ? value : AMBIGUOUS;
      }
      if (type !== 'PLAIN') return AMBIGUOUS;
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && !looksTyped(value)) return value;
      return AMBIGUOUS;
    }
    if ((isMap(node) || isSeq(node)) && node.flow && !inJson && spansLines(node)) throw new Unsupported('a flow collection over several lines');
    if (isSeq(node)) return node.items.map(walk);
    if (isMap(node)) {
      const out: PlainMap = Object.create(null);
      for (const pair of node.items) {
        // `key: value` with the colon on the key's line: yaml accepts an implicit key whose colon is on the next line.
        const keyEnd = range(pair.key)?.[1];
        if (keyEnd === undefined || !/^ *:/.test(text.slice(keyEnd, keyEnd + 200))) throw new Unsupported('a key not followed by a colon on its line');
        const key = walk(pair.key);
        if (typeof key !== 'string' || key === '__proto__') throw new Unsupported('a key that is not a plain string');
        out[key] = walk(pair.value);
      }
      return out;
    }
    throw new Unsupported('unknown YAML node');
  };
  return walk(root);
}

function isPlainMap(v: Plain | undefined): v is PlainMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** clusters/users/contexts: client-node takes anything but an array as none; be stricter than null or absent. */
function list(v: Plain | undefined): Plain[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Unsupported('a list that is not a sequence');
  return v;
}

/** A field client-node touches while loading: a string, or absent (null, '' count as absent). Anything else: Unsupported. */
function loadString(m: PlainMap, key: string, what: string): string | undefined {
  const v = m[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new Unsupported(`${what}.${key} is not plainly a string`);
  return v;
}

/** A name client-node compares with ===: a non-empty string. */
function loadName(m: PlainMap, key: string, what: string): string {
  const v = m[key];
  if (typeof v !== 'string' || v === '') throw new Unsupported(`${what}.${key} is missing or not plainly a string`);
  return v;
}

/** A field used only for the entry in use: its oddities make that entry unsupported, not the document. */
function useString(m: PlainMap, key: string, odd: string[]): string | undefined {
  const v = m[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') {
    odd.push(`${key} is not plainly a string`);
    return undefined;
  }
  return v;
}

function unknownFields(m: PlainMap, known: Set<string>, odd: string[]): void {
  for (const k of Object.keys(m)) if (!known.has(k)) odd.push(`field ${k}`);
}

function parseCluster(elt: Plain): StaticCluster {
  if (!isPlainMap(elt)) throw new Unsupported('a cluster entry that is not a mapping');
  const name = loadName(elt, 'name', 'cluster');
  const c = elt.cluster;
  if (!isPlainMap(c)) throw new Unsupported(`cluster ${name} has no cluster mapping`);
  const server = loadName(c, 'server', `cluster ${name}`);
  const odd: string[] = [];
  unknownFields(elt, ENTRY_FIELDS.cluster, odd);
  unknownFields(c, CLUSTER_FIELDS, odd);
  if (c['proxy-url'] !== undefined) odd.push('proxy-url');
  const cluster: StaticCluster = { name, server: server.replace(/\/$/, ''), skipTLSVerify: false };
  const caFile = loadString(c, 'certificate-authority', `cluster ${name}`);
  if (caFile !== undefined) cluster.caFile = caFile;
  const caData = useString(c, 'certificate-authority-data', odd);
  if (caData !== undefined) cluster.caData = caData;
  const skip = c['insecure-skip-tls-verify'];
  if (skip === true) cluster.skipTLSVerify = true;
  else if (skip !== undefined && skip !== null && skip !== false) odd.push('insecure-skip-tls-verify is not a boolean');
  const sni = useString(c, 'tls-server-name', odd);
  if (sni !== undefined) cluster.tlsServerName = sni;
  if (odd.length) cluster.unsupported = `cluster ${name}: ${odd.join(', ')}`;
  return cluster;
}

function parseUser(elt: Plain): StaticUser {
  if (!isPlainMap(elt)) throw new Unsupported('a user entry that is not a mapping');
  const name = loadName(elt, 'name', 'user');
  const u = elt.user ?? null;
  const user: StaticUser = { name };
  if (u === null) return user;
  if (!isPlainMap(u)) throw new Unsupported(`user ${name}: user is not a mapping`);
  // client-node reads `token-file` while loading, for every user, relative to the working directory.
  if (u['token-file'] !== undefined) throw new Unsupported(`user ${name}: token-file`);
  const odd: string[] = [];
  unknownFields(elt, ENTRY_FIELDS.user, odd);
  unknownFields(u, USER_FIELDS, odd);
  const certFile = loadString(u, 'client-certificate', `user ${name}`);
  if (certFile !== undefined) user.certFile = certFile;
  const keyFile = loadString(u, 'client-key', `user ${name}`);
  if (keyFile !== undefined) user.keyFile = keyFile;
  const certData = useString(u, 'client-certificate-data', odd);
  if (certData !== undefined) user.certData = certData;
  const keyData = useString(u, 'client-key-data', odd);
  if (keyData !== undefined) user.keyData = keyData;
  const token = useString(u, 'token', odd);
  if (token !== undefined) user.token = token;
  const username = useString(u, 'username', odd);
  if (username !== undefined) {
    // client-node sends `${username}:${password}` whatever password is (undefined, null): mirror only a string.
    if (typeof u.password !== 'string') odd.push('username without a password string');
    else user.password = u.password;
    user.username = username;
  }
  if (odd.length) user.unsupported = `user ${name}: ${odd.join(', ')}`;
  return user;
}

function parseContext(elt: Plain): StaticContext {
  if (!isPlainMap(elt)) throw new Unsupported('a context entry that is not a mapping');
  const name = loadName(elt, 'name', 'context');
  const c = elt.context;
  if (!isPlainMap(c)) throw new Unsupported(`context ${name} has no context mapping`);
  const ctx: StaticContext = { name, cluster: loadName(c, 'cluster', `context ${name}`) };
  // client-node: `user || undefined`.
  const user = loadString(c, 'user', `context ${name}`);
  if (user !== undefined) ctx.user = user;
  const odd: string[] = [];
  unknownFields(elt, ENTRY_FIELDS.context, odd);
  unknownFields(c, CONTEXT_FIELDS, odd);
  if (odd.length) ctx.unsupported = `context ${name}: ${odd.join(', ')}`;
  return ctx;
}
