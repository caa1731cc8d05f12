import { pssControl } from './_pss.ts';

export default pssControl({
  id: 'pss-baseline-host-process',
  check: 'windowsHostProcess',
  title: 'Windows pods must not run HostProcess containers',
  severity: 'critical',
  description:
    'Flags securityContext.windowsOptions.hostProcess: true at the pod level and on every init, regular and ephemeral container (Pod Security Standards, baseline: windowsHostProcess).',
  rationale:
    "A HostProcess container runs as a process on the Windows node, in the host's network and with the node's filesystem: it is the Windows equivalent of a privileged container.",
  cis: ['5.2.10'],
  remediation:
    'Remove `windowsOptions.hostProcess: true` ({{where}}, `{{path}}`) from {{kind}} {{namespace}}/{{name}}, at the pod level and on every container that sets it. A node agent that needs it belongs in a namespace enforcing `privileged`, with a waiver.\n\n{{apply}}',
  fix: () => ({ op: 'remove', snippet: '# delete windowsOptions.hostProcess' }),
});
