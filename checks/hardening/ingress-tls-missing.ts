import { defineControl } from '../../src/engine/types.ts';
import { subjectOf } from '../../src/model/workloads.ts';

interface IngressSpec {
  tls?: { hosts?: string[]; secretName?: string }[];
  rules?: { host?: string }[];
}

/** Whether a TLS host entry serves a rule host; `*.example.com` covers exactly one more label. */
export function tlsCovers(tlsHost: string, ruleHost: string): boolean {
  const t = tlsHost.toLowerCase();
  const r = ruleHost.toLowerCase();
  if (t === r) return true;
  if (t.startsWith('*.') && !r.startsWith('*.')) {
    const dot = r.indexOf('.');
    return dot > 0 && r.slice(dot) === t.slice(1);
  }
  return false;
}

export default defineControl({
  meta: {
    id: 'ingress-tls-missing',
    title: 'Ingresses serve their hosts over TLS',
    area: 'workloads',
    severity: 'medium',
    description:
      'Flags Ingresses with no `spec.tls`, and rules whose host no `spec.tls[].hosts` entry covers (exactly, or by a `*.` wildcard one label deep). Rules without a host, on an Ingress that has TLS, pass, and so does every rule when a TLS entry lists no hosts (it covers the controller\'s wildcard host setting): which certificate answers them is up to the controller. Redirects from HTTP and controller-specific annotations are not examined.',
    rationale:
      'Without TLS, credentials, session cookies and data cross the network in clear text and can be read or altered by anything on the path, including other tenants of a shared network.',
    remediation:
      'Serve {{host}} over TLS: add an entry to spec.tls of Ingress {{namespace}}/{{name}} with a certificate Secret in namespace {{namespace}} (cert-manager can issue and renew it):\n\nspec:\n  tls:\n    - hosts: [{{host}}]\n      secretName: {{secretName}}',
    references: {
      links: ['https://kubernetes.io/docs/concepts/services-networking/ingress/#tls'],
    },
    messages: {
      noTls: 'Ingress {{namespace}}/{{name}} has no TLS section: it serves {{hostsText}} over plain HTTP.',
      hostNotCovered: 'Ingress {{namespace}}/{{name}} routes host {{host}}, which none of its TLS entries covers.',
    },
  },
  reads: ['ingresses'],
  evaluate(snapshot, report) {
    for (const ing of snapshot.list('ingresses')) {
      const subject = subjectOf(ing);
      const spec = (ing.spec ?? {}) as IngressSpec;
      const rules = spec.rules ?? [];
      const tls = spec.tls ?? [];
      if (tls.length === 0) {
        const hosts = [...new Set(rules.map((r) => r?.host).filter((h): h is string => !!h))];
        report.fail(subject, {
          messageId: 'noTls',
          data: { hostsText: hosts.length ? hosts.join(', ') : 'every host', host: hosts[0] ?? 'HOST', secretName: `${ing.metadata.name}-tls` },
          path: 'spec.tls',
          observed: null,
          expected: 'a TLS entry for every host',
        });
        continue;
      }
      // An entry without hosts covers "the wildcard host setting for the load balancer controller" (the API's words):
      // TLS is on for every host, with whichever certificate the controller picks.
      if (tls.some((t) => !t?.hosts?.length)) {
        report.pass(subject);
        continue;
      }
      const tlsHosts = tls.flatMap((t) => t?.hosts ?? []);
      let failed = false;
      rules.forEach((r, i) => {
        const host = r?.host;
        if (!host || tlsHosts.some((t) => tlsCovers(t, host))) return;
        failed = true;
        report.fail(subject, {
          messageId: 'hostNotCovered',
          data: { host, secretName: `${ing.metadata.name}-tls` },
          path: `spec.rules[${i}].host`,
          observed: host,
          expected: `a spec.tls[].hosts entry covering ${host}`,
        });
      });
      if (!failed) report.pass(subject);
    }
  },
});
