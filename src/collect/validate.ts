/**
 * The structural check of objects read from manifests (static mode). The API server decodes an object into its Go
 * types and then validates it; what it refuses never runs, and what k8s-audit's controls read of it has no meaning:
 * `privileged: "true"` is no boolean, `containers: {name: c}` no list, a Deployment with `spec: null` no pods. This
 * check refuses, for the fields the controls read, what the API server would refuse, so that such an object gets
 * neither a verdict nor a crash. It covers what the controls read, not the whole API: a field no control reads is
 * left to the API server.
 *
 * It also leaves each object as the API server would store it where the two differ without a refusal: JSON `null`
 * for an optional field is unset (the field is deleted), a `null` map value is "", and a `null` list item is the
 * item's zero value (`ingress: [null]` is stored as `ingress: [{}]`, a rule that admits everything), or a refusal
 * where the zero value is itself refused (`containers: [null]`: a container without a name).
 */
import { isIP } from 'node:net';
import { KINDS, checkedKindOf } from './kinds.ts';

export type FieldPath = (string | number)[];

/** What the API server would refuse in an object: where (`['spec', 'containers', 0]`) and why. */
export interface Refusal {
  path: FieldPath;
  problem: string;
}

class Refused extends Error {
  readonly path: FieldPath;
  readonly problem: string;
  constructor(path: FieldPath, problem: string) {
    super(problem);
    this.path = path;
    this.problem = problem;
  }
}

type Obj = Record<string, unknown>;

/** `spec.containers[0].securityContext.privileged` */
export function formatPath(path: FieldPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** A value as a message names it: `the string "true"`, `the number 1.5`, `a list`. */
function shown(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'string':
      return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
    case 'number':
    case 'bigint':
      return `the number ${v}`;
    case 'boolean':
      return `the boolean ${v}`;
    case 'object':
      return 'a map';
    default:
      return typeof v;
  }
}

const isMap = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function refuse(path: FieldPath, problem: string): never {
  throw new Refused(path, problem);
}

/** `parent[key]`, with `null` deleted: the API server reads JSON null as unset. */
function get(parent: Obj, key: string): unknown {
  if (parent[key] === null) delete parent[key];
  return parent[key];
}

function required(parent: Obj, key: string, path: FieldPath, what: string): unknown {
  const v = parent[key];
  if (v === undefined) refuse([...path, key], 'is required');
  if (v === null) refuse([...path, key], `must be ${what}, not null`);
  return v;
}

// Typed readers: each returns the field (undefined when unset) or refuses a value of another type.

function map(parent: Obj, key: string, path: FieldPath): Obj | undefined {
  const v = get(parent, key);
  if (v !== undefined && !isMap(v)) refuse([...path, key], `must be a map, not ${shown(v)}`);
  return v;
}

function requiredMap(parent: Obj, key: string, path: FieldPath): Obj {
  const v = required(parent, key, path, 'a map');
  if (!isMap(v)) refuse([...path, key], `must be a map, not ${shown(v)}`);
  return v;
}

/** A string field; numbers and booleans are what an unquoted YAML `1.5` or `yes` became. */
function str(parent: Obj, key: string, path: FieldPath, oneOf?: readonly string[]): string | undefined {
  const v = get(parent, key);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') refuse([...path, key], `must be a string, not ${shown(v)}${typeof v === 'number' || typeof v === 'boolean' ? ' (quote it)' : ''}`);
  if (oneOf && !oneOf.includes(v)) refuse([...path, key], `must be one of ${oneOf.map((o) => `"${o}"`).join(', ')}, not "${v}"`);
  return v;
}

/** A string the API server requires to be non-empty. */
function name(parent: Obj, key: string, path: FieldPath, oneOf?: readonly string[]): string {
  required(parent, key, path, 'a string');
  const v = str(parent, key, path, oneOf)!;
  if (v === '') refuse([...path, key], 'must not be empty');
  return v;
}

