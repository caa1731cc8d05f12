import { containerOf, containerPathOf, containerYaml, pssControl, setFix } from './_pss.ts';

/** The capability name API validation refuses beside allowPrivilegeEscalation: false (spelled so: SYS_ADMIN is let through). */
const SYS_ADMIN = 'CAP_SYS_ADMIN';

function addsSysAdmin(sc: Record<string, any> | undefined): boolean {
  return Array.isArray(sc?.capabilities?.add) && sc.capabilities.add.includes(SYS_ADMIN);
}

export default pssControl({
  id: 'pss-restricted-privilege-escalation',
  check: 'allowPrivilegeEscalation',
  title: 'Containers must set allowPrivilegeEscalation: false',
  severity: 'medium',
  description:
    'Flags every init, regular and ephemeral container whose securityContext.allowPrivilegeEscalation is not explicitly false: unset counts, since it defaults to true (Pod Security Standards, restricted: allowPrivilegeEscalation). Windows pods are exempt from v1.25.',
  rationale: 'Without no_new_privs, a process in the container can gain privileges through set-user-ID binaries or file capabilities.',
  cis: ['5.2.6'],
  remediation: {
    container: {
      action:
        'Set `allowPrivilegeEscalation: false` for container {{container}} ({{containerType}}) of {{kind}} {{namespace}}/{{name}} (at {{path}}); unset, it defaults to true.',
      snippet: containerYaml('allowPrivilegeEscalation: false'),
    },
    sysAdmin: {
      action:
        'Set `allowPrivilegeEscalation: false` for container {{container}} ({{containerType}}) of {{kind}} {{namespace}}/{{name}} (at {{path}}), which also means removing CAP_SYS_ADMIN from its added capabilities: the API server refuses the two together.',
      snippet: containerYaml('allowPrivilegeEscalation: false\ncapabilities:\n  add: [<the capabilities it adds, without CAP_SYS_ADMIN>]'),
    },
    privileged: {
      action:
        'Set `allowPrivilegeEscalation: false` for container {{container}} ({{containerType}}) of {{kind}} {{namespace}}/{{name}} (at {{path}}), which also means it stops running privileged: the API server refuses the two together.',
      snippet: containerYaml('privileged: false\nallowPrivilegeEscalation: false'),
    },
  },
  placement: (v, ctx) => {
    const sc = containerOf(v, ctx)?.securityContext;
    if (sc?.privileged === true) return 'privileged';
    return addsSysAdmin(sc) ? 'sysAdmin' : 'container';
  },
  fix: (v, ctx) => {
    const sc = containerOf(v, ctx)?.securityContext;
    if (sc?.privileged === true) return setFix({ path: v.path, value: false }, { path: `${containerPathOf(v)}.securityContext.privileged`, value: false });
    if (addsSysAdmin(sc)) {
      // capabilities.add is replaced whole by a strategic merge patch: keep the others.
      const rest = (sc.capabilities.add as string[]).filter((c) => c !== SYS_ADMIN);
      return setFix({ path: v.path, value: false }, { path: `${containerPathOf(v)}.securityContext.capabilities.add`, value: rest });
    }
    return setFix({ path: v.path, value: false });
  },
});
