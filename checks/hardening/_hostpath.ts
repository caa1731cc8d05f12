/**
 * hostPath mounts as the hostPath controls see them: each volumeMount of a
 * hostPath volume, with the host path it reaches (the volume's path joined
 * with the mount's subPath, /var/run read as /run) and whether it is writable.
 */
import { posix } from 'node:path';
import type { ContainerRef } from '../../src/model/workloads.ts';
import type { PodSpec } from '../../src/model/k8s.ts';

/**
 * Host paths whose exposure hands over the node. `subtree`: everything below
 * is sensitive too; otherwise only the path itself (a socket). A hostPath that
 * contains one of these (an ancestor, such as `/`, `/var` or `/run`) exposes it.
 */
const SENSITIVE: readonly { path: string; subtree: boolean; what: string }[] = [
  { path: '/run/docker.sock', subtree: false, what: 'the Docker socket (full control of the node\'s containers)' },
  { path: '/run/containerd/containerd.sock', subtree: false, what: 'the containerd socket (full control of the node\'s containers)' },
  { path: '/run/crio/crio.sock', subtree: false, what: 'the CRI-O socket (full control of the node\'s containers)' },
  { path: '/run/cri-dockerd.sock', subtree: false, what: 'the cri-dockerd socket (full control of the node\'s containers)' },
  { path: '/run/k3s/containerd/containerd.sock', subtree: false, what: 'the k3s containerd socket (full control of the node\'s containers)' },
  { path: '/run/k0s/containerd.sock', subtree: false, what: 'the k0s containerd socket (full control of the node\'s containers)' },
  { path: '/var/snap/microk8s/common/run/containerd.sock', subtree: false, what: 'the MicroK8s containerd socket (full control of the node\'s containers)' },
  { path: '/run/podman/podman.sock', subtree: false, what: 'the Podman socket (full control of the node\'s containers)' },
  { path: '/etc', subtree: true, what: 'host configuration, including kubelet and kubeadm credentials and cloud provider files under /etc/kubernetes' },
  { path: '/proc', subtree: true, what: 'the host\'s processes, their environments and kernel settings' },
  { path: '/root', subtree: true, what: 'root\'s home directory (SSH keys, cloud CLI credentials)' },
  { path: '/home', subtree: true, what: 'users\' home directories (SSH keys, cloud CLI credentials)' },
  { path: '/var/lib/kubelet', subtree: true, what: 'the kubelet\'s credentials and every pod\'s mounted Secrets and tokens' },
  { path: '/var/lib/etcd', subtree: true, what: 'etcd\'s data: every object of the cluster, Secrets included' },
  { path: '/var/lib/docker', subtree: true, what: 'the filesystems of every container on the node' },
  { path: '/var/lib/containerd', subtree: true, what: 'the filesystems of every container on the node' },
  { path: '/var/lib/rancher', subtree: true, what: 'k3s/RKE2 data, including the cluster join token' },
  { path: '/var/lib/k0s', subtree: true, what: 'k0s data: the cluster\'s PKI, the kubelet\'s credentials and every pod\'s mounted Secrets and tokens' },
  { path: '/var/snap/microk8s/current/credentials', subtree: true, what: 'MicroK8s credentials: the cluster\'s admin kubeconfig and component tokens' },
  { path: '/var/snap/microk8s/current/certs', subtree: true, what: 'MicroK8s certificates, the cluster CA\'s key included' },
  { path: '/var/snap/microk8s/common/var/lib/kubelet', subtree: true, what: 'the MicroK8s kubelet\'s credentials and every pod\'s mounted Secrets and tokens' },
  { path: '/var/snap/microk8s/current/var/kubernetes/backend', subtree: true, what: 'the MicroK8s datastore (k8s-dqlite) and its kine socket: every object of the cluster, Secrets included' },
  { path: '/var/snap/microk8s/common/var/lib/containerd', subtree: true, what: 'the filesystems of every container on the node (MicroK8s containerd\'s root)' },
  { path: '/var/lib/cloud', subtree: true, what: 'cloud-init data, including instance user data that often holds bootstrap credentials' },
];

