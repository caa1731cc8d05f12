import { flagControl } from '../_shared.ts';
import { admissionRule } from './_admission.ts';

export default flagControl({
  id: 'apiserver-admission-pod-security',
  title: 'API server runs the PodSecurity admission plugin',
  severity: 'medium',
  component: 'kube-apiserver',
  cis: [],
  links: ['https://kubernetes.io/docs/concepts/security/pod-security-admission/'],
  description:
    'PodSecurity is a default plugin from Kubernetes 1.25; fails when --disable-admission-plugins turns it off, or when the deprecated --admission-control list leaves it out. Namespace pod-security labels do nothing without it.',
  rationale:
    'Pod Security Admission enforces the Pod Security Standards set by namespace labels. With the plugin off, every enforce label in the cluster is silently ignored and privileged pods are admitted everywhere.',
  remediation:
    'Remove PodSecurity from `--disable-admission-plugins` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notEnabled: 'The PodSecurity admission plugin does not run, so namespace pod-security labels are not enforced: {{how}}.',
  },
  check: ({ flags }) => admissionRule(flags, 'PodSecurity', 'enabled'),
});
