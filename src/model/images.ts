/**
 * Container image references, parsed the way the container runtimes and the
 * Kubernetes API server read them (the distribution/reference grammar):
 *
 *   [registry[:port]/]path[:tag][@algorithm:hex]
 *
 * - The first path component is a registry host only when it contains a `.` or
 *   a `:`, is `localhost`, or has an upper-case letter; otherwise the image is on
 *   Docker Hub (`docker.io`).
 * - `index.docker.io` is the same registry as `docker.io`.
 * - Docker Hub images with a single path component live under `library/`
 *   (`nginx` is `docker.io/library/nginx`).
 * - With neither tag nor digest, the runtime pulls `latest`.
 */

export interface ImageRef {
  /** The reference as written in the spec. */
  raw: string;
  /** Registry host, with its port if any, lower-cased: `docker.io`, `registry.example.com:5000`. */
  registry: string;
  /** Repository path inside the registry: `library/nginx`, `team/app`. */
  repository: string;
  /** The tag as written, or undefined when none was given. */
  tag?: string;
  /** The digest (`sha256:…`), or undefined. */
  digest?: string;
  /** `registry/repository`: the fully qualified name without tag or digest. */
  name: string;
}

const DOCKER_HUB = 'docker.io';

// distribution/reference grammar, in pieces.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9A-Fa-f:]+\\])(?::[0-9]+)?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
// The grammar admits any algorithm and 32 or more hex digits, but a digest is then validated (go-digest, which the
// kubelet's image name parsing goes through): only the algorithms it knows, each with its exact length in lower-case
// hex. Anything else is InvalidImageName, not a pin.
const DIGEST = /^(?:sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$/;

/** Whether the first path component of a name is a registry host. */
function isRegistryHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component !== component.toLowerCase();
}

/**
 * Parse an image reference. Returns undefined when the text is not a valid
 * reference (the kubelet could not pull it either).
 */
export function parseImage(raw: string | undefined): ImageRef | undefined {
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (text === '' || text !== raw) return undefined;

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }

  // The tag follows the last ':' after the last '/' (a ':' before it is a port).
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }

  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  if (parts.length > 1 && isRegistryHost(parts[0]!)) {
    const host = parts.shift()!;
    if (!DOMAIN.test(host)) return undefined;
    registry = host.toLowerCase();
    if (registry === 'index.docker.io') registry = DOCKER_HUB;
  }
  if (parts.length === 0 || !parts.every((p) => PATH_COMPONENT.test(p))) return undefined;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');

  const ref: ImageRef = { raw, registry, repository, name: `${registry}/${repository}` };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** Pinned by content: the reference carries a digest, so every pull yields the same bytes. */
export function isDigestPinned(ref: ImageRef): boolean {
  return ref.digest !== undefined;
}

/**
 * The tag the runtime resolves when the reference has no digest: the written
 * tag, or `latest` when none is given. Undefined for digest references, whose
 * tag (if any) is ignored by the runtime.
 */
export function effectiveTag(ref: ImageRef): string | undefined {
  if (ref.digest) return undefined;
  return ref.tag ?? 'latest';
}

/**
 * The imagePullPolicy the API server defaults to when the field is empty:
 * `Always` when the tag is `latest` (written or implied by having neither tag
 * nor digest), else `IfNotPresent`. A digest with an explicit `:latest` tag
 * still defaults to Always, as the API server looks at the tag only.
 */
export function defaultPullPolicy(ref: ImageRef | undefined): 'Always' | 'IfNotPresent' {
  if (!ref) return 'IfNotPresent';
  const tag = ref.tag ?? (ref.digest ? undefined : 'latest');
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/**
 * One entry of a registry allowlist:
 * - `registry.example.com` or `registry.example.com:5000`: that registry host (exact, case-insensitive);
 * - `ghcr.io/acme`: repositories under that path on that host (whole path components only);
 * - `*.dkr.ecr.eu-west-1.amazonaws.com`: any subdomain of that domain (not the domain itself);
 * - `docker.io` (or `index.docker.io`): Docker Hub, which unqualified names like `nginx` resolve to.
 */
export interface RegistryPattern {
  raw: string;
  /** Lower-cased host, without a leading `*.`. */
  host: string;
  wildcard: boolean;
  /** Repository path prefix, without slashes at either end; '' for the whole registry. */
  path: string;
}

export function parseRegistryPattern(raw: string): RegistryPattern | undefined {
  let text = raw.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
  if (!text) return undefined;
  let wildcard = false;
  if (text.startsWith('*.')) {
    wildcard = true;
    text = text.slice(2);
  }
  const slash = text.indexOf('/');
  let host = (slash >= 0 ? text.slice(0, slash) : text).toLowerCase();
  const path = slash >= 0 ? text.slice(slash + 1) : '';
  if (!DOMAIN.test(host)) return undefined;
  if (path && !path.split('/').every((p) => PATH_COMPONENT.test(p))) return undefined;
  if (host === 'index.docker.io') host = DOCKER_HUB;
  return { raw, host, wildcard, path };
}

/** The first allowlist pattern that admits the image, if any. */
export function allowedBy(ref: ImageRef, patterns: readonly RegistryPattern[]): RegistryPattern | undefined {
  return patterns.find((p) => {
    const hostOk = p.wildcard ? ref.registry.endsWith(`.${p.host}`) : ref.registry === p.host;
    if (!hostOk) return false;
    if (!p.path) return true;
    return ref.repository === p.path || ref.repository.startsWith(`${p.path}/`);
  });
}
