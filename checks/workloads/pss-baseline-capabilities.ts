import { pssControl, removeFix } from './_pss.ts';

export default pssControl({
  id: 'pss-baseline-capabilities',
  check: 'capabilities_baseline',
  title: 'Containers must not add capabilities beyond the default set',
  severity: 'high',
  description:
    'Flags every capability in securityContext.capabilities.add of an init, regular or ephemeral container that is not in the baseline set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT) (Pod Security Standards, baseline: capabilities_baseline). NET_RAW, SYS_ADMIN and ALL are among those flagged.',
  rationale:
    'Capabilities such as SYS_ADMIN, SYS_PTRACE, NET_ADMIN or NET_RAW give a container powers over the kernel, other processes or the network that container escapes and spoofing rely on.',
  remediation: {
    container: {
      action:
        'Remove {{capability}} from `capabilities.add` of container {{container}} ({{containerType}}) in {{kind}} {{namespace}}/{{name}} (at {{path}}). The baseline standard lets a container add only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID and SYS_CHROOT.',
      snippet: '# in {{containerType}} {{container}}: delete {{capability}} from securityContext.capabilities.add',
    },
  },
  fix: (v) => removeFix(v),
});