function bool(parent: Obj, key: string, path: FieldPath): void {
  const v = get(parent, key);
  if (v !== undefined && typeof v !== 'boolean') refuse([...path, key], `must be a boolean, not ${shown(v)}`);
}

function int(parent: Obj, key: string, path: FieldPath, min?: number, max?: number): number | undefined {
  const v = get(parent, key);
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) refuse([...path, key], `must be an integer, not ${shown(v)}`);
  if ((min !== undefined && v < min) || (max !== undefined && v > max)) refuse([...path, key], `must be an integer from ${min} to ${max}, not ${v}`);
  return v;
}

/**
 * A list field. A `null` item is what the API server decodes it to: `zero` (for items whose zero value it accepts), or
 * a refusal. Each item is passed to `each`.
 */
function list(parent: Obj, key: string, path: FieldPath, each: (item: unknown, at: FieldPath, items: unknown[], i: number) => void, zero?: () => unknown): unknown[] | undefined {
  const v = get(parent, key);
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) refuse([...path, key], `must be a list, not ${shown(v)}`);
  v.forEach((item, i) => {
    if (item === null && zero) v[i] = zero();
    each(v[i], [...path, key, i], v, i);
  });
  return v;
}

/** A list of maps; `null` items are refused unless `emptyIsValid` (then they are `{}`). */
function maps(parent: Obj, key: string, path: FieldPath, each: (item: Obj, at: FieldPath) => void, emptyIsValid = false): unknown[] | undefined {
  return list(
    parent,
    key,
    path,
    (item, at) => {
      if (!isMap(item)) refuse(at, `must be a map, not ${shown(item)}`);
      each(item, at);
    },
    emptyIsValid ? () => ({}) : undefined,
  );
}

/** A list of strings; a `null` item is "". */
function strings(parent: Obj, key: string, path: FieldPath): string[] | undefined {
  return list(
    parent,
    key,
    path,
    (item, at) => {
      if (typeof item !== 'string') refuse(at, `must be a string, not ${shown(item)}${typeof item === 'number' || typeof item === 'boolean' ? ' (quote it)' : ''}`);
    },
    () => '',
  ) as string[] | undefined;
}

/** A map of strings (labels, annotations, matchLabels, nodeSelector); a `null` value is "". */
function stringMap(parent: Obj, key: string, path: FieldPath): void {
  const m = map(parent, key, path);
  for (const [k, v] of Object.entries(m ?? {})) {
    if (v === null) m![k] = '';
    else if (typeof v !== 'string') refuse([...path, key, k], `must be a string, not ${shown(v)}${typeof v === 'number' || typeof v === 'boolean' ? ' (quote it)' : ''}`);
  }
}

/** A port by number or by name (IntOrString): a name is an IANA service name, so `"80"` quoted is no port. */
function port(parent: Obj, key: string, path: FieldPath, isRequired = false): void {
  if (isRequired) required(parent, key, path, 'a port number or name');
  const v = get(parent, key);
  if (v === undefined) return;
  if (typeof v === 'number') int(parent, key, path, 1, 65535);
  else if (typeof v === 'string') portName(parent, key, path);
  else refuse([...path, key], `must be a port number or name, not ${shown(v)}`);
}

/** An IANA service name, as the API server requires of port names: `http`, `metrics-1`. */
function portName(parent: Obj, key: string, path: FieldPath): void {
  const v = str(parent, key, path);
  if (v === undefined) return;
  if (v.length > 15 || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(v) || v.includes('--') || !/[a-z]/.test(v)) {
    refuse([...path, key], `must be a port name (at most 15 lowercase letters, digits and '-', with a letter), not "${v}"${/^\d+$/.test(v) ? ' (a port number must not be quoted)' : ''}`);
  }
}

