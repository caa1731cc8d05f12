/**
 * Random Pod specs for the PodSecurity oracle test (test/integration/pss-oracle.test.ts),
 * deterministic for a seed.
 *
 * Every field the Pod Security Standards inspect is drawn at random, at the pod
 * level and on init, regular and ephemeral containers, so that inheritance and
 * override (pod-level runAsNonRoot, seccomp, AppArmor, SELinux, hostProcess) and
 * the deprecated annotations (AppArmor, seccomp) are exercised:
 *
 *   hostNetwork, hostPID, hostIPC, hostUsers, os.name, sysctls (from every
 *   version's safe set and beyond), volumes (allowed and restricted types, and a
 *   source-less one the API server turns into emptyDir), ports and hostPorts,
 *   probe and lifecycle hosts, privileged, allowPrivilegeEscalation, capabilities
 *   add/drop, runAsNonRoot, runAsUser, seccompProfile, appArmorProfile,
 *   seLinuxOptions, procMount, windowsOptions.hostProcess.
 *
 * Pods start from one of three bases — restricted-compliant, baseline-compliant
 * or anything — and then take a few random mutations, so that many sit right at
 * a check's boundary (one field away from passing), where mistakes hide.
 *
 * The API server validates a pod before PodSecurity sees it, so the generator
 * keeps to valid pods (`repair` applies the validation rules that these fields
 * are subject to); the oracle test fails if the API server rejects any of them
 * as invalid. Ephemeral containers are returned apart from the spec: they can
 * only be added through the pods/ephemeralcontainers subresource.
 */
import type { Container, PodSpec } from '../../src/model/k8s.ts';
import { prng } from './random.ts';

export interface GeneratedPod {
  name: string;
  annotations: Record<string, string>;
  /** The pod spec without its ephemeral containers. */
  spec: PodSpec;
  /** Ephemeral containers to add through pods/ephemeralcontainers (empty: create the pod with `spec`). */
  ephemeralContainers: Container[];
}

class Dice {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** One of the values, or undefined (unset) with probability `unset`. */
  maybe<T>(unset: number, items: readonly T[]): T | undefined {
    return this.chance(unset) ? undefined : this.pick(items);
  }
  some<T>(items: readonly T[], max: number): T[] {
    const n = this.int(0, max);
    const out: T[] = [];
    for (let i = 0; i < n; i++) {
      const v = this.pick(items);
      if (!out.includes(v)) out.push(v);
    }
    return out;
  }
}

const IMAGE = 'registry.k8s.io/pause:3.10';

const CAPABILITIES = ['NET_BIND_SERVICE', 'CHOWN', 'SETUID', 'KILL', 'AUDIT_WRITE', 'SYS_CHROOT', 'NET_RAW', 'SYS_ADMIN', 'SYS_TIME', 'NET_ADMIN', 'ALL', 'BPF'];
const DROPS = ['ALL', 'NET_RAW', 'CHOWN', 'SYS_ADMIN'];
const SECCOMP_TYPES = ['RuntimeDefault', 'Localhost', 'Unconfined'] as const;
const APPARMOR_TYPES = ['RuntimeDefault', 'Localhost', 'Unconfined'] as const;
const SELINUX_TYPES = ['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t', 'spc_t', 'unconfined_t'];
const SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
  'kernel.msgmax',
  'kernel.sem',
  'net.core.somaxconn',
  'net.ipv4.ip_forward',
];
const SYSCTL_VALUES: Record<string, string> = {
  'net.ipv4.ip_local_port_range': '1024 65535',
  'net.ipv4.ping_group_range': '0 2147483647',
  'net.ipv4.ip_local_reserved_ports': '8080',
  'net.ipv4.tcp_rmem': '4096 87380 6291456',
  'net.ipv4.tcp_wmem': '4096 16384 4194304',
  'kernel.sem': '250 32000 100 128',
};
const PROBE_HOSTS = ['10.0.0.1', 'example.com', 'localhost', '169.254.169.254'];

