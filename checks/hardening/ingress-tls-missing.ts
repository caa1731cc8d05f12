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

/**
 * Annotations through which cloud load-balancer controllers attach a certificate instead of spec.tls: the AWS Load
 * Balancer Controller (an ACM certificate), GKE Ingress (Google-managed or pre-shared certificates) and the Azure
 * Application Gateway Ingress Controller. With one of them, an Ingress without spec.tls may well serve HTTPS.
 */
const CONTROLLER_TLS_ANNOTATIONS = [
  'alb.ingress.kubernetes.io/certificate-arn',
  'networking.gke.io/managed-certificates',
  'ingress.gcp.kubernetes.io/pre-shared-cert',
  'appgw.ingress.kubernetes.io/appgw-ssl-certificate',
];

export default defineControl({
  meta: {
    id: 'ingress-tls-missing',
    title: 'Ingresses serve their hosts over TLS',
    area: 'workloads',
    severity: 'medium',
    description:
      'Flags Ingresses with no `spec.tls`, and rules whose host no `spec.tls[].hosts` entry covers (exactly, or by a `*.` wildcard one label deep). Rules without a host, on an Ingress that has TLS, pass, and so does every rule when a TLS entry lists no hosts (it covers the controller\'s wildcard host setting): which certificate answers them is up to the controller. Redirects from HTTP and controller-specific annotations are not examined; an Ingress without `spec.tls` that names a certificate through an annotation of a cloud controller (AWS Load Balancer Controller `certificate-arn`, GKE `managed-certificates` or `pre-shared-cert`, Azure Application Gateway `appgw-ssl-certificate`) is not assessed.',
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
        const annotations = ing.metadata.annotations ?? {};
        const certAnnotation = CONTROLLER_TLS_ANNOTATIONS.find((a) => annotations[a]);
        if (certAnnotation) {
          report.notAssessed(
            subject,
            `Ingress ${ing.metadata.namespace}/${ing.metadata.name} has no spec.tls, but its controller attaches a certificate through annotation ${certAnnotation}; which ports serve HTTPS and whether plain HTTP is also open is up to that controller's annotations, which k8s-audit does not examine.`,
          );
          continue;
        }
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
