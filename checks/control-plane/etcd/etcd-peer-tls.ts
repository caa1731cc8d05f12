import { overTlsOnly } from './_listen.ts';
import { flagControl, requireSet } from '../_shared.ts';

export default flagControl({
  id: 'etcd-peer-tls',
  title: 'etcd encrypts peer traffic (--peer-cert-file, --peer-key-file)',
  severity: 'medium',
  component: 'etcd',
  configFileReplacesFlags: 'config-file',
  cis: ['2.4'],
  description: 'Both --peer-cert-file and --peer-key-file (or their ETCD_ variables) must be set on the etcd mirror pod. A single-member etcd has no peers, but CIS still asks for the setting. Every --listen-peer-urls URL must then be https:// (or unixs://): on an http:// URL etcd ignores these settings; absent, the flag is http://localhost:2380.',
  rationale: 'Members replicate the whole cluster state to each other; without peer TLS that replication crosses the network in clear text.',
  remediation: 'Issue peer certificates from the etcd CA and set `--peer-cert-file` and `--peer-key-file` in the etcd static pod manifest behind {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notSet: 'etcd peer traffic is not encrypted: {{missing}} not set.',
    plainUrl: 'etcd peer traffic is not encrypted on {{urls}} ({{flag}}, {{source}}): on http:// URLs it ignores --peer-cert-file and --peer-key-file.',
  },
  check: ({ flags }) => overTlsOnly(requireSet(flags, ['peer-cert-file', 'peer-key-file'], { configFlags: ['config-file'] }), flags, 'listen-peer-urls'),
});
