import { flagControl } from '../_shared.ts';
import { admissionRule } from './_admission.ts';

export default flagControl({
  id: 'apiserver-admission-node-restriction',
  title: 'API server runs the NodeRestriction admission plugin',
  severity: 'medium',
  component: 'kube-apiserver',
  cis: ['1.2.14'],
  description:
    'NodeRestriction is not a default plugin: --enable-admission-plugins on the kube-apiserver mirror pod must name it, and --disable-admission-plugins must not.',
  rationale:
    'NodeRestriction limits what a kubelet may change to its own Node and the pods bound to it, and keeps kubelets from setting labels that steer workloads onto them. Without it a compromised node can modify other nodes and pods.',
  remediation:
    'Add NodeRestriction to `--enable-admission-plugins` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm), together with `--authorization-mode=Node,RBAC`.',
  messages: {
    notEnabled: 'The NodeRestriction admission plugin does not run: {{how}}.',
  },
  check: ({ flags }) => admissionRule(flags, 'NodeRestriction', 'enabled'),
});
