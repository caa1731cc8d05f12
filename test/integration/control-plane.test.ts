// Control-plane posture against real API servers.
//
// The shared test cluster is the baseline: its kube-apiserver and
// kube-controller-manager record their real command lines as kube-system
// mirror pods, and every flag control must agree with those flags. A second
// cluster, started here with a weaker flag set (anonymous auth explicitly on,
// profiling on, AlwaysAllow authorization, AlwaysAdmit instead of
// NodeRestriction), must change exactly the controls those flags decide, and the
// unauthenticated probe must agree with the effective flags on both.
//
// The second cluster then gets a Node whose kubelet endpoint is a small HTTPS
// server of this test, so /configz is read through the real API server's node
// proxy (with its kubelet client certificate), plus kube-proxy's ConfigMap.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_PLANE_CONTROLS } from '../../checks/control-plane/index.ts';
import { collectExtras } from '../../src/collect/extras.ts';
import { resolveTarget } from '../../src/collect/kubeconfig.ts';
import type { ScanResult } from '../../src/engine/result.ts';
import type { NodeInventory } from '../../src/model/managed.ts';
import { scanCluster } from '../../src/scan.ts';
import { KubeClient, testKubeconfig } from '../cluster/fixtures.ts';
import { down, up, type ClusterInfo } from '../cluster/harness.ts';
import { runCli } from '../helpers/io.ts';

/** The weaker configuration of the second cluster; each flag replaces the harness's own value. */
const WEAK_APISERVER = ['--anonymous-auth=true', '--profiling=true', '--authorization-mode=AlwaysAllow', '--enable-admission-plugins=AlwaysAdmit'];
const WEAK_CONTROLLER_MANAGER = ['--profiling=true'];

/**
 * What those flags decide, and nothing else changes. AlwaysAllow also makes the API server reset
 * --anonymous-auth to false ("AnonymousAuth is not allowed with the AlwaysAllow authorizer"), so the
 * explicit --anonymous-auth=true does not take effect: anonymous requests get 401, which the probes see.
 */
const EXPECTED_CHANGES: Record<string, [before: string, after: string]> = {
  'apiserver-admission-always-admit': ['pass', 'fail'], // AlwaysAdmit enabled
  'apiserver-admission-node-restriction': ['pass', 'fail'], // NodeRestriction no longer enabled
  'apiserver-authz-node': ['pass', 'fail'], // Node authorizer gone
  'apiserver-authz-not-always-allow': ['pass', 'fail'], // AlwaysAllow
  'apiserver-authz-rbac': ['pass', 'fail'], // RBAC gone
  'apiserver-profiling': ['pass', 'fail'], // --profiling=true
  'controller-manager-profiling': ['pass', 'fail'], // --profiling=true
  'apiserver-anonymous-auth': ['fail', 'not-applicable'], // default true before; reset to false by AlwaysAllow now
  'apiserver-anonymous-version': ['fail', 'pass'], // /version: 200 before, 401 now
};

/** Controls that depend on what other test files left in the shared cluster, not on flags. */
const STATEFUL = new Set(['detection-runtime-sensor', 'detection-policy-engine']);

const statuses = (r: ScanResult) => Object.fromEntries(r.controls.map((c) => [c.id, c.status]));
const findings = (r: ScanResult, id: string) => r.results.filter((x) => x.controlId === id && x.status === 'fail');

async function scan(kubeconfig: string): Promise<ScanResult> {
  const target = await resolveTarget({ kubeconfig, context: 'admin' });
  return scanCluster(target, { controls: CONTROL_PLANE_CONTROLS, extras: { kubelet: true, anonymousProbe: true } });
}

async function probe(kubeconfig: string): Promise<Record<string, number | undefined>> {
  const target = await resolveTarget({ kubeconfig, context: 'admin' });
  const extras = await collectExtras(target, { anonymousProbe: true, kubeconfig: false, kubeProxy: false });
  expect(extras.anonymousProbe?.state).toBe('ok');
  return Object.fromEntries(extras.anonymousProbe!.results.map((r) => [r.path, r.status]));
}

