import { flagControl } from '../_shared.ts';
import { admissionRule } from './_admission.ts';

export default flagControl({
  id: 'apiserver-admission-always-pull-images',
  title: 'API server runs the AlwaysPullImages admission plugin',
  severity: 'low',
  component: 'kube-apiserver',
  cis: ['1.2.11'],
  description:
    'AlwaysPullImages is not a default plugin: --enable-admission-plugins on the kube-apiserver mirror pod must name it. CIS marks this item Manual: it costs image pulls on every start.',
  rationale:
    'Without it, a pod on a multi-tenant node can start from a private image another tenant already pulled there, without having credentials for it.',
  remediation:
    'Add AlwaysPullImages to `--enable-admission-plugins` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm), if image-pull cost and registry availability allow.',
  messages: {
    notEnabled: 'The AlwaysPullImages admission plugin does not run: {{how}}.',
  },
  check: ({ flags }) => admissionRule(flags, 'AlwaysPullImages', 'enabled'),
});
