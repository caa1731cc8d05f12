import { containerYaml, pssControl, removeFix, setFix } from './_pss.ts';

export default pssControl({
  id: 'pss-restricted-capabilities',
  check: 'capabilities_restricted',
  title: 'Containers must drop ALL capabilities and add back at most NET_BIND_SERVICE',
  severity: 'medium',
  description:
    'Flags every init, regular and ephemeral container whose securityContext.capabilities.drop does not include ALL, and every added capability other than NET_BIND_SERVICE (Pod Security Standards, restricted: capabilities_restricted, from v1.22). Windows pods are exempt from v1.25.',
  rationale: 'The default capability set includes NET_RAW (packet spoofing), CHOWN, DAC_OVERRIDE, SETUID and others a service rarely needs; dropping ALL removes them.',
  remediation: {
    dropAll: {
      action:
        'Drop every capability from container {{container}} ({{containerType}}) of {{kind}} {{namespace}}/{{name}} (at {{path}}), and add back only NET_BIND_SERVICE if the process binds a port below 1024.',
      snippet: containerYaml('capabilities:\n  drop: ["ALL"]'),
    },
    added: {
      action:
        'Remove {{capability}} from `capabilities.add` of container {{container}} ({{containerType}}) in {{kind}} {{namespace}}/{{name}} (at {{path}}): the restricted standard lets a container add back only NET_BIND_SERVICE.',
      snippet: '# in {{containerType}} {{container}}: delete {{capability}} from securityContext.capabilities.add',
    },
  },
  placement: (v) => v.rule,
  fix: (v) => (v.rule === 'dropAll' ? setFix({ path: v.path, value: ['ALL'] }) : removeFix(v)),
});