async function mirrorCommand(kubeconfig: string, component: string): Promise<string[]> {
  const client = KubeClient.fromKubeconfig(kubeconfig, 'admin');
  try {
    const list = await client.call('GET', '/api/v1/namespaces/kube-system/pods', { query: { labelSelector: `component=${component}` } });
    expect(list.items).toHaveLength(1);
    return list.items[0].spec.containers[0].command as string[];
  } finally {
    client.close();
  }
}

let weakDir: string | undefined;
let weak: ClusterInfo | undefined;

beforeAll(async () => {
  weakDir = mkdtempSync(join(tmpdir(), 'k8s-audit-weak-cluster-'));
  weak = await up({
    stateDir: weakDir,
    apiServerArgs: WEAK_APISERVER,
    controllerManagerArgs: WEAK_CONTROLLER_MANAGER,
    watchPid: process.pid,
    log: (line) => process.stderr.write(`[weak-cluster] ${line}\n`),
  });
});

afterAll(async () => {
  if (weakDir) await down(weakDir);
});

describe('the baseline cluster (harness defaults)', () => {
  let result: ScanResult;
  beforeAll(async () => {
    // Through the CLI, to cover --kubelet and the extras wiring end to end.
    const ids = CONTROL_PLANE_CONTROLS.map((c) => c.meta.id).join(',');
    const r = await runCli(['scan', '--kubeconfig', testKubeconfig(), '--context', 'admin', '--controls', ids, '--kubelet', '--format', 'json']);
    expect(r.stderr).toBe('');
    result = JSON.parse(r.stdout) as ScanResult;
  });

  it('records the flags these expectations are based on', async () => {
    const api = await mirrorCommand(testKubeconfig(), 'kube-apiserver');
    expect(api).toContain('--authorization-mode=Node,RBAC');
    expect(api).toContain('--enable-admission-plugins=NodeRestriction');
    expect(api).toContain('--profiling=false');
    expect(api.some((f) => f.startsWith('--anonymous-auth'))).toBe(false);
    expect(api.some((f) => f.startsWith('--audit-log-path'))).toBe(false);
    expect(api.some((f) => f.startsWith('--etcd-servers=https://'))).toBe(true);
    expect(api.some((f) => f.startsWith('--kubelet-certificate-authority'))).toBe(false);
    const kcm = await mirrorCommand(testKubeconfig(), 'kube-controller-manager');
    expect(kcm).toContain('--profiling=false');
    expect(kcm).toContain('--use-service-account-credentials=true');
    expect(kcm).toContain('--bind-address=127.0.0.1');
    const etcd = await mirrorCommand(testKubeconfig(), 'etcd');
    expect(etcd).toContain('--client-cert-auth=true');
    expect(etcd).toContain('--peer-client-cert-auth=true');
    const etcdCa = etcd.find((f) => f.startsWith('--trusted-ca-file='))!.split('=')[1];
    const clusterCa = api.find((f) => f.startsWith('--client-ca-file='))!.split('=')[1];
    expect(etcdCa).not.toBe(clusterCa);
  });

  it('judges every flag control as the recorded flags say', () => {
    const expected: Record<string, string> = {
      // kube-apiserver
      'apiserver-anonymous-auth': 'fail', // absent: defaults to true
      'apiserver-token-auth-file': 'pass',
      'apiserver-kubelet-client-cert': 'pass',
      'apiserver-kubelet-ca': 'fail',
      'apiserver-authz-not-always-allow': 'pass',
      'apiserver-authz-node': 'pass',
      'apiserver-authz-rbac': 'pass',
      'apiserver-admission-always-admit': 'pass',
      'apiserver-admission-node-restriction': 'pass',
      'apiserver-admission-service-account': 'pass',
      'apiserver-admission-namespace-lifecycle': 'pass',
      'apiserver-admission-pod-security': 'pass',
      'apiserver-admission-event-rate-limit': 'fail',
      'apiserver-admission-always-pull-images': 'fail',
      'apiserver-admission-deny-external-ips': 'fail',
      'apiserver-profiling': 'pass',
      'apiserver-audit-log-path': 'fail',
      'apiserver-audit-log-maxage': 'not-applicable', // no audit log file
      'apiserver-audit-log-maxbackup': 'not-applicable',
      'apiserver-audit-log-maxsize': 'not-applicable',
      'apiserver-service-account-lookup': 'pass', // absent: defaults to true
      'apiserver-service-account-key-file': 'pass',
      'apiserver-service-account-token-extension': 'fail', // absent: defaults to true
      'apiserver-tls-cert': 'pass',
      'apiserver-client-ca': 'pass',
      'apiserver-etcd-client-cert': 'pass',
      'apiserver-etcd-ca': 'pass',
      'apiserver-encryption-at-rest': 'fail',
      'apiserver-tls-cipher-suites': 'fail',
      'detection-audit-logging': 'fail',
      // kube-controller-manager
      'controller-manager-profiling': 'pass',
      'controller-manager-service-account-credentials': 'pass',
      'controller-manager-service-account-key': 'pass',
      'controller-manager-root-ca': 'pass',
      'controller-manager-rotate-kubelet-server-cert': 'pass',
      'controller-manager-gc-threshold': 'fail',
      'controller-manager-bind-address': 'pass',
      // no scheduler in the test control plane
      'scheduler-profiling': 'not-assessed',
      'scheduler-bind-address': 'not-assessed',
      // etcd: TLS and client-certificate auth as kubeadm sets it up, with its own CA
      'etcd-tls': 'pass',
      'etcd-client-cert-auth': 'pass',
      'etcd-auto-tls': 'pass',
      'etcd-peer-tls': 'pass',
      'etcd-peer-client-cert-auth': 'pass',
      'etcd-peer-auto-tls': 'pass',
      'etcd-unique-ca': 'pass',
      // no nodes, no kube-proxy
      'kubelet-anonymous-auth': 'not-applicable',
      'kubelet-authorization-mode': 'not-applicable',
      'kubelet-client-ca': 'not-applicable',
      'kubelet-read-only-port': 'not-applicable',
      'kubelet-streaming-timeout': 'not-applicable',
      'kubelet-iptables-util-chains': 'not-applicable',
      'kubelet-rotate-certificates': 'not-applicable',
      'kubelet-server-cert-rotation': 'not-applicable',
      'kubelet-tls-cipher-suites': 'not-applicable',
      'kubelet-pod-pids-limit': 'not-applicable',
      'kubelet-seccomp-default': 'not-applicable',
      'kube-proxy-metrics-bind-address': 'not-applicable',
      'node-kubelet-version-skew': 'not-applicable',
      // v1.37.2 on the scan date
      'version-supported': 'pass',
      'version-patch-lag': 'pass',
      // the harness kubeconfig: CA data, client certificate, loopback address
      'kubeconfig-insecure-skip-tls-verify': 'pass',
      'kubeconfig-embedded-credentials': 'pass',
      'kubeconfig-public-endpoint': 'pass',
      // RBAC defaults: /version public, /api and objects denied to system:anonymous
      'apiserver-anonymous-access': 'pass',
      'apiserver-anonymous-version': 'fail',
    };
    const actual = statuses(result);
    for (const id of STATEFUL) {
      expect(['pass', 'fail']).toContain(actual[id]);
      delete actual[id];
    }
    expect(actual).toEqual(expected);
    expect(Object.keys(expected).length + STATEFUL.size).toBe(CONTROL_PLANE_CONTROLS.length);
  });

  it('points findings at the flag on the mirror pod', () => {
    const [plugins] = findings(result, 'apiserver-admission-event-rate-limit');
    expect(plugins!.subject).toMatchObject({ kind: 'Pod', namespace: 'kube-system' });
    expect(plugins!.subject.name).toMatch(/^kube-apiserver-/);
    expect(plugins!.container).toBe('kube-apiserver');
    expect(plugins!.path).toMatch(/^spec\.containers\[0\]\.command\[\d+\]$/);
    const [anon] = findings(result, 'apiserver-anonymous-auth');
    expect(anon!.message).toContain('the default when the flag is absent');
    expect(anon!.path).toBe('spec.containers[0].command');
    const [gc] = findings(result, 'controller-manager-gc-threshold');
    expect(gc!.subject.name).toMatch(/^kube-controller-manager-/);
    expect(gc!.remediation).toContain('/etc/kubernetes/manifests/kube-controller-manager.yaml');
  });

  it('the anonymous probe agrees with the (absent, so true) --anonymous-auth: accepted as system:anonymous, then denied', async () => {
    expect(await probe(testKubeconfig())).toEqual({ '/version': 200, '/api': 403, '/api/v1/namespaces?limit=1': 403 });
  });

  it('reports kubelet controls not-applicable with --kubelet on a cluster without nodes, and the node inventory insight', () => {
    const kubelet = result.results.filter((r) => r.controlId === 'kubelet-anonymous-auth');
    expect(kubelet.map((r) => r.message)).toEqual(['The cluster has no nodes, so there is no kubelet to assess.']);
    expect((result.insights?.nodes as NodeInventory).nodes).toEqual([]);
  });
});

