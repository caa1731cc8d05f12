import { pssControl, removeFix } from './_pss.ts';

export default pssControl({
  id: 'pss-baseline-selinux',
  check: 'seLinuxOptions',
  title: 'Pods must not choose a custom SELinux type, user or role',
  severity: 'medium',
  description:
    'Flags seLinuxOptions, at the pod level and on every container, whose type is not container_t, container_init_t or container_kvm_t (and container_engine_t from v1.31), or that set a user or role (Pod Security Standards, baseline: seLinuxOptions).',
  rationale: 'A custom SELinux type, user or role can lift the confinement SELinux puts between containers and the node (spc_t, for instance, is unconfined).',
  remediation: {
    container: {
      action:
        'Remove the SELinux option {{value}} at {{path}} (container {{container}} of {{kind}} {{namespace}}/{{name}}): the baseline standard allows only the container_t, container_init_t, container_kvm_t and container_engine_t types, and no user or role.',
      snippet: '# in {{containerType}} {{container}}: delete {{path}}',
    },
    pod: {
      action:
        'Remove the SELinux option {{value}} at {{path}} (the pod securityContext of {{kind}} {{namespace}}/{{name}}): the baseline standard allows only the container_t, container_init_t, container_kvm_t and container_engine_t types, and no user or role.',
      snippet: '# delete {{path}}',
    },
  },
  fix: (v) => removeFix(v),
});
