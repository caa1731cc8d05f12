// The kubelet controls (CIS 4.2) end to end through a real API server's node proxy.
//
// A cluster of its own (the harness's hardened defaults: --kubelet-certificate-authority, the kubeadm kubelet
// client certificate, --kubelet-preferred-address-types=InternalIP,…) gets Nodes whose kubelet endpoints are small
// HTTPS servers of this test on a non-loopback address of the host (the API server refuses to proxy to loopback),
// with serving certificates signed by the cluster CA. They answer /configz with what a kubelet v1.37.2 really
// serves (test/fixtures/kubelet/), or refuse the API server as a kubelet's authentication and authorization filter
// does, or are down. `scan --kubelet` must read each node once, judge each by what it serves, and make a node it
// could not read not-assessed alone.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/engine/result.ts';
import { KubeClient } from '../cluster/fixtures.ts';
import { down, up, type ClusterInfo } from '../cluster/harness.ts';
import { runCli } from '../helpers/io.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/kubelet/${name}.json`, import.meta.url), 'utf8')) as { kubeletconfig: Record<string, unknown> };
const DEFAULTS = fixture('configz-v1.37.2-defaults');
const FLAG_OVERRIDES = fixture('configz-v1.37.2-flag-overrides');

const KUBELET_CONTROLS = [
  'kubelet-anonymous-auth',
  'kubelet-authorization-mode',
  'kubelet-client-ca',
  'kubelet-read-only-port',
  'kubelet-streaming-timeout',
  'kubelet-iptables-util-chains',
  'kubelet-rotate-certificates',
  'kubelet-server-cert-rotation',
  'kubelet-tls-cipher-suites',
  'kubelet-pod-pids-limit',
  'kubelet-seccomp-default',
];

type Behaviour = { configz: unknown } | { refuse: { status: number; text: string } } | 'down';

/** The nodes, by name: `a-…` sorts first, so the collector's first request goes to the kubelet that refuses. */
const NODES: Record<string, { os: 'linux' | 'windows'; behaviour: Behaviour }> = {
  // The kubelet's authorization (Webhook) does not allow kube-apiserver-kubelet-client: pkg/kubelet/server's filter.
  'a-refuses': { os: 'linux', behaviour: { refuse: { status: 403, text: 'Forbidden (user=kube-apiserver-kubelet-client, verb=get, resource=nodes, subresource(s)=[configz proxy])\n' } } },
  'b-defaults': { os: 'linux', behaviour: { configz: DEFAULTS } },
  'c-flags': { os: 'linux', behaviour: { configz: FLAG_OVERRIDES } },
  'd-windows': { os: 'windows', behaviour: { configz: DEFAULTS } },
  'e-down': { os: 'linux', behaviour: 'down' },
  // The kubelet does not authenticate the API server's client certificate (no clientCAFile) and anonymous is off.
  'f-unauthenticated': { os: 'linux', behaviour: { refuse: { status: 401, text: 'Unauthorized' } } },
  // enableDebuggingHandlers: false: the kubelet never installs /configz, and go-restful answers 404.
  'g-no-debugging-handlers': { os: 'linux', behaviour: { refuse: { status: 404, text: '404 page not found\n' } } },
};

function hostAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

/** An ECDSA serving certificate for `address`, signed by the cluster CA, as a kubelet gets one with serverTLSBootstrap. */
function servingCertificate(dir: string, address: string, ca: { cert: string; key: string }): { key: Buffer; cert: Buffer } {
  const key = join(dir, 'kubelet.key');
  const crt = join(dir, 'kubelet.crt');
  const csr = join(dir, 'kubelet.csr');
  const ext = join(dir, 'kubelet.ext');
  writeFileSync(ext, `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:${address}\n`);
  execFileSync('openssl', ['req', '-new', '-subj', '/CN=fake-kubelet', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr], { stdio: 'ignore' });
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '1', '-extfile', ext, '-out', crt], { stdio: 'ignore' });
  return { key: readFileSync(key), cert: readFileSync(crt) };
}

const address = hostAddress();