function cidr(v: string, at: FieldPath): void {
  const [addr, bits, extra] = v.split('/');
  const family = isIP(addr ?? '');
  if (extra !== undefined || !family || !bits || !/^\d+$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128)) refuse(at, `must be a CIDR (10.0.0.0/8, 2001:db8::/64), not "${v}"`);
}

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

function labelSelector(sel: Obj, at: FieldPath): void {
  stringMap(sel, 'matchLabels', at);
  maps(sel, 'matchExpressions', at, (e, eAt) => {
    name(e, 'key', eAt);
    const op = name(e, 'operator', eAt, SELECTOR_OPERATORS);
    const values = strings(e, 'values', eAt) ?? [];
    if ((op === 'In' || op === 'NotIn') && values.length === 0) refuse([...eAt, 'values'], `must be a non-empty list when the operator is ${op}`);
    if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) refuse([...eAt, 'values'], `must be empty when the operator is ${op}`);
  });
}

function selectorField(parent: Obj, key: string, path: FieldPath): void {
  const sel = map(parent, key, path);
  if (sel) labelSelector(sel, [...path, key]);
}

// Metadata.

function metadata(meta: Obj, at: FieldPath): void {
  str(meta, 'namespace', at);
  str(meta, 'generateName', at);
  stringMap(meta, 'labels', at);
  stringMap(meta, 'annotations', at);
  maps(meta, 'ownerReferences', at, (ref, refAt) => {
    for (const k of ['apiVersion', 'kind', 'name', 'uid']) name(ref, k, refAt);
    bool(ref, 'controller', refAt);
    bool(ref, 'blockOwnerDeletion', refAt);
  });
}

/**
 * The API server's grammar of a quantity (resource.ParseQuantity): a signed decimal number, then a binary suffix
 * (Ki…Ei), a decimal one (n, u, m, k, M…E) or an exponent (e3, E-2). Spaces around it are trimmed first; `512mi` or
 * `1e` are not quantities.
 */
const QUANTITY = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

