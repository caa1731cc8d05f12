import { flagControl } from '../_shared.ts';
import { admissionRule } from './_admission.ts';

export default flagControl({
  id: 'apiserver-admission-service-account',
  title: 'API server runs the ServiceAccount admission plugin',
  severity: 'medium',
  component: 'kube-apiserver',
  cis: ['1.2.12'],
  description:
    'ServiceAccount is a default plugin; fails when --disable-admission-plugins turns it off, or when the deprecated --admission-control list leaves it out.',
  rationale:
    'The ServiceAccount plugin gives every pod a service account that exists, and mounts short-lived projected tokens. Without it pods can name service accounts that do not exist and token handling falls back to weaker paths.',
  remediation:
    'Remove ServiceAccount from `--disable-admission-plugins` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notEnabled: 'The ServiceAccount admission plugin does not run: {{how}}.',
  },
  check: ({ flags }) => admissionRule(flags, 'ServiceAccount', 'enabled'),
});
