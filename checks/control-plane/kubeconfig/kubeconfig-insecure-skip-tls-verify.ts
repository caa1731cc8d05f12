import { defineControl } from '../../../src/engine/types.ts';
import { kubeconfigFacts, kubeconfigSubject } from './_kubeconfig.ts';

export default defineControl({
  meta: {
    id: 'kubeconfig-insecure-skip-tls-verify',
    title: "The kubeconfig in use verifies the API server's certificate",
    area: 'general',
    severity: 'high',
    description: 'Fails when the cluster entry of the kubeconfig context the scan used sets insecure-skip-tls-verify: true.',
    rationale:
      'Without certificate verification, anyone on the network path can pose as the API server and collect the credentials this kubeconfig sends — for an administrator, the keys to the cluster.',
    remediation:
      'Remove `insecure-skip-tls-verify: true` from cluster "{{cluster}}" in {{origin}} and set `certificate-authority-data` to the cluster CA (kubectl config set-cluster {{cluster}} --certificate-authority=<ca.crt> --embed-certs).',
    references: { links: ['https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/'] },
    static: { needsCluster: 'it examines the kubeconfig used to reach a cluster, and a static scan uses none.' },
    messages: {
      skip: 'Context "{{name}}" ({{origin}}) talks to {{server}} without verifying its certificate.',
    },
  },
  reads: [],
  evaluate(snapshot, report) {
    const k = kubeconfigFacts(snapshot, report);
    if (!k) return;
    const subject = kubeconfigSubject(k);
    const path = `clusters[${k.cluster ?? ''}].cluster.insecure-skip-tls-verify`;
    if (!k.insecureSkipTlsVerify) return report.pass(subject, { path });
    report.fail(subject, { messageId: 'skip', data: { origin: k.clusterOrigin ?? k.origin, server: k.server, cluster: k.cluster ?? '' }, path, observed: true, expected: false });
  },
});
