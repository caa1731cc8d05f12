import { pssControl, removeFix } from './_pss.ts';

export default pssControl({
  id: 'pss-baseline-sysctls',
  check: 'sysctls',
  title: 'Pods may set only safe sysctls',
  severity: 'medium',
  description:
    'Flags every sysctl in spec.securityContext.sysctls outside the safe set of the version evaluated (it grew in v1.27, v1.29, v1.32 and v1.37) (Pod Security Standards, baseline: sysctls).',
  rationale: 'Sysctls outside the safe set are not isolated per pod: they can change the kernel for the whole node and every pod on it.',
  remediation: {
    pod: {
      action:
        "Remove the sysctl {{sysctl}} (at {{path}}) from {{kind}} {{namespace}}/{{name}}: it is not in the safe set of {{version}}. Tune the node itself instead (or allow it with the kubelet's --allowed-unsafe-sysctls on dedicated nodes, and a waiver).",
      snippet: '# delete the sysctl {{sysctl}} from securityContext.sysctls',
    },
  },
  fix: (v) => removeFix(v, v.path.replace(/\.name$/, '')),
});