/** Volume sources by PSS category; every one is accepted by API validation. */
const ALLOWED_VOLUMES: Record<string, () => Record<string, unknown>> = {
  emptyDir: () => ({ emptyDir: {} }),
  configMap: () => ({ configMap: { name: 'cm' } }),
  secret: () => ({ secret: { secretName: 's' } }),
  projected: () => ({ projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }),
  downwardAPI: () => ({ downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }),
  persistentVolumeClaim: () => ({ persistentVolumeClaim: { claimName: 'pvc' } }),
  csi: () => ({ csi: { driver: 'inline.storage.kubernetes.io' } }),
  ephemeral: () => ({ ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } }),
  image: () => ({ image: { reference: 'registry.k8s.io/pause:3.10' } }),
  none: () => ({}),
};
const RESTRICTED_VOLUMES: Record<string, () => Record<string, unknown>> = {
  hostPath: () => ({ hostPath: { path: '/var/log' } }),
  nfs: () => ({ nfs: { server: 'nfs.example.com', path: '/exports' } }),
  iscsi: () => ({ iscsi: { targetPortal: '10.0.0.2:3260', iqn: 'iqn.2001-04.com.example:storage', lun: 0 } }),
  rbd: () => ({ rbd: { monitors: ['10.0.0.3:6789'], image: 'img' } }),
  cephfs: () => ({ cephfs: { monitors: ['10.0.0.3:6789'] } }),
  fc: () => ({ fc: { targetWWNs: ['500a0982991b8dc5'], lun: 1 } }),
  azureFile: () => ({ azureFile: { secretName: 's', shareName: 'share' } }),
  flexVolume: () => ({ flexVolume: { driver: 'example.com/flex' } }),
  cinder: () => ({ cinder: { volumeID: 'vol' } }),
  gcePersistentDisk: () => ({ gcePersistentDisk: { pdName: 'disk' } }),
  awsElasticBlockStore: () => ({ awsElasticBlockStore: { volumeID: 'vol-1' } }),
  portworxVolume: () => ({ portworxVolume: { volumeID: 'vol' } }),
  azureDisk: () => ({ azureDisk: { diskName: 'disk', diskURI: 'https://example.com/disk.vhd' } }),
  vsphereVolume: () => ({ vsphereVolume: { volumePath: '[datastore] disk.vmdk' } }),
};

type Base = 'restricted' | 'baseline' | 'random';

interface Ctx {
  d: Dice;
  base: Base;
  os: 'linux' | 'windows' | undefined;
  names: string[];
  ports: number;
}

