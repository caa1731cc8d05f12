import { defineControl } from '../../../src/engine/types.ts';
import { isPublicAddress } from './_addresses.ts';
import { kubeconfigFacts, kubeconfigSubject } from './_kubeconfig.ts';

export default defineControl({
  meta: {
    id: 'kubeconfig-public-endpoint',
    title: 'The API server address in use is not on the public Internet',
    area: 'general',
    severity: 'medium',
    description:
      'Resolves the server host of the kubeconfig context the scan used and fails when it is (or resolves to) a globally routable address. Private, loopback, link-local, carrier-grade NAT and documentation ranges pass. Firewalls and allow-lists in front of the address are not visible.',
    rationale:
      'An API server reachable from the Internet is probed continuously; every authentication weakness, unpatched vulnerability or anonymous endpoint is then exposed to anyone, not only to the cluster network.',
    remediation:
      'Put the API server behind a private endpoint, VPN or bastion, or restrict the public endpoint to known source ranges (for managed clusters: private endpoint or authorized networks). The address in use: {{server}} ({{addresses}}).',
    references: { links: ['https://kubernetes.io/docs/concepts/security/controlling-access/'] },
    static: { needsCluster: 'it examines the kubeconfig used to reach a cluster, and a static scan uses none.' },
    messages: {
      public: 'The API server {{server}} resolves to public address(es) {{addresses}}.',
    },
  },
  reads: [],
  evaluate(snapshot, report) {
    const k = kubeconfigFacts(snapshot, report);
    if (!k) return;
    const subject = kubeconfigSubject(k);
    if (k.addresses.length === 0) return report.notAssessed(subject, `The server host ${k.host} could not be resolved${k.resolveError ? ` (${k.resolveError})` : ''}.`);
    const pub = k.addresses.filter(isPublicAddress);
    if (pub.length === 0) return report.pass(subject, { path: `clusters[${k.cluster ?? ''}].cluster.server` });
    report.fail(subject, { messageId: 'public', data: { server: k.server, addresses: pub.join(', ') }, path: `clusters[${k.cluster ?? ''}].cluster.server`, observed: pub, expected: 'a private address' });
  },
});
