import { capability } from '../../src/model/rbac.ts';
import { RBAC_GOOD_PRACTICES, grantControl, replaceRemediation } from './_grants.ts';

const probes = [...capability('create-pods').probes, ...capability('create-workloads').probes];

export default grantControl(
  {
    id: 'rbac-create-pods',
    title: 'Access to create pods is minimal',
    area: 'rbac',
    severity: 'high',
    description:
      'Flags every binding subject that may create pods, or the controllers that create them (Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs, ReplicationControllers), naming the role and rules that grant it; and every one that may change what pods run: update or patch pods (a new image) or pods/ephemeralcontainers (kubectl debug), or update or patch those controllers (their pod template), Jobs excepted (a Job\'s template is immutable).',
    rationale:
      'Whoever creates a pod chooses its image, its ServiceAccount and its volumes: it can mount any Secret of the namespace, run as any ServiceAccount there, and — where Pod Security admission does not stop it — run privileged on a node. Creating a Deployment is the same power one step removed, and so is patching one: its controller replaces the pods with ones built from the new template.',
    remediation: replaceRemediation('Let people and pipelines create workloads only in the namespaces they deploy to; keep pod creation to controllers.'),
    references: { cis: ['5.1.4'], links: [RBAC_GOOD_PRACTICES, 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation'] },
    messages: {
      createPods: '{{grantee}} can create pods{{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
      changes:
        '{{grantee}} can {{verbs}} {{resources}}{{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}): a changed pod runs any image with its ServiceAccount and volumes, a changed pod template any image with any ServiceAccount of the namespace.',
      createWorkloads: '{{grantee}} can create workloads that create pods ({{resources}}){{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
    },
  },
  {
    probes,
    messageId: (matches) => {
      const creates = (pods: boolean) => matches.some((m) => m.matches.some((p) => (p.resource === 'pods') === pods && p.verbs.includes('create')));
      return creates(true) ? 'createPods' : creates(false) ? 'createWorkloads' : 'changes';
    },
  },
);