function securityContext(ctx: Ctx, kind: 'init' | 'regular' | 'ephemeral'): Record<string, any> | undefined {
  const { d, base } = ctx;
  const sc: Record<string, any> = {};
  if (base === 'restricted') {
    sc.allowPrivilegeEscalation = false;
    sc.capabilities = { drop: ['ALL'], ...(d.chance(0.2) ? { add: ['NET_BIND_SERVICE'] } : {}) };
    if (d.chance(0.3)) sc.runAsNonRoot = true;
    if (d.chance(0.3)) sc.seccompProfile = { type: d.pick(['RuntimeDefault', 'Localhost']) };
    if (d.chance(0.15)) sc.runAsUser = d.pick([1000, 65532]);
  } else if (base === 'baseline') {
    if (d.chance(0.5)) sc.allowPrivilegeEscalation = d.pick([true, false]);
    if (d.chance(0.4)) sc.capabilities = { ...(d.chance(0.6) ? { add: d.some(['CHOWN', 'NET_BIND_SERVICE', 'SETUID', 'KILL'], 2) } : {}), ...(d.chance(0.5) ? { drop: d.some(DROPS, 2) } : {}) };
    if (d.chance(0.2)) sc.runAsUser = d.pick([0, 1000]);
    if (d.chance(0.2)) sc.runAsNonRoot = d.pick([true, false]);
    if (d.chance(0.2)) sc.seccompProfile = { type: d.pick(['RuntimeDefault', 'Localhost']) };
  } else {
    if (d.chance(0.2)) return undefined;
    const pr = d.maybe(0.7, [true, false]);
    if (pr !== undefined) sc.privileged = pr;
    const ape = d.maybe(0.5, [true, false]);
    if (ape !== undefined) sc.allowPrivilegeEscalation = ape;
    if (d.chance(0.5)) {
      const caps: Record<string, string[]> = {};
      if (d.chance(0.6)) caps.add = d.some(CAPABILITIES, 3);
      if (d.chance(0.6)) caps.drop = d.some(DROPS, 2);
      sc.capabilities = caps;
    }
    const rnr = d.maybe(0.6, [true, false]);
    if (rnr !== undefined) sc.runAsNonRoot = rnr;
    const uid = d.maybe(0.7, [0, 1000]);
    if (uid !== undefined) sc.runAsUser = uid;
    if (d.chance(0.3)) sc.seccompProfile = { type: d.pick(SECCOMP_TYPES) };
    if (d.chance(0.2)) sc.appArmorProfile = { type: d.pick(APPARMOR_TYPES) };
    if (d.chance(0.15)) sc.seLinuxOptions = seLinux(d);
    if (d.chance(0.1)) sc.procMount = d.pick(['Default', 'Unmasked']);
  }
  // mutations that push a compliant container over one boundary
  if (base !== 'random' && d.chance(base === 'restricted' ? 0.1 : 0.35)) mutateContainer(d, sc);
  if (d.chance(ctx.base === 'random' ? 0.05 : 0.015)) sc.windowsOptions = { hostProcess: d.pick([true, false]) };
  void kind;
  return Object.keys(sc).length > 0 || d.chance(0.5) ? sc : undefined;
}

function seLinux(d: Dice): Record<string, string> {
  const o: Record<string, string> = {};
  if (d.chance(0.7)) o.type = d.pick(SELINUX_TYPES);
  if (d.chance(0.15)) o.user = 'system_u';
  if (d.chance(0.15)) o.role = 'system_r';
  if (d.chance(0.3)) o.level = 's0:c123,c456';
  return o;
}

function mutateContainer(d: Dice, sc: Record<string, any>): void {
  switch (d.int(0, 11)) {
    case 0:
      sc.privileged = true;
      break;
    case 1:
      sc.allowPrivilegeEscalation = d.pick([true, undefined]);
      if (sc.allowPrivilegeEscalation === undefined) delete sc.allowPrivilegeEscalation;
      break;
    case 2:
      sc.capabilities = { ...sc.capabilities, add: [...(sc.capabilities?.add ?? []), d.pick(CAPABILITIES)] };
      break;
    case 3:
      sc.capabilities = { ...sc.capabilities, drop: d.some(DROPS.filter((x) => x !== 'ALL'), 2) };
      break;
    case 4:
      sc.runAsNonRoot = false;
      break;
    case 5:
      sc.runAsUser = 0;
      break;
    case 6:
      sc.seccompProfile = { type: d.pick(SECCOMP_TYPES) };
      break;
    case 7:
      sc.appArmorProfile = { type: d.pick(APPARMOR_TYPES) };
      break;
    case 8:
      sc.seLinuxOptions = seLinux(d);
      break;
    case 9:
      sc.procMount = d.pick(['Default', 'Unmasked']);
      break;
    case 10:
      delete sc.capabilities;
      break;
    default:
      delete sc.seccompProfile;
  }
}

