import { defineControl } from '../../src/engine/types.ts';
import { WORKLOAD_KINDS } from '../../src/model/workloads.ts';
import { hostPathMounts, sensitivity } from './_hostpath.ts';
import { containerTargets } from './_remediation.ts';

export default defineControl({
  meta: {
    id: 'pod-hostpath-sensitive',
    title: 'No container mounts a sensitive host path',
    area: 'workloads',
    severity: 'high',
    description:
      'For every volumeMount (init, regular and ephemeral containers) of a hostPath volume, flags mounts of sensitive host paths, read-only or not: container runtime sockets (Docker, containerd, CRI-O, cri-dockerd, Podman, and those of k3s, k0s and MicroK8s), /etc, /proc, /root, /home, /var/lib/kubelet, /var/lib/etcd, the runtimes\' data directories, k3s/RKE2 and k0s data, MicroK8s credentials, certificates, kubelet directory, datastore (k8s-dqlite) and containerd root, and cloud-init data (where cloud credentials live), anything below them, and any directory containing one of them (`/`, `/var`, `/run`). The host path is the volume\'s path joined with the mount\'s subPath; /var/run is read as /run. Writable mounts of any host path are pod-hostpath-writable\'s concern; a hostPath volume no container mounts is left to the Pod Security controls.',
    rationale:
      'A runtime socket or the kubelet\'s directory is the node itself: with it a container starts privileged containers or reads every pod\'s Secrets. Host configuration, credentials and other processes\' memory are as good as root on the node, and from there the cluster.',
    remediation:
      'Remove the mount of {{hostPath}} from container {{container}} of {{kind}} {{namespace}}/{{name}}, or narrow it (a subPath, or a hostPath volume on the one file needed) to something that exposes neither credentials nor the container runtime. A node agent that truly needs it belongs in its own namespace, with a waiver that says why.',
    references: {
      links: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath'],
    },
    messages: {
      sensitive: 'Container "{{container}}" ({{containerType}}) mounts host path {{hostPath}} {{access}} at {{mountPath}}: {{why}}.',
    },
  },
  reads: WORKLOAD_KINDS,
  evaluate(snapshot, report) {
    for (const { w, containers, ownOnly } of containerTargets(snapshot, { ephemeral: true, added: true })) {
      let failed = false;
      for (const m of hostPathMounts(w.podSpec, containers)) {
        const why = sensitivity(m.hostPath);
        if (!why) continue;
        failed = true;
        report.fail(w.subject, {
          messageId: 'sensitive',
          data: { containerType: m.container.type, hostPath: m.shown, mountPath: m.mountPath, access: m.writable ? 'writable' : 'read-only', why },
          path: `${m.container.path}.volumeMounts[${m.index}]`,
          container: m.container.container.name,
          observed: { hostPath: m.written, readOnly: !m.writable },
          expected: 'no mount of this host path',
        });
      }
      if (!failed && !ownOnly) report.pass(w.subject);
    }
  },
});