describe('extra reads without the permissions they need', () => {
  it('records forbidden with the permission that would fix it', async () => {
    const target = await resolveTarget({ kubeconfig: testKubeconfig(), context: 'auditor' });
    const extras = await collectExtras(target, { kubelet: true, nodes: ['ghost-1', 'ghost-2', 'ghost-3'] });
    expect(extras.kubeProxy).toMatchObject({ state: 'forbidden', permission: 'get configmaps in namespace kube-system' });
    expect(extras.kubeletConfigs?.state).toBe('forbidden');
    expect(extras.kubeletConfigs?.permission).toBe('get nodes/proxy');
    expect(extras.kubeletConfigs?.reason).toMatch(/nodes\/proxy/);
    expect(Object.keys(extras.kubeletConfigs!.nodes)).toEqual(['ghost-1', 'ghost-2', 'ghost-3']);
    // The probe does not depend on who scans: no credential is sent.
    expect(Object.fromEntries(extras.anonymousProbe!.results.map((r) => [r.path, r.status]))).toEqual({ '/version': 200, '/api': 403, '/api/v1/namespaces?limit=1': 403 });
    // What the kubeconfig in use holds: a client certificate, no token, TLS verified, a loopback server.
    expect(extras.kubeconfig).toMatchObject({ state: 'ok', context: 'auditor', insecureSkipTlsVerify: false, embeddedToken: false, embeddedPassword: false, embeddedClientKey: true, addresses: ['127.0.0.1'] });
  });
});