function container(ctx: Ctx, kind: 'init' | 'regular' | 'ephemeral'): Container {
  const { d } = ctx;
  const name = `${kind === 'init' ? 'init' : kind === 'ephemeral' ? 'debug' : 'app'}${ctx.names.length}`;
  ctx.names.push(name);
  const c: Record<string, any> = { name, image: IMAGE };
  const sc = securityContext(ctx, kind);
  if (sc) c.securityContext = sc;
  if (kind !== 'ephemeral' && d.chance(0.35)) {
    c.ports = [];
    for (let i = d.int(1, 2); i > 0; i--) {
      const port = 8000 + ctx.ports++;
      const p: Record<string, number> = { containerPort: port };
      const hp = ctx.base === 'random' ? d.maybe(0.5, [0, port + 1000]) : d.chance(ctx.base === 'restricted' ? 0.03 : 0.1) ? port + 1000 : undefined;
      if (hp !== undefined) p.hostPort = hp;
      c.ports.push(p);
    }
  }
  if (kind === 'regular') {
    const host = () => (d.chance(ctx.base === 'random' ? 0.4 : 0.05) ? { host: d.pick(PROBE_HOSTS) } : {});
    if (d.chance(0.25)) c.livenessProbe = { httpGet: { path: '/healthz', port: 8080, ...host() } };
    if (d.chance(0.15)) c.readinessProbe = { tcpSocket: { port: 8080, ...host() } };
    if (d.chance(0.1)) c.startupProbe = { httpGet: { path: '/', port: 8080, ...host() } };
    if (d.chance(0.15)) c.lifecycle = { [d.pick(['postStart', 'preStop'])]: { httpGet: { path: '/hook', port: 8080, ...host() } } };
  }
  return c as Container;
}

function podSecurityContext(ctx: Ctx): Record<string, any> {
  const { d, base } = ctx;
  const sc: Record<string, any> = {};
  if (base === 'restricted') {
    if (d.chance(0.9)) sc.runAsNonRoot = true;
    if (d.chance(0.9)) sc.seccompProfile = { type: d.pick(['RuntimeDefault', 'RuntimeDefault', 'Localhost']) };
    if (d.chance(0.3)) sc.runAsUser = 1000;
  } else {
    const rnr = d.maybe(base === 'baseline' ? 0.5 : 0.6, [true, false]);
    if (rnr !== undefined) sc.runAsNonRoot = rnr;
    const uid = d.maybe(0.7, [0, 1000]);
    if (uid !== undefined) sc.runAsUser = uid;
    if (d.chance(0.4)) sc.seccompProfile = { type: base === 'baseline' ? d.pick(['RuntimeDefault', 'Localhost']) : d.pick(SECCOMP_TYPES) };
  }
  if (d.chance(base === 'random' ? 0.25 : 0.1)) sc.appArmorProfile = { type: base === 'random' ? d.pick(APPARMOR_TYPES) : d.pick(['RuntimeDefault', 'Localhost']) };
  if (d.chance(base === 'random' ? 0.2 : 0.08)) sc.seLinuxOptions = base === 'random' ? seLinux(d) : { type: d.pick(['container_t', 'container_engine_t']) };
  if (d.chance(0.25)) {
    // Mostly names safe at some version (the safe set grew in v1.27, v1.29, v1.32, v1.37), sometimes never-safe ones.
    const names = new Set<string>();
    for (let i = d.int(1, 3); i > 0; i--) names.add(d.chance(base === 'random' ? 0.5 : 0.15) ? d.pick(SYSCTLS.slice(14)) : d.pick(SYSCTLS.slice(0, 14)));
    sc.sysctls = [...names].map((name) => ({ name, value: SYSCTL_VALUES[name] ?? '1' }));
  }
  if (d.chance(base === 'random' ? 0.05 : 0.02)) sc.windowsOptions = { hostProcess: d.pick([true, false]) };
  return sc;
}

