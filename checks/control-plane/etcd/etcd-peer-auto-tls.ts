import { boolFlag, flagControl } from '../_shared.ts';

export default flagControl({
  id: 'etcd-peer-auto-tls',
  title: 'etcd does not use self-signed peer certificates (--peer-auto-tls=false)',
  severity: 'medium',
  component: 'etcd',
  configFileReplacesFlags: 'config-file',
  cis: ['2.6'],
  description:
    'Reads --peer-auto-tls (or ETCD_PEER_AUTO_TLS) from the etcd mirror pod; it defaults to false, so only an explicit true fails.',
  rationale:
    'Self-signed peer certificates cannot be verified by the other members, so any host can pose as a peer.',
  remediation:
    'Remove `--peer-auto-tls=true` from the etcd static pod manifest behind {{namespace}}/{{name}} ({{manifest}} with kubeadm) and issue peer certificates from the etcd CA.',
  messages: {
    wrongValue: 'etcd peers use self-generated certificates: {{flag}} is {{value}} ({{source}}); expected {{expected}}.',
  },
  check: ({ flags }) => boolFlag(flags, 'peer-auto-tls', false, { configFlags: ['config-file'] }),
});
