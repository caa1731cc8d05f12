import { flagControl, requireSet } from '../_shared.ts';

export default flagControl({
  id: 'apiserver-audit-log-path',
  title: 'API server writes an audit log (--audit-log-path)',
  severity: 'high',
  component: 'kube-apiserver',
  cis: ['1.2.16'],
  description:
    'Fails when the kube-apiserver mirror pod does not set --audit-log-path. Note that the API server records nothing without --audit-policy-file as well; see detection-audit-logging.',
  rationale:
    'The audit log is the record of who did what through the API. Without it, an intrusion, a leaked credential or a destructive mistake leaves no trace to investigate.',
  remediation:
    'Set `--audit-log-path=/var/log/kubernetes/audit/audit.log` and `--audit-policy-file=<policy.yaml>` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm), mount the log directory as a hostPath, and ship the file to central storage.',
  messages: {
    notSet: 'API requests are not written to an audit log file: {{missing}} not set.',
  },
  check: ({ flags }) => requireSet(flags, ['audit-log-path']),
});