/** A map of resource quantities (`cpu: 500m`, `memory: 1Gi`, `cpu: 2`): pod-resources-missing reads zero as missing. */
function quantities(parent: Obj, key: string, path: FieldPath): void {
  const q = map(parent, key, path);
  for (const [r, v] of Object.entries(q ?? {})) {
    if (v === null) continue;
    const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.replace(/^ +| +$/g, '') : undefined;
    if (text === undefined || !QUANTITY.test(text)) refuse([...path, key, r], `must be a quantity ("500m", "1Gi", 2), not ${shown(v)}`);
    // Container and pod resources (and a LimitRange's) may not be negative.
    if (text.startsWith('-') && !/^-0*(?:\.0*)?(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$/.test(text)) refuse([...path, key, r], `must not be negative: ${shown(v)}`);
  }
}

// Pods.

const UID_MAX = 2147483647;
const PROFILE_TYPES = ['RuntimeDefault', 'Localhost', 'Unconfined'] as const;

/** A seccompProfile or appArmorProfile: a type is required, and a Localhost one names its profile. */
function profile(parent: Obj, key: string, path: FieldPath): void {
  const p = map(parent, key, path);
  if (!p) return;
  const at = [...path, key];
  const type = name(p, 'type', at, PROFILE_TYPES);
  const local = str(p, 'localhostProfile', at);
  // Required with Localhost; the API server accepts it empty.
  if (type === 'Localhost' && local === undefined) refuse([...at, 'localhostProfile'], 'is required when the type is Localhost');
}

/** The fields a pod's and a container's securityContext share. */
function securityContextCommon(sc: Obj, at: FieldPath): void {
  for (const k of ['runAsUser', 'runAsGroup']) int(sc, k, at, 0, UID_MAX);
  bool(sc, 'runAsNonRoot', at);
  profile(sc, 'seccompProfile', at);
  profile(sc, 'appArmorProfile', at);
  const se = map(sc, 'seLinuxOptions', at);
  if (se) for (const k of ['user', 'role', 'type', 'level']) str(se, k, [...at, 'seLinuxOptions']);
  const win = map(sc, 'windowsOptions', at);
  if (win) {
    bool(win, 'hostProcess', [...at, 'windowsOptions']);
    for (const k of ['gmsaCredentialSpecName', 'gmsaCredentialSpec', 'runAsUserName']) str(win, k, [...at, 'windowsOptions']);
  }
}

/** An exec, httpGet, tcpSocket or grpc action: a probe's, or a lifecycle hook's. */
function handler(h: Obj, at: FieldPath, isProbe: boolean): void {
  const exec = map(h, 'exec', at);
  if (exec) strings(exec, 'command', [...at, 'exec']);
  for (const k of ['httpGet', 'tcpSocket']) {
    const a = map(h, k, at);
    if (!a) continue;
    str(a, 'host', [...at, k]);
    port(a, 'port', [...at, k], true);
    if (k === 'httpGet') for (const f of ['path', 'scheme']) str(a, f, [...at, k]);
  }
  const grpc = map(h, 'grpc', at);
  if (grpc) {
    required(grpc, 'port', [...at, 'grpc'], 'a port number');
    int(grpc, 'port', [...at, 'grpc'], 1, 65535);
  }
  const set = ['exec', 'httpGet', 'tcpSocket', 'grpc', ...(isProbe ? [] : ['sleep'])].filter((k) => h[k] !== undefined);
  if (isProbe && set.length === 0) refuse(at, 'must have a handler: exec, httpGet, tcpSocket or grpc');
  if (set.length > 1) refuse(at, `must have one handler, not ${set.join(' and ')}`);
}

function container(c: Obj, at: FieldPath): void {
  name(c, 'name', at);
  // Required; white space around it is refused only in a bare Pod's, and pod templates carry placeholders such as " ".
  name(c, 'image', at);
  str(c, 'imagePullPolicy', at, ['Always', 'IfNotPresent', 'Never']);
  for (const k of ['command', 'args']) strings(c, k, at);
  for (const k of ['workingDir', 'restartPolicy']) str(c, k, at);
  maps(c, 'ports', at, (p, pAt) => {
    required(p, 'containerPort', pAt, 'a port number');
    int(p, 'containerPort', pAt, 1, 65535);
    int(p, 'hostPort', pAt, 0, 65535);
    portName(p, 'name', pAt);
    str(p, 'protocol', pAt, ['TCP', 'UDP', 'SCTP']);
    str(p, 'hostIP', pAt);
  });
  maps(c, 'env', at, (e, eAt) => {
    name(e, 'name', eAt);
    str(e, 'value', eAt);
    const from = map(e, 'valueFrom', eAt);
    if (!from) return;
    const fromAt = [...eAt, 'valueFrom'];
    for (const k of ['secretKeyRef', 'configMapKeyRef']) {
      const ref = map(from, k, fromAt);
      if (!ref) continue;
      str(ref, 'name', [...fromAt, k]);
      name(ref, 'key', [...fromAt, k]);
      bool(ref, 'optional', [...fromAt, k]);
    }
    const field = map(from, 'fieldRef', fromAt);
    if (field) name(field, 'fieldPath', [...fromAt, 'fieldRef']);
    const resource = map(from, 'resourceFieldRef', fromAt);
    if (resource) name(resource, 'resource', [...fromAt, 'resourceFieldRef']);
  });
  maps(c, 'envFrom', at, (e, eAt) => {
    str(e, 'prefix', eAt);
    for (const k of ['secretRef', 'configMapRef']) {
      const ref = map(e, k, eAt);
      if (!ref) continue;
      str(ref, 'name', [...eAt, k]);
      bool(ref, 'optional', [...eAt, k]);
    }
  });
  maps(c, 'volumeMounts', at, (m, mAt) => {
    name(m, 'name', mAt);
    name(m, 'mountPath', mAt);
    bool(m, 'readOnly', mAt);
    for (const k of ['subPath', 'subPathExpr', 'mountPropagation']) str(m, k, mAt);
    str(m, 'recursiveReadOnly', mAt, ['Disabled', 'IfPossible', 'Enabled']);
  });
  const sc = map(c, 'securityContext', at);
  if (sc) {
    const scAt = [...at, 'securityContext'];
    for (const k of ['privileged', 'allowPrivilegeEscalation', 'readOnlyRootFilesystem']) bool(sc, k, scAt);
    str(sc, 'procMount', scAt, ['Default', 'Unmasked']);
    const caps = map(sc, 'capabilities', scAt);
    if (caps) for (const k of ['add', 'drop']) strings(caps, k, [...scAt, 'capabilities']);
    securityContextCommon(sc, scAt);
  }
  const resources = map(c, 'resources', at);
  if (resources) for (const k of ['requests', 'limits']) quantities(resources, k, [...at, 'resources']);
  for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe = map(c, k, at);
    if (probe) handler(probe, [...at, k], true);
  }
  const lifecycle = map(c, 'lifecycle', at);
  if (lifecycle) {
    for (const k of ['postStart', 'preStop']) {
      const hook = map(lifecycle, k, [...at, 'lifecycle']);
      if (hook) handler(hook, [...at, 'lifecycle', k], false);
    }
  }
}

