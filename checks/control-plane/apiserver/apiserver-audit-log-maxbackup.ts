import { flagControl } from '../_shared.ts';
import { auditRetention } from './_audit.ts';

export default flagControl({
  id: 'apiserver-audit-log-maxbackup',
  title: 'API server keeps 10 or more rotated audit logs (--audit-log-maxbackup)',
  severity: 'low',
  component: 'kube-apiserver',
  cis: ['1.2.18'],
  description:
    '--audit-log-maxbackup on the kube-apiserver mirror pod must be 10 or more when an audit log file is written. From Kubernetes 1.37 an absent flag means the built-in default (100); for older versions it must be set explicitly. 0 means no limit (every rotated file is kept) and passes; with --audit-log-maxsize=0 (1.37: no rotation, nothing removed) the control is not applicable.',
  rationale:
    'Rotation deletes old files beyond this count; keeping at least 10 leaves enough history for an investigation on a busy API server.',
  remediation: 'Set `--audit-log-maxbackup=10` (or more, as your retention policy requires) in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    tooLow: '{{flag}} is {{value}} ({{source}}); expected {{min}} or more.',
    notSet: '{{flag}} is not set, and the default of this API server version is not known to be {{min}} or more; set it explicitly.',
  },
  check: ({ flags }) => auditRetention(flags, 'audit-log-maxbackup', 10),
});