/**
 * The path as the node resolves it: slashes collapsed, `.` segments dropped and `..` applied (the API server
 * refuses `..` in a hostPath or subPath, but manifests are not validated), no trailing slash, and /var/run read
 * as /run (a symlink on every current distribution). `/./etc` is /etc.
 */
export function normalizeHostPath(path: string): string {
  let p = posix.normalize(path);
  if (p.length > 1) p = p.replace(/\/$/, '');
  if (p === '/var/run' || p.startsWith('/var/run/')) p = '/run' + p.slice('/var/run'.length);
  return p;
}

export const isUnder = (p: string, dir: string) => p === dir || p.startsWith(dir === '/' ? '/' : `${dir}/`);

/** Why a (normalised) host path is sensitive, or undefined. */
export function sensitivity(path: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
  // A snap's `current` is a link to its revision's directory (`/var/snap/microk8s/7229`, `x1` when installed from a file).
  const p = path.replace(/^\/var\/snap\/microk8s\/(?:\d+|x\d+)(?=\/|$)/, '/var/snap/microk8s/current');
  for (const s of SENSITIVE) {
    if (p === s.path) return s.what;
    if (s.subtree && isUnder(p, s.path)) return s.what;
  }
  if (p === '/') return 'the host\'s whole filesystem: runtime sockets, kubelet credentials, every pod\'s Secrets';
  const exposed = SENSITIVE.filter((s) => isUnder(s.path, p)).map((s) => s.path);
  if (exposed.length > 0) return `it contains ${exposed.slice(0, 3).join(', ')}${exposed.length > 3 ? ` and ${exposed.length - 3} more` : ''}`;
  return undefined;
}

export interface HostPathMount {
  container: ContainerRef;
  /** Index in the container's volumeMounts. */
  index: number;
  mountPath: string;
  /** The host path as written: the volume's path, joined with the subPath. */
  written: string;
  /** The same, normalised (what sensitivity is judged on). */
  hostPath: string;
  /** `written`, followed by the normalised path when they differ. */
  shown: string;
  /** readOnly is not true. */
  writable: boolean;
  /** readOnly is true but not recursive (recursiveReadOnly neither Enabled nor IfPossible): mounts below stay writable. */
  submountsWritable: boolean;
}

/**
 * Host directories under which nodes mount other filesystems: the kubelet's pod volumes (Secrets and tokens on
 * tmpfs), runtime state and network namespaces under /run, cgroups under /sys, /dev/pts and /dev/shm, removable
 * media. A read-only mount of one of them, of anything below it, or of an ancestor (/, /var) leaves those
 * submounts writable unless it is recursively read-only.
 */
const SUBMOUNT_DIRS = ['/var/lib/kubelet', '/var/lib/docker', '/var/lib/containerd', '/var/lib/k0s', '/var/snap/microk8s/common', '/run', '/sys', '/proc', '/dev', '/mnt', '/media'];

/** Whether a (normalised) host path may hold filesystems the node mounts below it. */
export function holdsSubmounts(p: string): boolean {
  return SUBMOUNT_DIRS.some((d) => isUnder(p, d) || isUnder(d, p));
}

/** Every mount of a hostPath volume by the given containers. */
export function hostPathMounts(spec: PodSpec, containers: readonly ContainerRef[]): HostPathMount[] {
  const volumes = new Map<string, string>();
  for (const v of spec.volumes ?? []) if (v?.hostPath?.path) volumes.set(v.name, v.hostPath.path);
  const out: HostPathMount[] = [];
  if (volumes.size === 0) return out;
  for (const c of containers) {
    (c.container.volumeMounts ?? []).forEach((m, index) => {
      const volumePath = volumes.get(m.name);
      if (volumePath === undefined) return;
      const written = m.subPath ? `${volumePath.replace(/\/+$/, '')}/${m.subPath}` : volumePath;
      const hostPath = normalizeHostPath(written);
      const writable = m.readOnly !== true;
      const recursive = m.recursiveReadOnly === 'Enabled' || m.recursiveReadOnly === 'IfPossible';
      out.push({
        container: c,
        index,
        mountPath: m.mountPath,
        written,
        hostPath,
        shown: hostPath === written ? written : `${written} (${hostPath})`,
        writable,
        submountsWritable: !writable && !recursive && holdsSubmounts(hostPath),
      });
    });
  }
  return out;
}
