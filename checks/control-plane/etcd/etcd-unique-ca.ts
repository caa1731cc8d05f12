import { flagControl, mirrorPods } from '../_shared.ts';

export default flagControl({
  id: 'etcd-unique-ca',
  title: 'etcd trusts its own CA, not the cluster CA (--trusted-ca-file)',
  severity: 'medium',
  component: 'etcd',
  configFileReplacesFlags: 'config-file',
  cis: ['2.7'],
  description:
    'Fails when the etcd mirror pod sets no --trusted-ca-file, or the same file the API server uses as --client-ca-file. Different file names are taken as different CAs; the API cannot show the certificates themselves. CIS marks this item Manual.',
  rationale:
    'If etcd trusts the cluster CA, every client certificate the cluster issues — every kubelet and user certificate — is also an etcd client certificate, and reads the whole datastore directly.',
  remediation:
    'Create a CA used only for etcd, issue the etcd server, peer and API-server client certificates from it, and set `--trusted-ca-file=<etcd-ca.crt>` in the etcd static pod manifest behind {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notSet: 'etcd names no CA for client certificates: {{flag}} is not set.',
    shared: 'etcd trusts {{value}}, the same CA file the API server ({{apiserver}}) uses to verify its clients.',
  },
  check: ({ snapshot, flags }) => {
    const ca = flags.value('trusted-ca-file');
    if (!ca) {
      if (flags.value('config-file')) return { status: 'not-assessed', reason: `--trusted-ca-file is not on the command line and --config-file=${flags.value('config-file')} may set it; the API cannot show that file.` };
      return { status: 'fail', messageId: 'notSet', flag: 'trusted-ca-file', observed: null, expected: 'a CA file dedicated to etcd' };
    }
    const sharing = mirrorPods(snapshot, 'kube-apiserver').find((p) => p.flags.value('client-ca-file') === ca);
    if (sharing) return { status: 'fail', messageId: 'shared', flag: 'trusted-ca-file', data: { value: ca, apiserver: sharing.pod.metadata.name }, observed: ca, expected: 'a CA file other than the cluster CA' };
    return { status: 'pass', flag: 'trusted-ca-file' };
  },
});
