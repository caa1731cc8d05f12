import { flagControl } from '../_shared.ts';
import { auditRetention } from './_audit.ts';

export default flagControl({
  id: 'apiserver-audit-log-maxage',
  title: 'API server keeps audit logs for 30 days or more (--audit-log-maxage)',
  severity: 'low',
  component: 'kube-apiserver',
  cis: ['1.2.17'],
  description:
    '--audit-log-maxage on the kube-apiserver mirror pod must be 30 or more when an audit log file is written. From Kubernetes 1.37 an absent flag means the built-in default (366); for older versions it must be set explicitly. 0 means no limit (no file is removed for its age) and passes; with --audit-log-maxsize=0 (1.37: no rotation, nothing removed) the control is not applicable.',
  rationale:
    'Investigations often start weeks after the fact. Keeping rotated audit files for at least 30 days leaves time to notice and trace an incident.',
  remediation: 'Set `--audit-log-maxage=30` (or more, as your retention policy requires) in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    tooLow: '{{flag}} is {{value}} ({{source}}); expected {{min}} or more.',
    notSet: '{{flag}} is not set, and the default of this API server version is not known to be {{min}} or more; set it explicitly.',
  },
  check: ({ flags }) => auditRetention(flags, 'audit-log-maxage', 30),
});
