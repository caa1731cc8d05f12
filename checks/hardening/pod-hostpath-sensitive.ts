import { defineControl } from '../../src/engine/types.ts';
import { WORKLOAD_KINDS } from '../../src/model/workloads.ts';
import { containerFix, containerTargets } from './_remediation.ts';

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
  { path: '/etc', subtree: true, what: 'host configuration, including kubelet and kubeadm credentials and cloud provider files under /etc/kubernetes' },
  { path: '/proc', subtree: true, what: 'the host\'s processes, their environments and kernel settings' },
  { path: '/root', subtree: true, what: 'root\'s home directory (SSH keys, cloud CLI credentials)' },
  { path: '/home', subtree: true, what: 'users\' home directories (SSH keys, cloud CLI credentials)' },
  { path: '/var/lib/kubelet', subtree: true, what: 'the kubelet\'s credentials and every pod\'s mounted Secrets and tokens' },
  { path: '/var/lib/etcd', subtree: true, what: 'etcd\'s data: every object of the cluster, Secrets included' },
  { path: '/var/lib/docker', subtree: true, what: 'the filesystems of every container on the node' },
  { path: '/var/lib/containerd', subtree: true, what: 'the filesystems of every container on the node' },
  { path: '/var/lib/rancher', subtree: true, what: 'k3s/RKE2 data, including the cluster join token' },
  { path: '/var/lib/cloud', subtree: true, what: 'cloud-init data, including instance user data that often holds bootstrap credentials' },
];

/** Collapse slashes, drop a trailing one, and read /var/run as /run (a symlink on every current distribution). */
export function normalizeHostPath(path: string): string {
  let p = path.replace(/\/+/g, '/');
  if (p.length > 1) p = p.replace(/\/$/, '');
  if (p === '/var/run' || p.startsWith('/var/run/')) p = '/run' + p.slice('/var/run'.length);
  return p;
}

const isUnder = (p: string, dir: string) => p === dir || p.startsWith(dir === '/' ? '/' : `${dir}/`);

/** Why a (normalised) host path is sensitive, or undefined. */
export function sensitivity(p: string): string | undefined {
  if (!p.startsWith('/')) return undefined;
  for (const s of SENSITIVE) {
    if (p === s.path) return s.what;
    if (s.subtree && isUnder(p, s.path)) return s.what;
  }
  if (p === '/') return 'the host\'s whole filesystem: runtime sockets, kubelet credentials, every pod\'s Secrets';
  const exposed = SENSITIVE.filter((s) => isUnder(s.path, p)).map((s) => s.path);
  if (exposed.length > 0) return `it contains ${exposed.slice(0, 3).join(', ')}${exposed.length > 3 ? ` and ${exposed.length - 3} more` : ''}`;
  return undefined;
}

const SAFE_PATH = /^[A-Za-z0-9._/-]+$/;

export default defineControl({
  meta: {
    id: 'pod-hostpath-sensitive',
    title: 'hostPath mounts are read-only and avoid sensitive host paths',
    area: 'workloads',
    severity: 'high',
    description:
      'For every volumeMount (init, regular and ephemeral containers) of a hostPath volume, flags mounts that are writable (readOnly not true) and mounts of sensitive host paths: container runtime sockets (Docker, containerd, CRI-O, cri-dockerd, k3s), /etc, /proc, /root, /home, /var/lib/kubelet, /var/lib/etcd, the runtimes\' data directories, k3s/RKE2 data and cloud-init data (where cloud credentials live), anything below them, and any directory containing one of them (`/`, `/var`, `/run`). The host path is the volume\'s path joined with the mount\'s subPath; /var/run is read as /run. A hostPath volume no container mounts is not reported here (the Pod Security controls report every hostPath).',
    rationale:
      'A runtime socket or the kubelet\'s directory is the node itself: with it a container starts privileged containers or reads every pod\'s Secrets. A writable host path lets a container plant files the node later executes or trusts (cron, systemd units, binaries, kubeconfigs), and survive its own deletion.',
    remediation:
      'Mount only the file or directory container "{{container}}" of {{kind}} {{namespace}}/{{name}} needs from the host ({{hostPath}} at {{mountPath}}), read-only (at `{{path}}`), or replace the hostPath with a PersistentVolumeClaim, emptyDir or CSI volume. If the workload is a node agent that truly needs it, isolate it in its own namespace and record a waiver.\n\n{{fix}}',
    references: {
      cis: ['5.2.11'],
      pss: ['hostPathVolumes'],
      links: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath'],
    },
    messages: {
      sensitiveWritable: 'Container "{{container}}" ({{containerType}}) mounts host path {{hostPath}} writable at {{mountPath}}: {{why}}.',
      sensitive: 'Container "{{container}}" ({{containerType}}) mounts host path {{hostPath}} (read-only) at {{mountPath}}: {{why}}.',
      writable: 'Container "{{container}}" ({{containerType}}) mounts host path {{hostPath}} writable at {{mountPath}}.',
    },
  },
  reads: WORKLOAD_KINDS,
  evaluate(snapshot, report) {
    for (const { w, containers } of containerTargets(snapshot, { ephemeral: true })) {
      const hostPaths = new Map<string, string>();
      for (const v of w.podSpec.volumes ?? []) if (v?.hostPath?.path) hostPaths.set(v.name, v.hostPath.path);
      if (hostPaths.size === 0) {
        report.pass(w.subject);
        continue;
      }
      let failed = false;
      for (const c of containers) {
        (c.container.volumeMounts ?? []).forEach((m, i) => {
          const volumePath = hostPaths.get(m.name);
          if (volumePath === undefined) return;
          const written = m.subPath ? `${volumePath.replace(/\/+$/, '')}/${m.subPath}` : volumePath;
          const hostPath = normalizeHostPath(written);
          const writable = m.readOnly !== true;
          const why = sensitivity(hostPath);
          if (!writable && !why) return;
          failed = true;
          const fix =
            writable && SAFE_PATH.test(m.mountPath)
              ? containerFix(w, c, { volumeMounts: [{ mountPath: m.mountPath, readOnly: true }] })
              : 'Narrow or remove the hostPath volume in the manifest.';
          report.fail(w.subject, {
            messageId: why ? (writable ? 'sensitiveWritable' : 'sensitive') : 'writable',
            data: { containerType: c.type, hostPath: hostPath === written ? written : `${written} (${hostPath})`, mountPath: m.mountPath, why: why ?? '', fix },
            path: `${c.path}.volumeMounts[${i}]`,
            container: c.container.name,
            observed: { hostPath, readOnly: m.readOnly === true },
            expected: why ? 'no mount of this host path' : { readOnly: true },
          });
        });
      }
      if (!failed) report.pass(w.subject);
    }
  },
});