describe('a second cluster with a weaker flag set', () => {
  let baseline: ScanResult;
  let weakResult: ScanResult;
  beforeAll(async () => {
    [baseline, weakResult] = await Promise.all([scan(testKubeconfig()), scan(weak!.kubeconfigPath)]);
  });

  it('records the weaker flags in its mirror pods', async () => {
    const api = await mirrorCommand(weak!.kubeconfigPath, 'kube-apiserver');
    for (const f of WEAK_APISERVER) expect(api).toContain(f);
    expect(api).not.toContain('--authorization-mode=Node,RBAC');
    const kcm = await mirrorCommand(weak!.kubeconfigPath, 'kube-controller-manager');
    expect(kcm).toContain('--profiling=true');
  });

  it('changes exactly the controls those flags decide', () => {
    const before = statuses(baseline);
    const after = statuses(weakResult);
    const changed = Object.fromEntries(
      Object.keys(before)
        .filter((id) => !STATEFUL.has(id) && before[id] !== after[id])
        .map((id) => [id, [before[id], after[id]]]),
    );
    expect(changed).toEqual(EXPECTED_CHANGES);
  });

  it('explains each changed result by its flag', () => {
    expect(findings(weakResult, 'apiserver-profiling')[0]!.message).toBe('Profiling endpoints are served: --profiling is true (set on the command line); expected false.');
    expect(findings(weakResult, 'apiserver-authz-not-always-allow')[0]!.message).toContain('AlwaysAllow (set on the command line)');
    expect(findings(weakResult, 'apiserver-admission-always-admit')[0]!.message).toContain('--enable-admission-plugins names it');
    expect(findings(weakResult, 'apiserver-admission-node-restriction')[0]!.messageId).toBe('notEnabled');
    expect(findings(baseline, 'apiserver-anonymous-auth')[0]!.message).toContain('the default when the flag is absent');
    const anon = weakResult.results.filter((r) => r.controlId === 'apiserver-anonymous-auth');
    expect(anon.map((r) => [r.status, r.subject.kind])).toEqual([['not-applicable', 'Pod']]);
    expect(anon[0]!.message).toContain('resets --anonymous-auth to false when AlwaysAllow');
    // The probe agrees with the effective setting, so the cross-check finds no mismatch.
    expect(weakResult.results.filter((r) => r.controlId === 'apiserver-anonymous-access').map((r) => r.status)).toEqual(['pass']);
  });

  it('the anonymous probe agrees with the effective flags: AlwaysAllow turned anonymous auth off, so every request is 401', async () => {
    expect(await probe(weak!.kubeconfigPath)).toEqual({ '/version': 401, '/api': 401, '/api/v1/namespaces?limit=1': 401 });
  });
});

