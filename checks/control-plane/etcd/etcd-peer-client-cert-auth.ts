import { overTlsOnly } from './_listen.ts';
import { boolFlag, flagControl } from '../_shared.ts';

export default flagControl({
  id: 'etcd-peer-client-cert-auth',
  title: 'etcd members authenticate each other (--peer-client-cert-auth=true)',
  severity: 'medium',
  component: 'etcd',
  configFileReplacesFlags: 'config-file',
  cis: ['2.5'],
  description:
    'Reads --peer-client-cert-auth (or ETCD_PEER_CLIENT_CERT_AUTH) from the etcd mirror pod; it defaults to false. Applies to multi-member etcd; a single member has no peers but CIS still asks for the setting. Every --listen-peer-urls URL must then be https:// (or unixs://): on an http:// URL etcd ignores these settings; absent, the flag is http://localhost:2380.',
  rationale:
    'Without peer certificate authentication, anything that reaches the peer port can join or talk to the etcd cluster as a member and receive its data.',
  remediation:
    'Set `--peer-client-cert-auth=true` and `--peer-trusted-ca-file` in the etcd static pod manifest behind {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    wrongValue: 'etcd peers are not authenticated by certificate: {{flag}} is {{value}} ({{source}}); expected {{expected}}.',
    plainUrl: 'etcd peers are not authenticated by certificate on {{urls}} ({{flag}}, {{source}}): on http:// URLs it ignores --peer-client-cert-auth.',
  },
  check: ({ flags }) => overTlsOnly(boolFlag(flags, 'peer-client-cert-auth', true, { configFlags: ['config-file'] }), flags, 'listen-peer-urls'),
});
