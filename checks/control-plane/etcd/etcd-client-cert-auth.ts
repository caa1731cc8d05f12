import { overTlsOnly } from './_listen.ts';
import { boolFlag, flagControl } from '../_shared.ts';

export default flagControl({
  id: 'etcd-client-cert-auth',
  title: 'etcd requires client certificates (--client-cert-auth=true)',
  severity: 'high',
  component: 'etcd',
  configFileReplacesFlags: 'config-file',
  cis: ['2.2'],
  description:
    'Reads --client-cert-auth (or ETCD_CLIENT_CERT_AUTH) from the etcd mirror pod; it defaults to false. With --config-file and no flag, the setting lives in a file the API cannot show: not assessed. Every --listen-client-urls URL must then be https:// (or unixs://): on an http:// URL etcd ignores these settings; absent, the flag is http://localhost:2379.',
  rationale:
    'Without client-certificate authentication, any process that reaches the etcd port can read and write the whole cluster state, bypassing RBAC and admission.',
  remediation:
    'Set `--client-cert-auth=true` and `--trusted-ca-file=<etcd-ca.crt>` in the etcd static pod manifest behind {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    wrongValue: 'etcd accepts clients without a certificate: {{flag}} is {{value}} ({{source}}); expected {{expected}}.',
    plainUrl: 'etcd accepts clients without a certificate on {{urls}} ({{flag}}, {{source}}): on http:// URLs it ignores --client-cert-auth.',
  },
  check: ({ flags }) => overTlsOnly(boolFlag(flags, 'client-cert-auth', true, { configFlags: ['config-file'] }), flags, 'listen-client-urls'),
});
