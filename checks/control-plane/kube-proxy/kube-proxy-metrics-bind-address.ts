import { KUBE_PROXY_PERMISSION } from '../../../src/collect/extras.ts';
import { CLUSTER_SUBJECT } from '../../../src/engine/run.ts';
import { defineControl } from '../../../src/engine/types.ts';
import { ComponentFlags } from '../../../src/model/flags.ts';
import type { Container, K8sObject, PodSpec } from '../../../src/model/k8s.ts';
import { subjectOf, workloadOf, type SubjectRef } from '../../../src/model/workloads.ts';
import { isLoopback } from '../_shared.ts';

const CONFIGMAP: SubjectRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'kube-proxy' };

function isKubeProxy(obj: K8sObject): boolean {
  const labels = obj.metadata.labels ?? {};
  return obj.metadata.name === 'kube-proxy' || labels['k8s-app'] === 'kube-proxy' || labels.component === 'kube-proxy';
}

/** kube-proxy as it runs in kube-system: DaemonSets, and pods no DaemonSet owns (static pods on some distributions). */
function kubeProxies(objects: { daemonsets: readonly K8sObject[]; pods: readonly K8sObject[] }): K8sObject[] {
  const ds = objects.daemonsets.filter((d) => d.metadata.namespace === 'kube-system' && (d.metadata.name === 'kube-proxy' || d.metadata.labels?.['k8s-app'] === 'kube-proxy'));
  const pods = objects.pods.filter(
    (p) => p.metadata.namespace === 'kube-system' && isKubeProxy(p) && !p.metadata.ownerReferences?.some((o) => o.kind === 'DaemonSet'),
  );
  return [...ds, ...pods].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

/** The ConfigMap a --config path is mounted from, if any. */
function configMapOf(spec: PodSpec, container: Container, path: string): string | undefined {
  const mount = (container.volumeMounts ?? []).filter((m) => path === m.mountPath || path.startsWith(m.mountPath.replace(/\/?$/, '/'))).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  const volume = mount && (spec.volumes ?? []).find((v) => v.name === mount.name);
  return (volume as { configMap?: { name?: string } } | undefined)?.configMap?.name;
}

export default defineControl({
  meta: {
    id: 'kube-proxy-metrics-bind-address',
    title: 'kube-proxy serves metrics on loopback only',
    area: 'nodes',
    severity: 'low',
    description:
      "kube-proxy's metrics address must be a loopback address: metricsBindAddress in the ConfigMap kube-system/kube-proxy when --config points to it (kube-proxy then ignores --metrics-bind-address; empty or absent in the file means the default, 127.0.0.1:10249), else --metrics-bind-address (absent: 127.0.0.1:10249; empty: no metrics server).",
    rationale: "kube-proxy's metrics port answers without authentication. Bound to every interface, it tells anyone on the node network about the cluster's Services and the node's traffic.",
    remediation:
      'Set `metricsBindAddress: 127.0.0.1:10249` in the config.conf of ConfigMap kube-system/kube-proxy (or, for a kube-proxy without --config, `--metrics-bind-address=127.0.0.1:10249` on its container) and restart the kube-proxy pods. Finding on {{kind}} {{namespace}}/{{name}}.',
    references: { cis: ['4.3.1'], links: ['https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/'] },
    static: { needsCluster: "kube-proxy's configuration is read from a running cluster (ConfigMap kube-system/kube-proxy)." },
    messages: {
      flag: 'kube-proxy serves metrics on {{value}} ({{flag}} on container "{{container}}"), not only on loopback.',
      config: 'kube-proxy serves metrics on {{value}} (metricsBindAddress in config.conf), not only on loopback.',
    },
  },
  reads: ['daemonsets', 'pods'],
  evaluate(snapshot, report) {
    const proxies = kubeProxies({ daemonsets: snapshot.list('daemonsets'), pods: snapshot.list('pods') });
    const cm = snapshot.extras?.kubeProxy;
    if (proxies.length === 0) {
      if (!snapshot.readsNamespace('kube-system')) return report.notAssessed(CLUSTER_SUBJECT, `${snapshot.scopeText()}; kube-system, where kube-proxy runs, was not read.`);
      if (cm?.state === 'ok') return report.notAssessed(CLUSTER_SUBJECT, 'ConfigMap kube-system/kube-proxy exists but no kube-proxy DaemonSet or pod was found in kube-system; the process that reads it is not visible.');
      return report.notApplicable(CLUSTER_SUBJECT, 'No kube-proxy runs in kube-system (no DaemonSet or pod): service routing is done by something else, such as a CNI that replaces kube-proxy, or kube-proxy runs outside Kubernetes.');
    }
    let configJudged = false;
    for (const obj of proxies) {
      const w = workloadOf(obj);
      if (!w) continue;
      const index = w.podSpec.containers.findIndex((c) => c.name === 'kube-proxy' || (c.command ?? []).some((x) => x.endsWith('kube-proxy')));
      const container = w.podSpec.containers[index < 0 ? 0 : index];
      if (!container) continue;
      const cPath = `${w.specPath}.containers[${index < 0 ? 0 : index}]`;
      const flags = new ComponentFlags('kube-proxy', container);
      const configPath = flags.value('config');
      const flag = flags.last('metrics-bind-address');
      // With --config, kube-proxy ignores --metrics-bind-address (its help says so): the file decides.
      if (!configPath) {
        // Without a flag: the default, 127.0.0.1:10249. Empty: no metrics server at all.
        if (!flag || flag.value === '' || isLoopback(flag.value)) report.pass(subjectOf(obj), { path: flag ? `${cPath}.${flag.at}` : cPath, container: container.name });
        else report.fail(subjectOf(obj), { messageId: 'flag', data: { value: flag.value, flag: '--metrics-bind-address' }, path: `${cPath}.${flag.at}`, container: container.name, observed: flag.value, expected: '127.0.0.1:10249' });
        continue;
      }
      const source = configMapOf(w.podSpec, container, configPath);
      if (source !== 'kube-proxy') {
        report.notAssessed(subjectOf(obj), `kube-proxy reads --config=${configPath}${source ? ` from ConfigMap ${source}` : ', which is not mounted from a ConfigMap'}; k8s-audit reads only ConfigMap kube-system/kube-proxy.`);
        continue;
      }
      if (!cm || cm.state !== 'ok' || !cm.config) {
        report.notAssessed(CONFIGMAP, `ConfigMap kube-system/kube-proxy could not be read: ${cm?.reason ?? 'not collected'}.`, cm?.permission ?? KUBE_PROXY_PERMISSION);
        configJudged = true;
        continue;
      }
      if (configJudged) continue;
      configJudged = true;
      const raw = cm.config.metricsBindAddress;
      const value = typeof raw === 'string' && raw !== '' ? raw : '127.0.0.1:10249';
      if (isLoopback(value)) report.pass(CONFIGMAP, { path: 'data["config.conf"].metricsBindAddress' });
      else report.fail(CONFIGMAP, { messageId: 'config', data: { value }, path: 'data["config.conf"].metricsBindAddress', observed: value, expected: '127.0.0.1:10249' });
    }
  },
});
