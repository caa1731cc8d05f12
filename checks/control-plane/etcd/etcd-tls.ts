import { overTlsOnly } from './_listen.ts';
import { plaintextEtcdServers } from '../apiserver/_etcd.ts';
import { flagControl, mirrorPods, requireSet } from '../_shared.ts';

export default flagControl({
  id: 'etcd-tls',
  title: 'etcd serves clients over TLS (--cert-file, --key-file)',
  severity: 'high',
  component: 'etcd',
  configFileReplacesFlags: 'config-file',
  cis: ['2.1'],
  description:
    'Both --cert-file and --key-file (or ETCD_CERT_FILE/ETCD_KEY_FILE) must be set on the etcd mirror pod. When etcd is not visible as a pod but the API server reaches it over plain http://, that is reported on the API server. Every --listen-client-urls URL must then be https:// (or unixs://): on an http:// URL etcd ignores these settings; absent, the flag is http://localhost:2379.',
  rationale: 'etcd holds every object of the cluster, Secrets included. Over plain HTTP, anyone on the network path reads and rewrites it.',
  remediation:
    'Give etcd a serving certificate and set `--cert-file` and `--key-file` (with `--client-cert-auth=true` and `--trusted-ca-file`) in its static pod manifest (/etc/kubernetes/manifests/etcd.yaml with kubeadm); then point the `--etcd-servers` of the API server at https:// endpoints. Reported on {{namespace}}/{{name}}.',
  messages: {
    notSet: 'etcd does not serve TLS: {{missing}} not set.',
    plaintext: 'etcd is reached over plain HTTP ({{servers}}), so its client traffic is not encrypted.',
    plainUrl: 'etcd serves clients without TLS on {{urls}} ({{flag}}, {{source}}): on http:// URLs it ignores --cert-file and --key-file.',
  },
  check: ({ flags }) => overTlsOnly(requireSet(flags, ['cert-file', 'key-file'], { configFlags: ['config-file'] }), flags, 'listen-client-urls'),
  whenHidden: (snapshot) =>
    mirrorPods(snapshot, 'kube-apiserver')
      .filter((pod) => plaintextEtcdServers(pod.flags).length > 0)
      .map((pod) => ({
        pod,
        verdict: {
          status: 'fail' as const,
          messageId: 'plaintext',
          flag: 'etcd-servers',
          data: { servers: plaintextEtcdServers(pod.flags).join(', ') },
          observed: plaintextEtcdServers(pod.flags),
          expected: 'https:// endpoints',
        },
      })),
});
