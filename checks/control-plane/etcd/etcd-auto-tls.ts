import { boolFlag, flagControl } from '../_shared.ts';

export default flagControl({
  id: 'etcd-auto-tls',
  title: 'etcd does not use self-signed client certificates (--auto-tls=false)',
  severity: 'medium',
  component: 'etcd',
  configFileReplacesFlags: 'config-file',
  cis: ['2.3'],
  description:
    'Reads --auto-tls (or ETCD_AUTO_TLS) from the etcd mirror pod; it defaults to false, so only an explicit true fails.',
  rationale:
    'With auto-tls, etcd generates a self-signed serving certificate that clients cannot verify, so TLS protects against eavesdropping but not against an impostor.',
  remediation:
    'Remove `--auto-tls=true` from the etcd static pod manifest behind {{namespace}}/{{name}} ({{manifest}} with kubeadm) and serve a certificate from the etcd CA.',
  messages: {
    wrongValue: 'etcd serves a self-generated certificate: {{flag}} is {{value}} ({{source}}); expected {{expected}}.',
  },
  check: ({ flags }) => boolFlag(flags, 'auto-tls', false, { configFlags: ['config-file'] }),
});
