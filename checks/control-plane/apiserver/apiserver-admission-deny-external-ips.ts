import { flagControl } from '../_shared.ts';
import { admissionRule } from './_admission.ts';

export default flagControl({
  id: 'apiserver-admission-deny-external-ips',
  title: 'API server runs the DenyServiceExternalIPs admission plugin',
  severity: 'low',
  component: 'kube-apiserver',
  cis: ['1.2.3'],
  description:
    'DenyServiceExternalIPs is not a default plugin: --enable-admission-plugins on the kube-apiserver mirror pod must name it. CIS marks this item Manual.',
  rationale:
    'Anyone who may create Services can set spec.externalIPs and intercept traffic to those addresses from inside the cluster (CVE-2020-8554). The plugin refuses new external IPs.',
  remediation:
    'Add DenyServiceExternalIPs to `--enable-admission-plugins` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm), after moving Services that need external IPs to LoadBalancer Services.',
  messages: {
    notEnabled: 'The DenyServiceExternalIPs admission plugin does not run: {{how}}.',
  },
  check: ({ flags }) => admissionRule(flags, 'DenyServiceExternalIPs', 'enabled'),
});
