// deploy/: the generated RBAC matches the controls' declared reads (and the committed files),
// the manifests carry what the issue promises, and k8s-audit finds nothing at medium or above in them.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { cidrContains, parseCidr, parseIp, type Cidr } from '../../src/model/ip.ts';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { cronJobHeapMiB } from '../../bench/cronjob.ts';
import { BY_NAME, controlsReadingForbidden, generateRbac, readerRules, VERBS } from '../../scripts/gen-clusterrole.ts';
import { buildKustomization } from '../../src/collect/kustomize.ts';
import { parseManifests } from '../../src/collect/manifests.ts';
import { KINDS } from '../../src/collect/kinds.ts';
import { kubeProxyConfig } from '../../src/collect/extras.ts';
import { allControls, kindsRead } from '../../src/engine/registry.ts';
import type { ScanResult } from '../../src/engine/result.ts';
import type { K8sObject } from '../../src/model/k8s.ts';
import { runCli } from '../helpers/io.ts';
import { scanResultValidator } from '../helpers/schema.ts';

const repo = new URL('../../', import.meta.url).pathname;
/** The share of the container's memory the image gives the JavaScript heap (the README and bench/run.ts quote it). */
const HEAP_PERCENT = 75;

function find(objects: K8sObject[], kind: string, name: string): any {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind} ${name} not rendered`);
  return o;
}

describe('generated RBAC', () => {
  it('the committed files are exactly what `npm run gen:rbac` writes (run it after changing a control\'s reads)', () => {
    for (const [path, content] of Object.entries(generateRbac())) {
      expect(readFileSync(`${repo}${path}`, 'utf8'), `${path} is stale: run npm run gen:rbac`).toBe(content);
    }
  });

  it('no control declares Secrets: the shipped role never grants them, so such a control could not be assessed in-cluster', () => {
    expect(controlsReadingForbidden()).toEqual([]);
  });

  it('grants get and list on every kind a control reads, and nothing else', () => {
    const granted = new Set(readerRules().flatMap((r) => r.resources.map((res) => `${r.apiGroups[0]}/${res}`)));
    const needed = new Set(kindsRead(allControls()).map((k) => `${KINDS[k].group}/${KINDS[k].resource}`));
    expect([...granted].sort()).toEqual([...needed].sort());
    const files = Object.values(generateRbac()).join('---\n');
    const roles = parseAllDocuments(files).map((d) => d.toJS() as { kind: string; metadata: { name: string }; rules: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[] });
    for (const role of roles) {
      for (const rule of role.rules) {
        expect(rule.verbs.every((v) => (VERBS as readonly string[]).includes(v)), `${role.metadata.name}: only ${VERBS.join('/')}`).toBe(true);
        expect(rule.resources).not.toContain('secrets');
        expect([...rule.resources, ...rule.apiGroups, ...rule.verbs]).not.toContain('*');
      }
    }
    const kubeProxy = roles.find((r) => r.kind === 'Role')!;
    expect(kubeProxy.rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['kube-proxy'], verbs: ['get'] }]);
    const kubelet = roles.find((r) => r.metadata.name === 'k8s-audit-kubelet-config')!;
    expect(kubelet.rules).toEqual([{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }]);
  });

  it('grants get only where the collector reads by name (the Namespaces of scan -n); every other kind is only listed', () => {
    // What the collector requests by name: GET /api/v1/namespaces/<ns> (getNamespaces, for -n) and nothing else of
    // the listed kinds, as the API server's audit log of a scan as the shipped ServiceAccount shows.
    expect(BY_NAME).toEqual(['namespaces']);
    const rules = parseAllDocuments(readFileSync(`${repo}deploy/base/clusterrole.yaml`, 'utf8'))[0]!.toJS().rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    const gets = rules.filter((r) => r.verbs.includes('get')).flatMap((r) => r.resources.map((res) => `${r.apiGroups[0]}/${res}`));
    expect(gets).toEqual(['/namespaces']);
    for (const k of kindsRead(allControls())) {
      const { group, resource } = KINDS[k];
      if (k === 'secrets') continue;
      expect(rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes('list')), `list ${resource}`).toBe(true);
    }
  });

  it("a forbidden read of kube-proxy's ConfigMap asks for what the shipped Role grants: get on that one ConfigMap, not on every ConfigMap of kube-system", async () => {
    const forbidden = { request: async () => ({ status: 403, headers: {}, body: JSON.stringify({ kind: 'Status', message: 'configmaps "kube-proxy" is forbidden' }) }) };
    const read = await kubeProxyConfig(forbidden);
    expect(read.state).toBe('forbidden');
    const role = parseAllDocuments(generateRbac()['deploy/base/clusterrole.yaml']!).map((d) => d.toJS()).find((o) => o.kind === 'Role');
    const [rule] = role.rules as { verbs: string[]; resources: string[]; resourceNames: string[] }[];
    expect(read.permission).toBe(`${rule!.verbs.join(', ')} ${rule!.resources.join(', ')} ${rule!.resourceNames.join(', ')} in namespace ${role.metadata.namespace}`);
  });

  it('a control declaring Secrets would be reported, and left out of the role', () => {
    const reader = { ...allControls()[0]!, meta: { ...allControls()[0]!.meta, id: 'x-reads-secrets' }, reads: ['secrets', 'pods'] as const };
    expect(controlsReadingForbidden([reader as never])).toEqual([{ control: 'x-reads-secrets', kind: 'secrets' }]);
    expect(readerRules([reader as never])).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]);
  });
});

describe('deploy/ manifests', () => {
  const base = buildKustomization(`${repo}deploy`, parseManifests);
  const overlay = buildKustomization(`${repo}deploy/overlays/kubelet`, parseManifests);

  it('the base: namespace under restricted, service account, roles and bindings, network policies, volume, CronJob', () => {
    expect(base.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole//k8s-audit',
      'ClusterRoleBinding//k8s-audit',
      'CronJob/k8s-audit/k8s-audit',
      'Namespace//k8s-audit',
      'NetworkPolicy/k8s-audit/allow-api-server',
      'NetworkPolicy/k8s-audit/default-deny',
      'PersistentVolumeClaim/k8s-audit/k8s-audit-reports',
      'Role/kube-system/k8s-audit-kube-proxy-config',
      'RoleBinding/kube-system/k8s-audit-kube-proxy-config',
      'ServiceAccount/k8s-audit/default',
      'ServiceAccount/k8s-audit/k8s-audit',
    ]);
    expect(find(base, 'Namespace', 'k8s-audit').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const subjects = [find(base, 'ClusterRoleBinding', 'k8s-audit'), find(base, 'RoleBinding', 'k8s-audit-kube-proxy-config')].map((b) => b.subjects);
    for (const s of subjects) expect(s).toEqual([{ kind: 'ServiceAccount', name: 'k8s-audit', namespace: 'k8s-audit' }]);
  });

  it('the egress allowance reaches API servers at private IPv4 and IPv6 addresses, on 443 and 6443 only', () => {
    const policy = find(base, 'NetworkPolicy', 'allow-api-server');
    const blocks = policy.spec.egress.flatMap((e: { to: { ipBlock: { cidr: string } }[] }) => e.to.map((t) => parseCidr(t.ipBlock.cidr)!));
    const allowed = (ip: string) => blocks.some((b: Cidr) => cidrContains(b, parseIp(ip)!));
    // kubeadm's and kind's Service addresses and endpoints, single-stack IPv4 and IPv6 (EKS IPv6 Services are ULA too).
    for (const ip of ['10.96.0.1', '172.18.0.2', '192.168.1.10', 'fd00:10:96::1', 'fc00:f853:ccd:e793::2']) expect(allowed(ip), ip).toBe(true);
    for (const ip of ['8.8.8.8', '169.254.169.254', '2001:db8::1']) expect(allowed(ip), ip).toBe(false);
    expect(policy.spec.egress.flatMap((e: { ports: { port: number }[] }) => e.ports.map((p) => p.port)).sort()).toEqual([443, 6443]);
  });

  it('the CronJob: restricted securityContext, resources, Forbid, history limits, its token, --history on the volume', () => {
    const cj = find(base, 'CronJob', 'k8s-audit');
    expect(cj.spec).toMatchObject({ concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3 });
    expect(typeof cj.spec.schedule).toBe('string');
    const pod = cj.spec.jobTemplate.spec.template.spec;
    expect(pod).toMatchObject({ serviceAccountName: 'k8s-audit', automountServiceAccountToken: true, restartPolicy: 'Never' });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    const [c] = pod.containers;
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c.resources.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c.args.slice(0, 3)).toEqual(['scan', '--history', '/reports']);
    expect(c.args).not.toContain('--kubelet');
    const mount = c.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/reports');
    expect(pod.volumes.find((v: { name: string }) => v.name === mount.name).persistentVolumeClaim.claimName).toBe('k8s-audit-reports');
    // The image runs as the user the pod asks for.
    const dockerfile = readFileSync(`${repo}Dockerfile`, 'utf8');
    expect(dockerfile).toMatch(new RegExp(`^USER ${pod.securityContext.runAsUser}:`, 'm'));
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
  });

  it('the image sizes the JavaScript heap from the container\'s memory limit, at 75% of it', () => {
    const dockerfile = readFileSync(`${repo}Dockerfile`, 'utf8');
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    // The young generation the launcher would otherwise start over for (bin/k8s-audit.js).
    expect(entrypoint).toEqual(['/nodejs/bin/node', `--max-old-space-size-percentage=${HEAP_PERCENT}`, '--max-semi-space-size=16', '/app/bin/k8s-audit.js']);
    // The Node.js the image runs (24, as here) takes the flag as a share of the memory it may use: the container's
    // limit (cgroup) or, without one, the machine's. Two shares differ by that much, whatever the young generation adds.
    const limit = (percent: number) =>
      Number(execFileSync(process.execPath, [`--max-old-space-size-percentage=${percent}`, '-p', 'require("v8").getHeapStatistics().heap_size_limit'], { encoding: 'utf8' }));
    const constrained = process.constrainedMemory();
    const memory = constrained > 0 ? Math.min(constrained, totalmem()) : totalmem();
    expect((limit(80) - limit(40)) / (0.4 * memory)).toBeCloseTo(1, 1);
    // The bench runs the CronJob's scans under the heap the shipped limit gives: 75% of 2 Gi.
    expect(cronJobHeapMiB()).toBe(1536);
  });

  it('the kubelet overlay: the base plus get nodes/proxy, and --kubelet on the scan', () => {
    const cj = find(overlay, 'CronJob', 'k8s-audit');
    expect(cj.spec.jobTemplate.spec.template.spec.containers[0].args.at(-1)).toBe('--kubelet');
    expect(find(overlay, 'ClusterRoleBinding', 'k8s-audit-kubelet-config').roleRef.name).toBe('k8s-audit-kubelet-config');
    expect(overlay.length).toBe(base.length + 2);
  });
});

describe('dogfooding: k8s-audit scan -f deploy/', () => {
  it('reports nothing at medium or above (with the reports reader beside it)', async () => {
    const r = await runCli(['scan', '-f', `${repo}deploy/`, '-f', `${repo}deploy/reports-reader.yaml`, '--format', 'json', '--fail-on', 'medium']);
    const result = JSON.parse(r.stdout) as ScanResult;
    const serious = result.results.filter((x) => x.status === 'fail' && ['critical', 'high', 'medium'].includes(x.severity));
    expect(serious.map((x) => `${x.controlId} ${x.subject.kind}/${x.subject.name}: ${x.message}`)).toEqual([]);
    expect(r.code).toBe(0);
    // It did look: the CronJob, the reader, the roles and the namespace were assessed.
    expect(result.results.some((x) => x.subject.name === 'k8s-audit-reports' && x.subject.kind === 'Pod')).toBe(true);
    const assessed = (id: string) => {
      const c = result.controls.find((x) => x.id === id);
      return c !== undefined && c.counts.pass + c.counts.fail > 0;
    };
    for (const id of ['pss-restricted-run-as-non-root', 'pod-readonly-rootfs', 'pod-resources-missing', 'rbac-secrets-read', 'rbac-wildcard', 'namespace-psa-enforce', 'namespace-default-deny', 'workload-network-isolation']) {
      expect(assessed(id), id).toBe(true);
    }
    const validate = scanResultValidator();
    expect(validate(result)).toBe(true);
  });
});