/** The first non-loopback IPv4 address of this machine: the API server refuses to proxy to loopback. */
function hostAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

describe('kubelet configuration through the node proxy, and kube-proxy', () => {
  const address = hostAddress();
  const certDir = mkdtempSync(join(tmpdir(), 'k8s-audit-fake-kubelet-'));
  let server: https.Server | undefined;
  const callers: string[] = [];
  let result: ScanResult;

  /** What a kubeadm kubelet reports on /configz (trimmed), with two settings CIS wants changed. */
  const kubeletconfig = {
    enableServer: true,
    staticPodPath: '/etc/kubernetes/manifests',
    authentication: { x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' }, webhook: { enabled: true, cacheTTL: '2m0s' }, anonymous: { enabled: false } },
    authorization: { mode: 'Webhook', webhook: { cacheAuthorizedTTL: '5m0s', cacheUnauthorizedTTL: '30s' } },
    streamingConnectionIdleTimeout: '4h0m0s',
    makeIPTablesUtilChains: true,
    rotateCertificates: true,
    podPidsLimit: -1,
    cgroupDriver: 'systemd',
  };

  beforeAll(async () => {
    if (!address) return;
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=fake-kubelet',
      '-addext', `subjectAltName=IP:${address}`, '-keyout', join(certDir, 'tls.key'), '-out', join(certDir, 'tls.crt')], { stdio: 'ignore' });
    server = https.createServer({ key: readFileSync(join(certDir, 'tls.key')), cert: readFileSync(join(certDir, 'tls.crt')), requestCert: true, rejectUnauthorized: false }, (req, res) => {
      const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
      callers.push(`${req.method} ${req.url} ${peer?.subject?.CN ?? 'anonymous'}`);
      if (req.url === '/configz') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kubeletconfig }));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server!.listen(0, address, resolve));
    const port = (server.address() as import('node:net').AddressInfo).port;

    const admin = KubeClient.fromKubeconfig(weak!.kubeconfigPath, 'admin');
    try {
      await admin.call('POST', '/api/v1/nodes', {
        body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-1', labels: { 'kubernetes.io/hostname': 'worker-1', 'node-role.kubernetes.io/worker': '' } } },
      });
      await admin.call('PATCH', '/api/v1/nodes/worker-1/status', {
        contentType: 'application/merge-patch+json',
        body: {
          status: {
            addresses: [{ type: 'InternalIP', address }],
            daemonEndpoints: { kubeletEndpoint: { Port: port } },
            nodeInfo: { kubeletVersion: 'v1.33.10', osImage: 'Debian GNU/Linux 13 (trixie)', kernelVersion: '6.12.0', containerRuntimeVersion: 'containerd://2.1.4', operatingSystem: 'linux', architecture: 'amd64', machineID: '', systemUUID: '', bootID: '', kubeProxyVersion: '' },
          },
        },
      });
      await admin.call('POST', '/api/v1/namespaces/kube-system/configmaps', {
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-proxy' }, data: { 'config.conf': 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\nmetricsBindAddress: 0.0.0.0:10249\n' } },
      });
      await admin.call('POST', '/apis/apps/v1/namespaces/kube-system/daemonsets', {
        body: {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          metadata: { name: 'kube-proxy', labels: { 'k8s-app': 'kube-proxy' } },
          spec: {
            selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
            template: {
              metadata: { labels: { 'k8s-app': 'kube-proxy' } },
              spec: {
                containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.37.2', command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf'], volumeMounts: [{ name: 'kube-proxy', mountPath: '/var/lib/kube-proxy' }] }],
                volumes: [{ name: 'kube-proxy', configMap: { name: 'kube-proxy' } }],
              },
            },
          },
        },
      });
    } finally {
      admin.close();
    }
    result = await scan(weak!.kubeconfigPath);
  });

  afterAll(async () => {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    rmSync(certDir, { recursive: true, force: true });
  });

  it.skipIf(!address)('reads /configz through the API server, which calls the kubelet with its kubelet client certificate', () => {
    expect(callers).toContain('GET /configz kube-apiserver-kubelet-client');
  });

  it.skipIf(!address)('judges the kubelet configuration it read', () => {
    const byControl = Object.fromEntries(
      result.results.filter((r) => r.controlId.startsWith('kubelet-')).map((r) => [r.controlId, `${r.status} ${r.subject.kind}/${r.subject.name}${r.path ? ` ${r.path}` : ''}`]),
    );
    expect(byControl).toEqual({
      'kubelet-anonymous-auth': 'pass Node/worker-1 kubeletconfig.authentication.anonymous.enabled',
      'kubelet-authorization-mode': 'pass Node/worker-1 kubeletconfig.authorization.mode',
      'kubelet-client-ca': 'pass Node/worker-1 kubeletconfig.authentication.x509.clientCAFile',
      'kubelet-read-only-port': 'pass Node/worker-1 kubeletconfig.readOnlyPort',
      'kubelet-streaming-timeout': 'pass Node/worker-1 kubeletconfig.streamingConnectionIdleTimeout',
      'kubelet-iptables-util-chains': 'pass Node/worker-1 kubeletconfig.makeIPTablesUtilChains',
      'kubelet-rotate-certificates': 'pass Node/worker-1 kubeletconfig.rotateCertificates',
      'kubelet-server-cert-rotation': 'pass Node/worker-1 kubeletconfig.featureGates',
      'kubelet-tls-cipher-suites': 'fail Node/worker-1 kubeletconfig.tlsCipherSuites',
      'kubelet-pod-pids-limit': 'fail Node/worker-1 kubeletconfig.podPidsLimit',
      'kubelet-seccomp-default': 'fail Node/worker-1 kubeletconfig.seccompDefault',
    });
  });

  it.skipIf(!address)('flags the kubelet four minor versions behind, and lists the node in the inventory', () => {
    const skew = findings(result, 'node-kubelet-version-skew');
    expect(skew.map((f) => [f.subject.name, f.messageId])).toEqual([['worker-1', 'tooOld']]);
    const inventory = result.insights?.nodes as NodeInventory;
    expect(inventory.osImages).toEqual([{ osImage: 'Debian GNU/Linux 13 (trixie)', nodes: 1 }]);
    expect(inventory.nodes.map((n) => [n.name, n.kubeletVersion, n.roles])).toEqual([['worker-1', 'v1.33.10', ['worker']]]);
  });

  it.skipIf(!address)("reads kube-proxy's ConfigMap and fails its all-interfaces metrics address", () => {
    const f = findings(result, 'kube-proxy-metrics-bind-address');
    expect(f.map((x) => [x.subject.kind, x.subject.namespace, x.subject.name, x.path, x.messageId])).toEqual([
      ['ConfigMap', 'kube-system', 'kube-proxy', 'data["config.conf"].metricsBindAddress', 'config'],
    ]);
  });

  it.skipIf(!address)('leaves the control-plane flag verdicts as they were', () => {
    expect(findings(result, 'apiserver-profiling')).toHaveLength(1);
    expect(statuses(result)['apiserver-authz-not-always-allow']).toBe('fail');
  });
});
