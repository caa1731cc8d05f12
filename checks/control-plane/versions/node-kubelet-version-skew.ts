import { CLUSTER_SUBJECT } from '../../../src/engine/run.ts';
import { defineControl } from '../../../src/engine/types.ts';
import { parseVersion } from '../../../src/model/flags.ts';
import { subjectOf } from '../../../src/model/workloads.ts';
import { compareMinor, minorKey, serverVersionOf, SKEW_POLICY, VERSION_PERMISSION } from './_releases.ts';

export default defineControl({
  meta: {
    id: 'node-kubelet-version-skew',
    title: "Kubelets are within the supported version skew of the API server",
    area: 'nodes',
    severity: 'medium',
    description:
      "Compares each node's kubelet version (status.nodeInfo.kubeletVersion) with the API server's: a kubelet may be up to three minor versions older (two before Kubernetes 1.28) and never newer.",
    rationale:
      'Kubelets outside the skew policy are untested against this API server and usually far behind on security fixes: an old kubelet keeps its node exposed to vulnerabilities the control plane upgrade already fixed.',
    remediation: 'Upgrade (or replace) node {{name}} so that its kubelet runs {{server}} or a minor version at most {{maxOlder}} behind it; drain the node first.',
    references: { links: ['https://kubernetes.io/releases/version-skew-policy/'] },
    static: { needsCluster: "it compares the kubelet versions nodes report with the running API server's." },
    messages: {
      tooOld: 'The kubelet runs {{kubelet}}, {{behind}} minor versions behind the API server ({{server}}); at most {{maxOlder}} are supported.',
      newer: 'The kubelet runs {{kubelet}}, newer than the API server ({{server}}); kubelets must not be newer than the control plane.',
    },
  },
  reads: ['nodes'],
  evaluate(snapshot, report) {
    const nodes = [...snapshot.list('nodes')].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    if (nodes.length === 0) return report.notApplicable(CLUSTER_SUBJECT, 'The cluster has no nodes.');
    const server = serverVersionOf(snapshot);
    if (!server) return report.notAssessed(CLUSTER_SUBJECT, 'The server version is unknown: /version could not be read.', VERSION_PERMISSION);
    const maxOlder = compareMinor(server, { major: 1, minor: 28 }) >= 0 ? SKEW_POLICY.kubeletMaxOlderMinors : SKEW_POLICY.kubeletMaxOlderMinorsBefore128;
    for (const node of nodes) {
      const kubelet = (node.status as { nodeInfo?: { kubeletVersion?: string } } | undefined)?.nodeInfo?.kubeletVersion;
      const kv = parseVersion(kubelet);
      if (!kv) {
        report.notAssessed(subjectOf(node), 'The node does not report its kubelet version (status.nodeInfo.kubeletVersion).');
        continue;
      }
      const data = { kubelet: kubelet!, server: snapshot.serverVersion!.gitVersion, maxOlder, behind: (server.major - kv.major) * 100 + server.minor - kv.minor };
      const path = 'status.nodeInfo.kubeletVersion';
      if (compareMinor(kv, server) > 0) report.fail(subjectOf(node), { messageId: 'newer', data, path, observed: kubelet, expected: `<= ${minorKey(server)}` });
      else if (data.behind > maxOlder) report.fail(subjectOf(node), { messageId: 'tooOld', data, path, observed: kubelet, expected: `>= ${server.major}.${server.minor - maxOlder}` });
      else report.pass(subjectOf(node), { path });
    }
  },
});
