import { CLUSTER_SUBJECT } from '../../../src/engine/run.ts';
import { defineControl } from '../../../src/engine/types.ts';
import { probeOf, resultFor } from './_probe.ts';

export default defineControl({
  meta: {
    id: 'apiserver-anonymous-version',
    title: 'The API server does not tell anonymous callers its version',
    area: 'control-plane',
    severity: 'low',
    description:
      'A live, read-only probe: GET /version sent without any credential. A 200 fails. Kubernetes allows this by default (the system:public-info-viewer binding), so many clusters fail it; it matters most for API servers reachable from untrusted networks.',
    rationale:
      'The exact version tells an attacker which published vulnerabilities apply, without any credential. Health endpoints are enough for load balancers; the version is not needed anonymously.',
    remediation:
      'Set --anonymous-auth=false on the API server (allowing anonymous access to /livez, /readyz and /healthz only through an AuthenticationConfiguration if load balancers need it), or remove system:unauthenticated from ClusterRoleBinding system:public-info-viewer.',
    references: { links: ['https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles'] },
    static: { needsCluster: 'it sends unauthenticated requests to a running API server.' },
    messages: {
      version: 'An unauthenticated GET /version was answered {{status}}: anyone who reaches {{server}} learns its exact version.',
    },
  },
  reads: [],
  evaluate(snapshot, report) {
    const p = probeOf(snapshot, report);
    if (!p) return;
    const r = resultFor(p, '/version');
    if (r?.status === undefined) return report.notAssessed(CLUSTER_SUBJECT, `GET /version got no answer: ${r?.error ?? 'not probed'}.`);
    if (r.status >= 200 && r.status < 300) {
      return report.fail(CLUSTER_SUBJECT, { messageId: 'version', data: { status: r.status, server: p.server ?? '' }, path: 'GET /version', observed: r.status, expected: '401 or 403' });
    }
    report.pass(CLUSTER_SUBJECT, { path: 'GET /version' });
  },
});