function pod(seed: number, index: number): GeneratedPod {
  const d = new Dice(seed * 1_000_003 + index);
  const base: Base = d.pick(['restricted', 'restricted', 'restricted', 'baseline', 'baseline', 'random'] as const);
  const os = d.maybe(0.7, ['linux', 'windows'] as const);
  const ctx: Ctx = { d, base, os, names: [], ports: 0 };
  const spec: Record<string, any> = {};
  if (os) spec.os = { name: os };
  const hostNs = base === 'restricted' ? 0.02 : base === 'baseline' ? 0.06 : 0.2;
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (d.chance(hostNs)) spec[f] = true;
    else if (d.chance(0.1)) spec[f] = false;
  }
  const hostUsers = d.maybe(0.75, [true, false, false]);
  if (hostUsers !== undefined) spec.hostUsers = hostUsers;
  const sc = podSecurityContext(ctx);
  if (Object.keys(sc).length > 0 || d.chance(0.3)) spec.securityContext = sc;
  const inits = d.int(0, 2);
  const regular = d.int(1, 3);
  const ephemeral = d.chance(0.35) ? d.int(1, 2) : 0;
  spec.initContainers = Array.from({ length: inits }, () => container(ctx, 'init'));
  if (spec.initContainers.length === 0) delete spec.initContainers;
  spec.containers = Array.from({ length: regular }, () => container(ctx, 'regular'));
  const ephemeralContainers = Array.from({ length: ephemeral }, () => container(ctx, 'ephemeral'));
  const volumeCount = d.int(0, base === 'restricted' ? 2 : 3);
  if (volumeCount > 0) {
    spec.volumes = [];
    for (let i = 0; i < volumeCount; i++) {
      const restricted = d.chance(base === 'restricted' ? 0.05 : base === 'baseline' ? 0.3 : 0.5);
      const table = restricted ? RESTRICTED_VOLUMES : ALLOWED_VOLUMES;
      // hostPath is the one baseline forbids too: a third of the restricted picks.
      const type = restricted && d.chance(0.35) ? 'hostPath' : d.pick(Object.keys(table));
      spec.volumes.push({ name: `vol${i}`, ...table[type]!() });
    }
  }
  const annotations: Record<string, string> = {};
  const all = [...(spec.initContainers ?? []), ...spec.containers, ...ephemeralContainers] as Container[];
  if (d.chance(0.15)) annotations['seccomp.security.alpha.kubernetes.io/pod'] = d.pick(['runtime/default', 'docker/default', 'localhost/profile.json', 'unconfined']);
  for (const c of all) {
    if (d.chance(0.08)) annotations[`container.seccomp.security.alpha.kubernetes.io/${c.name}`] = d.pick(['runtime/default', 'localhost/p.json', 'unconfined']);
    // The API server checks AppArmor annotations against ephemeral containers too, but they must exist at create time.
    if (!ephemeralContainers.includes(c) && d.chance(0.08)) annotations[`container.apparmor.security.beta.kubernetes.io/${c.name}`] = d.pick(['runtime/default', 'localhost/p', 'unconfined', '']);
  }
  if (d.chance(0.05)) annotations['example.com/unrelated'] = 'x';
  const out: GeneratedPod = { name: `pss-${seed}-${index}`, annotations, spec: spec as PodSpec, ephemeralContainers };
  repair(out);
  return out;
}

