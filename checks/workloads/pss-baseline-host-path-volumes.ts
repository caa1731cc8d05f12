import { NO_FIX, pssControl } from './_pss.ts';

export default pssControl({
  id: 'pss-baseline-host-path-volumes',
  check: 'hostPathVolumes',
  title: 'Pods must not mount directories of the node',
  severity: 'high',
  description: 'Flags every hostPath volume (Pod Security Standards, baseline: hostPathVolumes), whatever its path or type.',
  rationale:
    "A hostPath volume reaches the node's filesystem: container runtime sockets, kubelet credentials and other pods' data are one path away, and a writable mount can change the node itself.",
  cis: ['5.2.11'],
  remediation: {
    pod: {
      action:
        'Replace volume {{volume}} (host path {{hostPath}}, at {{path}}) of {{kind}} {{namespace}}/{{name}} by an emptyDir, configMap, secret, projected or persistentVolumeClaim volume. A node agent that must read the host belongs in a namespace enforcing `privileged`, with a waiver.',
      snippet: 'volumes:\n  - name: {{volume}}\n    emptyDir: {}',
    },
  },
  fix: () => NO_FIX,
});