describe.skipIf(!address)('kubelet controls through the node proxy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-kubelet-proxy-'));
  const stateDir = join(dir, 'cluster');
  const servers: https.Server[] = [];
  const calls: string[] = [];
  let cluster: ClusterInfo | undefined;
  let result: ScanResult;
  let scoped: ScanResult;
  /** The kubelets' requests during the first scan. */
  let firstScanCalls: string[] = [];

  beforeAll(async () => {
    cluster = await up({ stateDir, watchPid: process.pid, log: (line) => process.stderr.write(`[kubelet-proxy-cluster] ${line}\n`) });
    const pki = join(stateDir, 'pki');
    const tls = servingCertificate(dir, address!, { cert: join(pki, 'ca.crt'), key: join(pki, 'ca.key') });
    const admin = KubeClient.fromKubeconfig(cluster.kubeconfigPath, 'admin');
    try {
      for (const [name, { os, behaviour }] of Object.entries(NODES)) {
        let port = 1; // nothing listens there: the kubelet is down
        if (behaviour !== 'down') {
          const server = https.createServer({ ...tls, requestCert: true, rejectUnauthorized: false }, (req, res) => {
            calls.push(`${name} ${req.method} ${req.url} ${(req.socket as TLSSocket).getPeerCertificate()?.subject?.CN ?? 'anonymous'}`);
            if (req.url !== '/configz') return void res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
            if ('refuse' in behaviour) return void res.writeHead(behaviour.refuse.status, { 'content-type': 'text/plain; charset=utf-8' }).end(behaviour.refuse.text);
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(behaviour.configz));
          });
          await new Promise<void>((resolve) => server.listen(0, address, resolve));
          servers.push(server);
          port = (server.address() as AddressInfo).port;
        }
        await admin.call('POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': os } } } });
        const now = new Date().toISOString();
        await admin.call('PATCH', `/api/v1/nodes/${name}/status`, {
          contentType: 'application/merge-patch+json',
          body: {
            status: {
              addresses: [{ type: 'InternalIP', address }],
              daemonEndpoints: { kubeletEndpoint: { Port: port } },
              conditions: [{ type: 'Ready', status: behaviour === 'down' ? 'Unknown' : 'True', reason: behaviour === 'down' ? 'NodeStatusUnknown' : 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now }],
              nodeInfo: { kubeletVersion: 'v1.37.2', osImage: os === 'windows' ? 'Windows Server 2022 Datacenter' : 'Debian GNU/Linux 13 (trixie)', kernelVersion: os === 'windows' ? '10.0.20348.2966' : '6.12.0', containerRuntimeVersion: 'containerd://2.1.4', operatingSystem: os, architecture: 'amd64', machineID: '', systemUUID: '', bootID: '', kubeProxyVersion: '' },
            },
          },
        });
      }
    } finally {
      admin.close();
    }
    // Through the CLI, as a user runs it.
    const r = await runCli(['scan', '--kubeconfig', cluster.kubeconfigPath, '--context', 'admin', '--controls', KUBELET_CONTROLS.join(','), '--kubelet', '--include-passes', '--format', 'json']);
    result = JSON.parse(r.stdout) as ScanResult;
    firstScanCalls = calls.splice(0);

    // The auditor identity, granted nodes/proxy for one node only (resourceNames), as least privilege would.
    const grant = KubeClient.fromKubeconfig(cluster.kubeconfigPath, 'admin');
    try {
      await grant.call('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
        body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'kubelet-one-node' }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }, { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'], resourceNames: ['b-defaults'] }] },
      });
      await grant.call('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
        body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'kubelet-one-node' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubelet-one-node' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'k8s-audit-auditor' }] },
      });
    } finally {
      grant.close();
    }
    const s = await runCli(['scan', '--kubeconfig', cluster.kubeconfigPath, '--context', 'auditor', '--controls', 'kubelet-anonymous-auth', '--kubelet', '--include-passes', '--format', 'json']);
    scoped = JSON.parse(s.stdout) as ScanResult;
  });

  afterAll(async () => {
    for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
    await down(stateDir);
    rmSync(dir, { recursive: true, force: true });
  });

  /** The status of each node for one control. */
  const byNode = (control: string) => Object.fromEntries(result.results.filter((r) => r.controlId === control).map((r) => [r.subject.name, r.status]));

  it('reads the one node a resourceNames grant of nodes/proxy allows, and names the permission for the others', () => {
    const rows = scoped.results.filter((r) => r.controlId === 'kubelet-anonymous-auth');
    expect(rows.find((r) => r.subject.name === 'b-defaults')?.status).toBe('pass');
    const others = rows.filter((r) => r.subject.name !== 'b-defaults');
    expect(others.map((r) => r.subject.name).sort()).toEqual(Object.keys(NODES).filter((n) => n !== 'b-defaults'));
    for (const r of others) expect([r.status, r.permission], r.subject.name).toEqual(['not-assessed', 'get nodes/proxy']);
    expect(calls).toEqual(['b-defaults GET /configz kube-apiserver-kubelet-client']);
  });

  it('reads each node with a kubelet once, through the API server and its kubelet client certificate', () => {
    expect(firstScanCalls.sort()).toEqual(Object.keys(NODES).filter((n) => NODES[n]!.behaviour !== 'down').map((n) => `${n} GET /configz kube-apiserver-kubelet-client`));
  });

  it('makes a node whose kubelet refuses the API server not-assessed alone, naming no permission of the scanner', () => {
    for (const control of KUBELET_CONTROLS) {
      const rows = result.results.filter((r) => r.controlId === control);
      expect(rows.map((r) => r.subject.name).sort(), control).toEqual(Object.keys(NODES));
      expect(rows.find((r) => r.subject.name === 'g-no-debugging-handlers')!.message, control).toMatch(/the kubelet does not serve \/configz .*enableDebuggingHandlers/);
      for (const name of ['a-refuses', 'f-unauthenticated']) {
        const row = rows.find((r) => r.subject.name === name)!;
        expect(row.status, `${control} ${name}`).toBe('not-assessed');
        expect(row.message).toMatch(/the kubelet refused the API server's request \(HTTP 40[13]/);
        expect(row.permission, `${control} ${name}`).toBeUndefined();
      }
      // NotReady, its kubelet down: the API server cannot reach it.
      const unread = rows.find((r) => r.subject.name === 'e-down')!;
      expect(unread.status, control).toBe('not-assessed');
      expect(unread.message).toMatch(/HTTP 503: error trying to reach service/);
    }
  });

  it("judges a kubelet at v1.37.2's defaults by what /configz shows for fields left unset", () => {
    const verdicts = Object.fromEntries(KUBELET_CONTROLS.map((c) => [c, byNode(c)['b-defaults']]));
    expect(verdicts).toEqual({
      'kubelet-anonymous-auth': 'pass', // anonymous.enabled: false (the v1beta1 default, shown)
      'kubelet-authorization-mode': 'pass', // Webhook
      'kubelet-client-ca': 'fail', // x509: {}
      'kubelet-read-only-port': 'pass', // 0, omitted
      'kubelet-streaming-timeout': 'pass', // 4h0m0s
      'kubelet-iptables-util-chains': 'pass', // true
      'kubelet-rotate-certificates': 'fail', // false, omitted: the kubelet does not rotate its client certificate
      'kubelet-server-cert-rotation': 'pass', // no featureGates: RotateKubeletServerCertificate at its default, true
      'kubelet-tls-cipher-suites': 'fail', // unset: Go's defaults, CBC suites among them
      'kubelet-pod-pids-limit': 'fail', // -1
      'kubelet-seccomp-default': 'fail', // false
    });
  });

  it('sees command-line flags that override the config file', () => {
    const verdicts = Object.fromEntries(KUBELET_CONTROLS.map((c) => [c, byNode(c)['c-flags']]));
    expect(verdicts).toMatchObject({
      'kubelet-anonymous-auth': 'fail', // --anonymous-auth=true
      'kubelet-read-only-port': 'fail', // --read-only-port=10255
      'kubelet-streaming-timeout': 'fail', // --streaming-connection-idle-timeout=0
      'kubelet-rotate-certificates': 'pass', // --rotate-certificates=true
      'kubelet-server-cert-rotation': 'fail', // --feature-gates=RotateKubeletServerCertificate=false
    });
    const port = result.results.find((r) => r.controlId === 'kubelet-read-only-port' && r.subject.name === 'c-flags')!;
    expect(port.message).toContain('port 10255');
  });

  it('does not judge a Windows node by settings its kubelet does not have', () => {
    const verdicts = Object.fromEntries(KUBELET_CONTROLS.map((c) => [c, byNode(c)['d-windows']]));
    expect(verdicts).toEqual({
      ...Object.fromEntries(KUBELET_CONTROLS.map((c) => [c, byNode(c)['b-defaults']])),
      'kubelet-iptables-util-chains': 'not-applicable',
      'kubelet-pod-pids-limit': 'not-applicable',
      'kubelet-seccomp-default': 'not-applicable',
    });
  });
});
