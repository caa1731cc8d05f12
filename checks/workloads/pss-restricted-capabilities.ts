import { containerSnippet, pssControl } from './_pss.ts';

export default pssControl({
  id: 'pss-restricted-capabilities',
  check: 'capabilities_restricted',
  title: 'Containers must drop ALL capabilities and add back at most NET_BIND_SERVICE',
  severity: 'medium',
  description:
    'Flags every init, regular and ephemeral container whose securityContext.capabilities.drop does not include ALL, and every added capability other than NET_BIND_SERVICE (Pod Security Standards, restricted: capabilities_restricted, from v1.22). Windows pods are exempt from v1.25.',
  rationale: 'The default capability set includes NET_RAW (packet spoofing), CHOWN, DAC_OVERRIDE, SETUID and others a service rarely needs; dropping ALL removes them.',
  cis: ['5.2.8', '5.2.9'],
  remediation:
    'Drop every capability and add back only NET_BIND_SERVICE, if the process binds a port below 1024 ({{where}} of {{kind}} {{namespace}}/{{name}}, `{{path}}`):\n\n{{snippet}}\n\n{{apply}}',
  fix: (v) =>
    v.rule === 'dropAll'
      ? { op: 'set', value: ['ALL'], snippet: containerSnippet(v, 'capabilities:\n  drop: ["ALL"]') }
      : { op: 'remove', snippet: `# delete ${String(v.data.capability)} from capabilities.add`, test: { at: v.path, value: String(v.data.capability) } },
});
