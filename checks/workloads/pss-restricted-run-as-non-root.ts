import { containerYaml, podYaml, pssControl, setFix } from './_pss.ts';

export default pssControl({
  id: 'pss-restricted-run-as-non-root',
  check: 'runAsNonRoot',
  title: 'Containers must be required to run as a non-root user',
  severity: 'medium',
  description:
    'Flags runAsNonRoot: false at the pod level or on any container, and every container that neither sets runAsNonRoot: true nor inherits it from the pod (Pod Security Standards, restricted: runAsNonRoot). Pods with hostUsers: false are exempt from v1.35.',
  rationale:
    'With runAsNonRoot the kubelet refuses to start a container as UID 0; without it, an image built to run as root does, and root in a container is one kernel bug away from root on the node.',
  cis: ['5.2.7'],
  remediation: {
    container: {
      action:
        "Set `runAsNonRoot: true` for container {{container}} ({{containerType}}) of {{kind}} {{namespace}}/{{name}} (at {{path}}), or once in the pod's securityContext, which every container inherits. Give the container a non-root runAsUser if its image's USER is root.",
      snippet: containerYaml('runAsNonRoot: true'),
    },
    pod: {
      action:
        "Set `runAsNonRoot: true` in the pod securityContext of {{kind}} {{namespace}}/{{name}} (at {{path}}); containers inherit it. Give a container a non-root runAsUser if its image's USER is root.",
      snippet: podYaml('runAsNonRoot: true'),
    },
  },
  fix: (v) => setFix({ path: v.path, value: true }),
});
