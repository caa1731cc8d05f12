import { NO_FIX, pssControl } from './_pss.ts';

export default pssControl({
  id: 'pss-restricted-volume-types',
  check: 'restrictedVolumes',
  title: 'Pods may use only the restricted volume types',
  severity: 'medium',
  description:
    'Flags every volume that is not configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret — hostPath, nfs, iscsi and the other in-tree sources (Pod Security Standards, restricted: restrictedVolumes).',
  rationale: "Inline storage sources mount node paths or network storage with the node's credentials, outside the PersistentVolume model that administrators control.",
  remediation: {
    pod: {
      action:
        'Replace volume {{volume}} ({{volumeType}}, {{path}}) of {{kind}} {{namespace}}/{{name}}: the restricted standard allows only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes. Network storage belongs behind a PersistentVolumeClaim.',
      snippet: 'volumes:\n  - name: {{volume}}\n    persistentVolumeClaim:\n      claimName: {{volume}}',
    },
  },
  fix: () => NO_FIX,
});
