import { containerOf, containerPathOf, containerYaml, pssControl, setFix } from './_pss.ts';

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
    privileged: {
      action:
        'Set `allowPrivilegeEscalation: false` for container {{container}} ({{containerType}}) of {{kind}} {{namespace}}/{{name}} (at {{path}}), which also means it stops running privileged: the API server refuses the two together.',
      snippet: containerYaml('privileged: false\nallowPrivilegeEscalation: false'),
    },
  },
  placement: (v, ctx) => (containerOf(v, ctx)?.securityContext?.privileged === true ? 'privileged' : 'container'),
  fix: (v, ctx) =>
    containerOf(v, ctx)?.securityContext?.privileged === true
      ? setFix({ path: v.path, value: false }, { path: `${containerPathOf(v)}.securityContext.privileged`, value: false })
      : setFix({ path: v.path, value: false }),
});
