import { CLUSTER_SUBJECT } from '../../../src/engine/run.ts';
import { defineControl } from '../../../src/engine/types.ts';
import { anonymousEnabled } from '../apiserver/_authz.ts';
import { mirrorPods } from '../_shared.ts';
import { describeStatus, probeOf, resultFor } from './_probe.ts';

export default defineControl({
  meta: {
    id: 'apiserver-anonymous-access',
    title: 'The API server answers anonymous callers nothing beyond health and version',
    area: 'control-plane',
    severity: 'high',
    description:
      'A live, read-only probe: GET /api and GET /api/v1/namespaces?limit=1 sent without any credential. A 200 fails (discovery, or worse, objects, served to anyone); 401 or 403 to both passes; anything else (a 5xx, a 429, no answer) is not assessed. Where the kube-apiserver mirror pods are visible, the answer is checked against their flags: a 403 or 200 (request accepted as system:anonymous) while the flags of every one of them turn anonymous auth off (--anonymous-auth=false, or AlwaysAllow, which resets it) means the mirror pods do not describe the running server. When one of several API servers allows anonymous requests, the answer may have come from it, and the others are not blamed.',
    rationale:
      'Whatever an anonymous request may do, anyone who can reach the API server may do. Reading namespaces anonymously usually means AlwaysAllow authorization or a binding to system:unauthenticated, and much more than namespaces is exposed.',
    remediation:
      'Remove RoleBindings and ClusterRoleBindings that grant anything to system:anonymous or system:unauthenticated (kubectl get clusterrolebindings -o wide | grep -E "system:(anonymous|unauthenticated)"), make sure --authorization-mode does not include AlwaysAllow, and set --anonymous-auth=false where health checks allow it.',
    references: { cis: ['1.2.1'], links: ['https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests'] },
    static: { needsCluster: 'it sends unauthenticated requests to a running API server.' },
    messages: {
      objects: 'An unauthenticated GET {{path}} was answered {{status}}: anonymous callers can read objects.',
      discovery: 'An unauthenticated GET {{path}} was answered {{status}}: API discovery is served to anonymous callers.',
      flagMismatch:
        'The mirror pod {{pod}} records {{flag}}, but the server accepted an unauthenticated GET {{path}} as system:anonymous ({{status}}): the recorded command line does not describe the server that answered.',
    },
  },
  // Mirror pods are used when listed (for the cross-check), but the probe stands on its own.
  reads: [],
  evaluate(snapshot, report) {
    const p = probeOf(snapshot, report);
    if (!p) return;
    const objects = resultFor(p, '/api/v1/namespaces?limit=1');
    const discovery = resultFor(p, '/api');
    let failed = false;
    if (objects?.status !== undefined && objects.status >= 200 && objects.status < 300) {
      failed = true;
      report.fail(CLUSTER_SUBJECT, { messageId: 'objects', data: { path: objects.path, status: objects.status }, path: `GET ${objects.path}`, observed: objects.status, expected: '401 or 403' });
    } else if (discovery?.status !== undefined && discovery.status >= 200 && discovery.status < 300) {
      failed = true;
      report.fail(CLUSTER_SUBJECT, { messageId: 'discovery', data: { path: discovery.path, status: discovery.status }, path: `GET ${discovery.path}`, observed: discovery.status, expected: '401 or 403' });
    }
    // Cross-check with the recorded flag: 403 means the request was authenticated as system:anonymous. With several
    // API servers (HA, behind one load balancer) the answer may have come from any of them: only when every one of
    // them records anonymous auth off does an accepted request contradict the recorded command lines.
    const apiservers = mirrorPods(snapshot, 'kube-apiserver');
    const allOff = apiservers.every((pod) => anonymousEnabled(pod.flags).enabled === false);
    for (const pod of allOff ? apiservers : []) {
      const anonymous = anonymousEnabled(pod.flags);
      const accepted = [discovery, objects].find((r) => r?.status === 403 || (r?.status !== undefined && r.status >= 200 && r.status < 300));
      if (accepted) {
        failed = true;
        report.fail(pod.subject, {
          messageId: 'flagMismatch',
          data: {
            pod: pod.pod.metadata.name,
            flag: anonymous.resetByAlwaysAllow ? 'an AlwaysAllow authorizer chain (which turns anonymous auth off)' : '--anonymous-auth=false',
            path: accepted.path,
            status: describeStatus(accepted.status),
          },
          path: `${pod.containerPath}.${pod.flags.last(anonymous.resetByAlwaysAllow ? 'authorization-mode' : 'anonymous-auth')?.at ?? 'command'}`,
          container: pod.container.name,
          observed: accepted.status,
          expected: 401,
        });
      }
    }
    if (failed) return;
    // A pass needs both probes refused (401, 403): a 5xx, a 429, a redirect or no answer says nothing either way.
    const refused = (r: typeof objects) => r?.status === 401 || r?.status === 403;
    if (refused(discovery) && refused(objects)) {
      report.pass(CLUSTER_SUBJECT, { path: 'GET /api' });
      return;
    }
    const answers = (
      [
        ['/api', discovery],
        ['/api/v1/namespaces?limit=1', objects],
      ] as const
    )
      .filter(([, r]) => !refused(r))
      .map(([path, r]) => `${path}: ${!r ? 'not probed' : r.status === undefined && r.error ? r.error : describeStatus(r.status)}`)
      .join('; ');
    report.notAssessed(CLUSTER_SUBJECT, `The unauthenticated probes got no answer that shows whether anonymous callers are refused (${answers}).`);
  },
});
