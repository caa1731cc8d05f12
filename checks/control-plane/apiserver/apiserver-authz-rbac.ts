import { flagControl } from '../_shared.ts';
import { authorizationRule } from './_authz.ts';

export default flagControl({
  id: 'apiserver-authz-rbac',
  title: 'API server authorization includes RBAC',
  severity: 'high',
  component: 'kube-apiserver',
  cis: ['1.2.8'],
  description: 'Fails when the kube-apiserver authorizer chain (--authorization-mode) lacks RBAC.',
  rationale:
    'RBAC is how Kubernetes grants least privilege to users and workloads; every RBAC finding of this audit assumes it is on. Without it, access is decided by whatever else is in the chain.',
  remediation:
    'Include RBAC in `--authorization-mode`, e.g. `--authorization-mode=Node,RBAC`, in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    missing: 'RBAC is not in the authorizer chain {{modes}} ({{source}}).',
  },
  check: ({ flags }) => authorizationRule(flags, { include: 'RBAC' }),
});
