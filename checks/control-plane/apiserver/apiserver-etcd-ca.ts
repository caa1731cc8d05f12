import { flagControl, requireSet } from '../_shared.ts';
import { plaintextVerdict } from './_etcd.ts';

export default flagControl({
  id: 'apiserver-etcd-ca',
  title: "API server verifies etcd's certificate (--etcd-cafile)",
  severity: 'high',
  component: 'kube-apiserver',
  cis: ['1.2.26'],
  description: '--etcd-cafile must be set on the kube-apiserver mirror pod, and --etcd-servers must not use plain http://.',
  rationale:
    "Without a CA for etcd the API server cannot tell the real etcd from an impostor on the network path, which would then receive every write, Secrets included.",
  remediation:
    'Set `--etcd-cafile=<etcd-ca.crt>` and use https:// endpoints in `--etcd-servers` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notSet: "etcd's serving certificate is not verified: {{missing}} not set.",
    plaintext: 'The API server talks to etcd over plain HTTP ({{servers}}): there is no certificate to verify.',
  },
  check: ({ flags }) => plaintextVerdict(flags) ?? requireSet(flags, ['etcd-cafile']),
});