function podSpec(spec: Obj, at: FieldPath, restartPolicies: readonly string[] = ['Always', 'OnFailure', 'Never'], claims: readonly unknown[] = []): void {
  const containers = required(spec, 'containers', at, 'a non-empty list of containers');
  if (Array.isArray(containers) && containers.length === 0) refuse([...at, 'containers'], 'must be a non-empty list of containers, not an empty list');
  for (const k of ['initContainers', 'containers', 'ephemeralContainers']) maps(spec, k, at, container);
  for (const k of ['hostNetwork', 'hostPID', 'hostIPC', 'hostUsers', 'automountServiceAccountToken', 'shareProcessNamespace']) bool(spec, k, at);
  for (const k of ['serviceAccountName', 'serviceAccount', 'nodeName', 'runtimeClassName', 'priorityClassName']) str(spec, k, at);
  // A Job's pods must not restart in place (OnFailure, Never), a controller's must (Always, the default).
  if (get(spec, 'restartPolicy') === undefined && !restartPolicies.includes('Always')) refuse([...at, 'restartPolicy'], `is required in a Job's pod template: ${restartPolicies.map((r) => `"${r}"`).join(' or ')}`);
  str(spec, 'restartPolicy', at, restartPolicies);
  stringMap(spec, 'nodeSelector', at);
  const os = map(spec, 'os', at);
  if (os) name(os, 'name', [...at, 'os'], ['linux', 'windows']);
  const sc = map(spec, 'securityContext', at);
  if (sc) {
    const scAt = [...at, 'securityContext'];
    securityContextCommon(sc, scAt);
    int(sc, 'fsGroup', scAt);
    list(sc, 'supplementalGroups', scAt, (g, gAt) => {
      if (typeof g !== 'number' || !Number.isInteger(g)) refuse(gAt, `must be an integer, not ${shown(g)}`);
    }, () => 0);
    maps(sc, 'sysctls', scAt, (s, sAt) => {
      name(s, 'name', sAt);
      str(s, 'value', sAt);
    });
  }
  maps(spec, 'volumes', at, (v, vAt) => {
    name(v, 'name', vAt);
    // Every volume source (hostPath, secret, emptyDir, …) is a map, and a volume has one (none: an emptyDir).
    for (const k of Object.keys(v)) if (k !== 'name') map(v, k, vAt);
    const sources = Object.keys(v).filter((k) => k !== 'name');
    if (sources.length > 1) refuse(vAt, `must have one volume source, not ${sources.join(' and ')}`);
    const hostPath = v.hostPath as Obj | undefined;
    if (hostPath) {
      name(hostPath, 'path', [...vAt, 'hostPath']);
      str(hostPath, 'type', [...vAt, 'hostPath']);
    }
    const secret = v.secret as Obj | undefined;
    if (secret) str(secret, 'secretName', [...vAt, 'secret']);
  });
  // The hostPath controls follow a mount to its volume by name (a StatefulSet's claim templates are volumes too).
  const volumes = new Set([...((spec.volumes ?? []) as Obj[]).map((v) => v.name), ...claims]);
  for (const k of ['initContainers', 'containers', 'ephemeralContainers']) {
    ((spec[k] ?? []) as Obj[]).forEach((c, i) =>
      ((c.volumeMounts ?? []) as Obj[]).forEach((m, j) => {
        if (!volumes.has(m.name)) refuse([...at, k, i, 'volumeMounts', j, 'name'], `names no volume of the pod: "${m.name as string}"`);
      }),
    );
  }
}

