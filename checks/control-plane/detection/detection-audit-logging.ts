import { flagControl } from '../_shared.ts';

export default flagControl({
  id: 'detection-audit-logging',
  title: 'API server audit logging records events (backend and policy)',
  area: 'general',
  severity: 'info',
  component: 'kube-apiserver',
  cis: ['3.2.1'],
  description:
    'Detection posture: the kube-apiserver mirror pod needs an audit backend (--audit-log-path or --audit-webhook-config-file) and --audit-policy-file; without a policy the API server records no events at all. What the policy file says (CIS 3.2.2) is not visible. On managed clusters audit logs are a provider setting.',
  rationale:
    'Audit events are the evidence of who changed what. A backend without a policy looks configured but records nothing, which is found out only when an investigation needs the log.',
  remediation:
    'Write an audit policy (at least Metadata level for all requests, RequestResponse for Secrets, RBAC and pods/exec), set `--audit-policy-file=<policy.yaml>` and a backend (`--audit-log-path=…` or `--audit-webhook-config-file=…`) in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm), and forward the events off the node.',
  links: ['https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/'],
  messages: {
    noBackend: 'The API server has no audit backend: neither --audit-log-path nor --audit-webhook-config-file is set.',
    noPolicy: 'The API server has an audit backend but no {{flag}}, so it records no events.',
  },
  check: ({ flags }) => {
    const backend = flags.value('audit-log-path') ? 'audit-log-path' : flags.value('audit-webhook-config-file') ? 'audit-webhook-config-file' : undefined;
    if (!backend) return { status: 'fail', messageId: 'noBackend', observed: null, expected: 'an audit backend and policy' };
    if (!flags.value('audit-policy-file')) return { status: 'fail', messageId: 'noPolicy', flag: 'audit-policy-file', observed: null, expected: 'an audit policy file' };
    return { status: 'pass', flag: 'audit-policy-file' };
  },
});
