import { flagControl } from '../_shared.ts';
import { authorizationRule } from './_authz.ts';

export default flagControl({
  id: 'apiserver-authz-node',
  title: 'API server authorization includes the Node authorizer',
  severity: 'medium',
  component: 'kube-apiserver',
  cis: ['1.2.7'],
  description: 'Fails when the kube-apiserver authorizer chain (--authorization-mode) lacks Node.',
  rationale:
    'The Node authorizer limits each kubelet to the Secrets, ConfigMaps, volumes and pods of its own node. Without it a kubelet needs broad RBAC rights, and one compromised node can read every Secret in the cluster.',
  remediation:
    'Put Node first in `--authorization-mode`, e.g. `--authorization-mode=Node,RBAC`, in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm), and enable the NodeRestriction admission plugin with it.',
  messages: {
    missing: 'The Node authorizer is not in the chain {{modes}} ({{source}}).',
  },
  check: ({ flags }) => authorizationRule(flags, { include: 'Node' }),
});