/** A pod template (`spec.template`, `spec.jobTemplate.spec.template`): metadata and a pod spec, both read by the controls. */
function podTemplate(parent: Obj, at: FieldPath, restartPolicies: readonly string[]): void {
  const t = requiredMap(parent, 'template', at);
  const tAt = [...at, 'template'];
  const meta = map(t, 'metadata', tAt);
  if (meta) metadata(meta, [...tAt, 'metadata']);
  const claims: unknown[] = [];
  maps(parent, 'volumeClaimTemplates', at, (c, cAt) => {
    const claimMeta = map(c, 'metadata', cAt);
    if (claimMeta) claims.push(str(claimMeta, 'name', [...cAt, 'metadata']));
  });
  podSpec(requiredMap(t, 'spec', tAt), [...tAt, 'spec'], restartPolicies, claims);
}

const JOB_RESTART = ['OnFailure', 'Never'] as const;

// RBAC.

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function rules(o: Obj, namespaced: boolean): void {
  maps(o, 'rules', [], (r, at) => {
    const verbs = strings(r, 'verbs', at) ?? [];
    if (verbs.length === 0) refuse([...at, 'verbs'], 'must be a non-empty list');
    const apiGroups = strings(r, 'apiGroups', at) ?? [];
    const resources = strings(r, 'resources', at) ?? [];
    strings(r, 'resourceNames', at);
    const urls = strings(r, 'nonResourceURLs', at) ?? [];
    if (urls.length > 0) {
      if (namespaced) refuse([...at, 'nonResourceURLs'], 'must be empty in a Role (namespaced rules cannot apply to non-resource URLs)');
      if (resources.length > 0) refuse(at, 'must not give both resources and nonResourceURLs');
      return;
    }
    if (apiGroups.length === 0) refuse([...at, 'apiGroups'], 'must be a non-empty list (use [""] for the core group)');
    if (resources.length === 0) refuse([...at, 'resources'], 'must be a non-empty list');
  });
}

function binding(o: Obj): void {
  const ref = requiredMap(o, 'roleRef', []);
  // A ClusterRoleBinding to a Role, a subject of another kind (`user`), a ServiceAccount of a ClusterRoleBinding without
  // a namespace are refused too; but the RBAC model reads them as the refusal leaves things, granting nothing to anyone
  // (rbac-dangling-binding reports the first). Only their types are checked.
  name(ref, 'kind', ['roleRef'], ['Role', 'ClusterRole']);
  name(ref, 'name', ['roleRef']);
  const group = str(ref, 'apiGroup', ['roleRef']);
  if (group) str(ref, 'apiGroup', ['roleRef'], [RBAC_GROUP]);
  maps(o, 'subjects', [], (s, at) => {
    name(s, 'kind', at);
    name(s, 'name', at);
    str(s, 'apiGroup', at);
    str(s, 'namespace', at);
  });
}

// NetworkPolicy.

