import { flagControl, requireSet } from '../_shared.ts';
import { plaintextVerdict } from './_etcd.ts';

export default flagControl({
  id: 'apiserver-etcd-client-cert',
  title: 'API server authenticates to etcd with a client certificate',
  severity: 'high',
  component: 'kube-apiserver',
  cis: ['1.2.23'],
  description:
    'Both --etcd-certfile and --etcd-keyfile must be set on the kube-apiserver mirror pod, and --etcd-servers must not use plain http://.',
  rationale:
    'etcd holds every object of the cluster, Secrets included. If the API server reaches it without TLS client authentication, so can anything else on that network path.',
  remediation:
    'Serve etcd over TLS with client-certificate authentication, then set `--etcd-servers=https://…`, `--etcd-certfile` and `--etcd-keyfile` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notSet: 'The API server has no etcd client certificate: {{missing}} not set.',
    plaintext: 'The API server talks to etcd over plain HTTP ({{servers}}): no encryption and no client certificate.',
  },
  check: ({ flags }) => plaintextVerdict(flags) ?? requireSet(flags, ['etcd-certfile', 'etcd-keyfile']),
});
