import { RBAC_GOOD_PRACTICES, grantControl, replaceRemediation } from './_grants.ts';

export default grantControl(
  {
    id: 'rbac-create-persistentvolumes',
    title: 'Access to create PersistentVolumes is minimal',
    area: 'rbac',
    severity: 'high',
    description:
      'Flags every binding subject that may create PersistentVolumes. PersistentVolumes are cluster-scoped, so only ClusterRoleBindings grant it.',
    rationale:
      'A PersistentVolume can point at a hostPath: whoever creates one and a claim bound to it mounts any directory of the node into a pod, which Pod Security admission does not see. Volumes should come from StorageClasses and dynamic provisioning.',
    remediation: replaceRemediation('Leave PersistentVolume creation to the storage provisioners; users create PersistentVolumeClaims.'),
    references: { cis: ['5.1.9'], links: [RBAC_GOOD_PRACTICES + '#persistent-volume-creation'] },
    messages: {
      granted: '{{grantee}} can create PersistentVolumes {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
    },
  },
  { probes: [{ verbs: ['create'], group: '', resource: 'persistentvolumes', clusterScoped: true }] },
);
