import { defineControl } from '../../src/engine/types.ts';
import { WORKLOAD_KINDS } from '../../src/model/workloads.ts';
import { hostPathMounts } from './_hostpath.ts';
import { applyVia, containerPatch, containerTargets, workloadRemediations } from './_remediation.ts';

export default defineControl({
  meta: {
    id: 'pod-hostpath-writable',
    title: 'hostPath mounts are read-only',
    area: 'workloads',
    severity: 'high',
    description:
      'For every volumeMount (init, regular and ephemeral containers) of a hostPath volume, flags the mount unless it sets readOnly: true. A hostPath volume is writable from a container unless every mount of it there is read-only, so each writable mount is its own finding. A read-only mount is not recursively read-only unless it sets recursiveReadOnly (Enabled or IfPossible; Kubernetes 1.31 and later): a read-only mount of a host path under which nodes mount other filesystems (/, /var, /var/lib/kubelet, /run, /sys, /proc, /dev, /mnt, /media, the runtimes\' directories) without it is reported at medium severity, since those submounts stay writable. Which host paths are sensitive, writable or not, is pod-hostpath-sensitive\'s concern.',
    rationale:
      'A writable host path lets a container plant files the node later executes or trusts (cron jobs, systemd units, binaries, kubeconfigs, other pods\' data), fill the node\'s disk, and leave traces that outlive the container.',
    ...workloadRemediations({
      action:
        'Mount {{hostPath}} read-only in container {{container}} of {{kind}} {{namespace}}/{{name}}, or replace the hostPath with a PersistentVolumeClaim, emptyDir or CSI volume if the workload needs to write',
    }),
    references: {
      links: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath'],
    },
    messages: {
      writable: 'Container "{{container}}" ({{containerType}}) mounts host path {{hostPath}} writable at {{mountPath}}.',
      submounts:
        'Container "{{container}}" ({{containerType}}) mounts host path {{hostPath}} read-only at {{mountPath}}, but not recursively: the filesystems the node mounts below it (pod volumes, tmpfs, cgroups) stay writable.',
    },
  },
  reads: WORKLOAD_KINDS,
  evaluate(snapshot, report) {
    for (const { w, containers, ownOnly } of containerTargets(snapshot, { ephemeral: true, added: true })) {
      let failed = false;
      for (const m of hostPathMounts(w.podSpec, containers)) {
        if (!m.writable && !m.submountsWritable) continue;
        failed = true;
        // Read-only but not recursively: the submounts below it stay writable (a lesser finding).
        const recursive = m.submountsWritable ? { recursiveReadOnly: 'Enabled' } : {};
        report.fail(w.subject, {
          remediationId: applyVia(w, m.container),
          messageId: m.writable ? 'writable' : 'submounts',
          data: {
            containerType: m.container.type,
            hostPath: m.shown,
            mountPath: m.mountPath,
            ...containerPatch(w, m.container, { volumeMounts: [{ mountPath: m.mountPath, readOnly: true, ...recursive }] }),
          },
          path: `${m.container.path}.volumeMounts[${m.index}]`,
          container: m.container.container.name,
          observed: m.writable ? { hostPath: m.written, readOnly: false } : { hostPath: m.written, readOnly: true, recursiveReadOnly: 'Disabled' },
          expected: { readOnly: true, ...recursive },
          ...(m.writable ? {} : { severity: 'medium' as const }),
        });
      }
      if (!failed && !ownOnly) report.pass(w.subject);
    }
  },
});
