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
    'PodSecurity is a default plugin from Kubernetes 1.25 (before that it also needs its feature gate: beta and on in 1.23 and 1.24, alpha and off in 1.22); fails when --disable-admission-plugins or the feature gate turns it off, or when the deprecated --admission-control list leaves it out. Namespace pod-security labels do nothing without it.',
  rationale:
    'Pod Security Admission enforces the Pod Security Standards set by namespace labels. With the plugin off, every enforce label in the cluster is silently ignored and privileged pods are admitted everywhere.',
  remediation:
    'Remove PodSecurity from `--disable-admission-plugins` (and, before Kubernetes 1.25, set `--feature-gates=PodSecurity=true`) in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notEnabled: 'The PodSecurity admission plugin does not run, so namespace pod-security labels are not enforced: {{how}}.',
  },
  check: ({ flags }) => {
    const verdict = admissionRule(flags, 'PodSecurity', 'enabled');
    if (verdict.status !== 'pass') return verdict;
    // Before 1.25 the plugin also needs its feature gate: alpha and off in 1.22, beta and on in 1.23 and 1.24.
    const minor = flags.version?.major === 1 ? flags.version.minor : undefined;
    if (minor === undefined || minor >= 25) return verdict;
    const gate = flags.featureGates().get('PodSecurity');
    if (gate ?? minor >= 23) return verdict;
    const how =
      gate === false
        ? '--feature-gates=PodSecurity=false turns it off'
        : `on Kubernetes 1.${minor} its feature gate is alpha and off unless --feature-gates=PodSecurity=true`;
    return { status: 'fail', messageId: 'notEnabled', flag: 'feature-gates', data: { plugin: 'PodSecurity', how }, observed: gate ?? null, expected: 'PodSecurity=true' };
  },
});
