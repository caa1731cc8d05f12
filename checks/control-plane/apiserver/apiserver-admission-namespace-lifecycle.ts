import { flagControl } from '../_shared.ts';
import { admissionRule } from './_admission.ts';

export default flagControl({
  id: 'apiserver-admission-namespace-lifecycle',
  title: 'API server runs the NamespaceLifecycle admission plugin',
  severity: 'medium',
  component: 'kube-apiserver',
  cis: ['1.2.13'],
  description:
    'NamespaceLifecycle is a default plugin; fails when --disable-admission-plugins turns it off, or when the deprecated --admission-control list leaves it out.',
  rationale:
    'NamespaceLifecycle refuses objects in namespaces that do not exist or are being deleted and protects the system namespaces from deletion; without it, objects can outlive the policies of a deleted namespace.',
  remediation:
    'Remove NamespaceLifecycle from `--disable-admission-plugins` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notEnabled: 'The NamespaceLifecycle admission plugin does not run: {{how}}.',
  },
  check: ({ flags }) => admissionRule(flags, 'NamespaceLifecycle', 'enabled'),
});
