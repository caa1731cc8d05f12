import { CLUSTER_SUBJECT } from '../../../src/engine/run.ts';
import { defineControl } from '../../../src/engine/types.ts';
import type { K8sObject, PodSpec } from '../../../src/model/k8s.ts';
import { subjectOf } from '../../../src/model/workloads.ts';

/** Runtime-detection agents, recognised by container image. */
const SENSORS: { name: string; image: RegExp }[] = [
  { name: 'Falco', image: /(^|\/)falcosecurity\/falco(-no-driver|-distroless)?(:|@|$)|(^|\/)falco(:|@|$)/ },
  { name: 'Tetragon', image: /(^|\/)cilium\/tetragon(:|@|$)/ },
  { name: 'Tracee', image: /(^|\/)aquasec\/tracee(:|@|$)/ },
  { name: 'KubeArmor', image: /(^|\/)kubearmor\/kubearmor(:|@|$)/ },
  { name: 'Sysdig agent', image: /(^|\/)sysdig\/(agent|agent-slim|agent-kmodule)(:|@|$)/ },
  { name: 'NeuVector enforcer', image: /(^|\/)neuvector\/enforcer(:|@|$)/ },
  { name: 'Prisma Cloud Defender', image: /twistlock\/defender|prismacloud.*defender/ },
];

function sensorOf(ds: K8sObject): string | undefined {
  const spec = (ds.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec;
  const images = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].map((c) => c.image ?? '');
  return SENSORS.find((s) => images.some((i) => s.image.test(i)))?.name;
}

export default defineControl({
  meta: {
    id: 'detection-runtime-sensor',
    title: 'A runtime threat-detection sensor runs on the nodes',
    area: 'general',
    severity: 'info',
    description:
      'Detection posture: looks for a DaemonSet running a known runtime-detection agent (Falco, Tetragon, Tracee, KubeArmor, Sysdig, NeuVector, Prisma Cloud Defender), recognised by image. Agents installed outside Kubernetes, or under other images, are not seen.',
    rationale:
      'Configuration controls prevent known-bad set-ups; a runtime sensor notices what gets through anyway — a shell in a container, a read of a service account token, a write below /etc — while it happens.',
    remediation: 'Deploy a runtime-detection agent as a DaemonSet on every node, for example Falco (https://falco.org/docs/) or Tetragon (https://tetragon.io/docs/), and route its alerts to someone who reads them.',
    references: { links: ['https://falco.org/docs/', 'https://tetragon.io/docs/'] },
    static: { needsCluster: 'whether a runtime sensor runs is a fact about the whole cluster; a set of files cannot show its absence.' },
    messages: {
      none: 'No DaemonSet runs a known runtime-detection agent (looked at {{count}} DaemonSets).',
    },
  },
  reads: ['daemonsets'],
  evaluate(snapshot, report) {
    const all = snapshot.list('daemonsets');
    const found = all.filter((d) => sensorOf(d)).sort((a, b) => ((a.metadata.namespace ?? '') + a.metadata.name < (b.metadata.namespace ?? '') + b.metadata.name ? -1 : 1));
    if (found.length === 0 && snapshot.namespacesLimited) return report.notAssessed(CLUSTER_SUBJECT, `${snapshot.scopeText()}; a sensor in a namespace not read would not be seen.`);
    if (found.length === 0) return report.fail(CLUSTER_SUBJECT, { messageId: 'none', data: { count: all.length }, path: 'daemonsets', observed: 'none', expected: 'a runtime-detection DaemonSet' });
    for (const d of found) report.pass(subjectOf(d), { path: 'spec.template.spec.containers' });
  },
});
