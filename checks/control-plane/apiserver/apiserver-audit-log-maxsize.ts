import { flagControl } from '../_shared.ts';
import { auditRetention } from './_audit.ts';

export default flagControl({
  id: 'apiserver-audit-log-maxsize',
  title: 'API server rotates audit logs at 100 MB or more (--audit-log-maxsize)',
  severity: 'low',
  component: 'kube-apiserver',
  cis: ['1.2.19'],
  description:
    '--audit-log-maxsize on the kube-apiserver mirror pod must be 100 or more when an audit log file is written. From Kubernetes 1.37 an absent flag means the built-in default (100), and 0 turns rotation off (one file grows without bound: fails); for older versions it must be set explicitly, and 0 there means the rotating writer\'s own default, 100 MB (passes).',
  rationale:
    'Small files combined with a backup count lose history quickly on a busy API server; 100 MB files with 10 backups keep about 1 GB of audit history.',
  remediation: 'Set `--audit-log-maxsize=100` (or more, as your retention policy requires) in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    tooLow: '{{flag}} is {{value}} ({{source}}); expected {{min}} or more.',
    notSet: '{{flag}} is not set, and the default of this API server version is not known to be {{min}} or more; set it explicitly.',
    rotationOff: '{{flag}} is 0 ({{source}}): the audit log is never rotated, and one file grows until the disk is full; expected {{min}} or more.',
    zeroUnknownVersion:
      '{{flag}} is 0 ({{source}}), and the API server\'s version is not known: from 1.37 0 turns rotation off (one file grows until the disk is full), before it means 100 MB; set {{min}} or more explicitly.',
  },
  check: ({ flags }) => auditRetention(flags, 'audit-log-maxsize', 100),
});