/** The validation rules of the API server that the drawn fields are subject to. */
export function repair(p: GeneratedPod): void {
  const spec = p.spec as Record<string, any>;
  const containers = (): Record<string, any>[] => [...(spec.initContainers ?? []), ...spec.containers, ...p.ephemeralContainers];
  const scs = () => containers().map((c) => (c.securityContext ??= {}));
  const podSc = (spec.securityContext ??= {});

  // Windows HostProcess: all containers or none, hostNetwork, no user namespace; not on Linux.
  const hostProcess = spec.os?.name !== 'linux' && (podSc.windowsOptions?.hostProcess === true || containers().some((c) => c.securityContext?.windowsOptions?.hostProcess === true));
  if (hostProcess) {
    podSc.windowsOptions = { hostProcess: true };
    for (const sc of scs()) if (sc.windowsOptions) sc.windowsOptions = { hostProcess: true };
    spec.hostNetwork = true;
    delete spec.hostUsers;
  } else {
    if (podSc.windowsOptions?.hostProcess !== undefined) podSc.windowsOptions = { hostProcess: false };
    for (const sc of scs()) if (sc.windowsOptions) sc.windowsOptions = { hostProcess: false };
  }
  if (spec.os?.name === 'linux') {
    delete podSc.windowsOptions;
    for (const sc of scs()) delete sc.windowsOptions;
  }
  if (spec.os?.name === 'windows') {
    for (const f of ['appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'sysctls', 'runAsUser']) delete podSc[f];
    for (const f of ['hostUsers', 'hostPID', 'hostIPC']) delete spec[f];
    for (const sc of scs()) for (const f of ['appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'capabilities', 'privileged', 'allowPrivilegeEscalation', 'procMount', 'runAsUser']) delete sc[f];
    for (const k of Object.keys(p.annotations)) if (k.startsWith('container.apparmor.')) delete p.annotations[k];
  }
  // Unmasked /proc needs a user namespace: give the pod one (which rules out host namespaces), unless it is a HostProcess pod.
  if (spec.hostUsers !== false && !hostProcess && spec.os?.name !== 'windows' && scs().some((sc) => sc.procMount === 'Unmasked')) spec.hostUsers = false;
  for (const sc of scs()) {
    if (sc.procMount === 'Unmasked' && spec.hostUsers !== false) sc.procMount = 'Default';
    if (sc.privileged === true && sc.allowPrivilegeEscalation === false) delete sc.allowPrivilegeEscalation;
  }
  // A user namespace rules out the host's namespaces.
  if (spec.hostUsers === false) for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) delete spec[f];
  // Localhost profiles name their profile.
  const profiles = (sc: Record<string, any>) => {
    if (sc.seccompProfile?.type === 'Localhost') sc.seccompProfile.localhostProfile = 'profiles/audit.json';
    if (sc.appArmorProfile?.type === 'Localhost') sc.appArmorProfile.localhostProfile = 'k8s-profile';
  };
  profiles(podSc);
  for (const sc of scs()) profiles(sc);
  // Namespaced sysctls may not be set while sharing that namespace with the host.
  if (podSc.sysctls) {
    podSc.sysctls = podSc.sysctls.filter((s: { name: string }) => !(spec.hostNetwork && s.name.startsWith('net.')) && !(spec.hostIPC && s.name.startsWith('kernel.')));
    if (podSc.sysctls.length === 0) delete podSc.sysctls;
  }
  // With hostNetwork, a hostPort must equal its containerPort.
  if (spec.hostNetwork) for (const c of containers()) for (const port of c.ports ?? []) if (port.hostPort) port.hostPort = port.containerPort;
  // Deprecated annotations must agree with the fields they shadow.
  const seccompValue = (sp: Record<string, any>) =>
    sp.type === 'RuntimeDefault' ? 'runtime/default' : sp.type === 'Unconfined' ? 'unconfined' : `localhost/${sp.localhostProfile}`;
  if (podSc.seccompProfile && p.annotations['seccomp.security.alpha.kubernetes.io/pod'] !== undefined)
    p.annotations['seccomp.security.alpha.kubernetes.io/pod'] = seccompValue(podSc.seccompProfile);
  for (const c of containers()) {
    const key = `container.seccomp.security.alpha.kubernetes.io/${c.name}`;
    if (c.securityContext?.seccompProfile && p.annotations[key] !== undefined) p.annotations[key] = seccompValue(c.securityContext.seccompProfile);
    const aaKey = `container.apparmor.security.beta.kubernetes.io/${c.name}`;
    const profile = c.securityContext?.appArmorProfile ?? podSc.appArmorProfile;
    if (profile && p.annotations[aaKey] !== undefined)
      p.annotations[aaKey] = profile.type === 'RuntimeDefault' ? 'runtime/default' : profile.type === 'Unconfined' ? 'unconfined' : `localhost/${profile.localhostProfile}`;
  }
  // Drop the empty objects left behind, half of the time keeping an explicit empty securityContext.
  for (const c of containers()) if (c.securityContext && Object.keys(c.securityContext).length === 0 && c.name.length % 2 === 0) delete c.securityContext;
}

/** `count` pods for a seed; the same seed always yields the same pods. */
export function generatePods(seed: number, count: number): GeneratedPod[] {
  return Array.from({ length: count }, (_, i) => pod(seed, i));
}
