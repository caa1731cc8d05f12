import { pssControl, type Fix } from './_pss.ts';

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
  remediation: {
    pod: {
      action:
        'Remove `windowsOptions.hostProcess: true` from the pod securityContext of {{kind}} {{namespace}}/{{name}} (at {{path}}) and from every container that sets it: HostProcess is all or nothing within a pod. A node agent that needs it belongs in a namespace enforcing `privileged`, with a waiver.',
      snippet: '# delete securityContext.windowsOptions.hostProcess from the pod and every container',
    },
    container: {
      action:
        'Remove `windowsOptions.hostProcess: true` from container {{container}} ({{containerType}}) of {{kind}} {{namespace}}/{{name}} (at {{path}}), and from the pod and every other container that sets it: HostProcess is all or nothing within a pod. A node agent that needs it belongs in a namespace enforcing `privileged`, with a waiver.',
      snippet: '# delete securityContext.windowsOptions.hostProcess from the pod and every container',
    },
  },
  // One patch removes hostProcess everywhere it is set; removing it from one place only would be invalid.
  fix: (_v, ctx): Fix => {
    const spec = ctx.spec as unknown as Record<string, any>;
    const removes: { path: string }[] = [];
    if (spec.securityContext?.windowsOptions?.hostProcess != null) removes.push({ path: `${ctx.specPath}.securityContext.windowsOptions.hostProcess` });
    for (const t of ['initContainers', 'containers', 'ephemeralContainers'])
      (Array.isArray(spec[t]) ? spec[t] : []).forEach((c: any, i: number) => {
        if (c?.securityContext?.windowsOptions?.hostProcess != null) removes.push({ path: `${ctx.specPath}.${t}[${i}].securityContext.windowsOptions.hostProcess` });
      });
    return { op: 'remove', removes };
  },
});