function networkPolicy(spec: Obj): void {
  const at = ['spec'];
  selectorField(spec, 'podSelector', at);
  strings(spec, 'policyTypes', at)?.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') refuse([...at, 'policyTypes', i], `must be "Ingress" or "Egress", not "${t}"`);
  });
  for (const [direction, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
    maps(
      spec,
      direction,
      at,
      (rule, rAt) => {
        maps(rule, peers, rAt, (peer, pAt) => {
          selectorField(peer, 'podSelector', pAt);
          selectorField(peer, 'namespaceSelector', pAt);
          const block = map(peer, 'ipBlock', pAt);
          if (block) {
            const bAt = [...pAt, 'ipBlock'];
            cidr(name(block, 'cidr', bAt), [...bAt, 'cidr']);
            strings(block, 'except', bAt)?.forEach((e, i) => cidr(e, [...bAt, 'except', i]));
            if (peer.podSelector !== undefined || peer.namespaceSelector !== undefined) refuse(pAt, 'must not give ipBlock with podSelector or namespaceSelector');
          } else if (peer.podSelector === undefined && peer.namespaceSelector === undefined) {
            refuse(pAt, 'must give podSelector, namespaceSelector or ipBlock');
          }
        });
        maps(
          rule,
          'ports',
          rAt,
          (p, pAt) => {
            port(p, 'port', pAt);
            str(p, 'protocol', pAt, ['TCP', 'UDP', 'SCTP']);
            const end = int(p, 'endPort', pAt, 1, 65535);
            if (end !== undefined) {
              if (typeof p.port !== 'number') refuse([...pAt, 'endPort'], 'needs a numbered port');
              if (end < p.port) refuse([...pAt, 'endPort'], `must not be below the port, ${p.port}`);
            }
          },
          true, // an empty `{}` port is every port
        );
      },
      true, // an empty `{}` rule admits all traffic: what `ingress: [null]` is stored as
    );
  }
}

// Ingresses, LimitRanges, admission.

function ingress(o: Obj): void {
  const spec = map(o, 'spec', []) ?? {};
  const rules = maps(spec, 'rules', ['spec'], (r, at) => str(r, 'host', at), true);
  maps(
    spec,
    'tls',
    ['spec'],
    (t, at) => {
      strings(t, 'hosts', at);
      str(t, 'secretName', at);
    },
    true,
  );
  // v1beta1 Ingresses (extensions, networking.k8s.io) name their default backend `backend`.
  const legacy = typeof o.apiVersion === 'string' && o.apiVersion.endsWith('/v1beta1') && map(spec, 'backend', ['spec']) !== undefined;
  if (!rules?.length && !legacy && map(spec, 'defaultBackend', ['spec']) === undefined) refuse(['spec'], 'must give rules or a defaultBackend');
}

/** An admission rule: operations, apiGroups, apiVersions and resources, each a non-empty list of strings. */
function ruleWithOperations(r: Obj, at: FieldPath): void {
  for (const k of ['operations', 'apiGroups', 'apiVersions', 'resources']) {
    const items = strings(r, k, at) ?? [];
    if (items.length === 0) refuse([...at, k], 'must be a non-empty list');
    // "" is the core API group, and no version, resource or operation.
    items.forEach((v, i) => {
      if (k !== 'apiGroups' && v === '') refuse([...at, k, i], 'must not be empty');
      if (k === 'operations' && !['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT'].includes(v)) refuse([...at, k, i], `must be one of "*", "CREATE", "UPDATE", "DELETE", "CONNECT", not "${v}"`);
    });
  }
}

function webhooks(o: Obj): void {
  maps(o, 'webhooks', [], (w, at) => {
    name(w, 'name', at);
    maps(w, 'rules', at, ruleWithOperations);
    str(w, 'failurePolicy', at, ['Ignore', 'Fail']);
    selectorField(w, 'namespaceSelector', at);
    selectorField(w, 'objectSelector', at);
    const client = map(w, 'clientConfig', at);
    if (client) {
      str(client, 'url', [...at, 'clientConfig']);
      const svc = map(client, 'service', [...at, 'clientConfig']);
      if (svc) for (const k of ['name', 'namespace']) name(svc, k, [...at, 'clientConfig', 'service']);
    }
  });
}

function check(o: Obj): void {
  metadata(o.metadata as Obj, ['metadata']);
  const key = checkedKindOf(o.apiVersion as string, o.kind as string);
  switch (key ? KINDS[key].kind : undefined) {
    case 'Pod':
      podSpec(requiredMap(o, 'spec', []), ['spec']);
      break;
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicationController':
      podTemplate(requiredMap(o, 'spec', []), ['spec'], ['Always']);
      break;
    case 'Job':
      podTemplate(requiredMap(o, 'spec', []), ['spec'], JOB_RESTART);
      break;
    case 'CronJob': {
      const spec = requiredMap(o, 'spec', []);
      name(spec, 'schedule', ['spec']);
      const jobTemplate = requiredMap(spec, 'jobTemplate', ['spec']);
      const at = ['spec', 'jobTemplate'];
      const meta = map(jobTemplate, 'metadata', at);
      if (meta) metadata(meta, [...at, 'metadata']);
      podTemplate(requiredMap(jobTemplate, 'spec', at), [...at, 'spec'], JOB_RESTART);
      break;
    }
    case 'Ingress':
      ingress(o);
      break;
    case 'LimitRange': {
      const spec = map(o, 'spec', []);
      maps(spec ?? {}, 'limits', ['spec'], (l, at) => {
        name(l, 'type', at);
        for (const k of ['default', 'defaultRequest', 'max', 'min']) quantities(l, k, at);
      });
      break;
    }
    case 'ValidatingWebhookConfiguration':
    case 'MutatingWebhookConfiguration':
      webhooks(o);
      break;
    case 'ValidatingAdmissionPolicy': {
      const spec = map(o, 'spec', []);
      const match = spec && map(spec, 'matchConstraints', ['spec']);
      if (match) maps(match, 'resourceRules', ['spec', 'matchConstraints'], ruleWithOperations);
      break;
    }
    case 'ValidatingAdmissionPolicyBinding': {
      const spec = map(o, 'spec', []);
      if (!spec) break;
      str(spec, 'policyName', ['spec']);
      strings(spec, 'validationActions', ['spec'])?.forEach((a, i) => {
        if (!['Deny', 'Warn', 'Audit'].includes(a)) refuse(['spec', 'validationActions', i], `must be "Deny", "Warn" or "Audit", not "${a}"`);
      });
      break;
    }
    case 'Role':
    case 'ClusterRole':
      rules(o, o.kind === 'Role');
      if (o.kind === 'ClusterRole') {
        const agg = map(o, 'aggregationRule', []);
        if (agg) {
          const selectors = maps(agg, 'clusterRoleSelectors', ['aggregationRule'], labelSelector, true);
          if (!selectors?.length) refuse(['aggregationRule', 'clusterRoleSelectors'], 'must be a non-empty list of label selectors when aggregationRule is set');
        }
      }
      break;
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      binding(o);
      break;
    case 'NetworkPolicy': {
      const spec = map(o, 'spec', []);
      if (spec) networkPolicy(spec);
      break;
    }
    case 'ServiceAccount':
      bool(o, 'automountServiceAccountToken', []);
      break;
  }
}

/**
 * What the API server would refuse in an object of a kind k8s-audit checks, for the fields its controls read, or
 * undefined. The object must have string apiVersion, kind and metadata.name. Nulls are normalised in place (see top).
 */
export function refusalOf(o: Record<string, unknown>): Refusal | undefined {
  try {
    check(o);
    return undefined;
  } catch (err) {
    if (err instanceof Refused) return { path: err.path, problem: err.problem };
    throw err;
  }
}
