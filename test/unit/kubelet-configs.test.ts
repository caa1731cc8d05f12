// The collector's read of each node's /configz through the API server's node proxy (src/collect/extras.ts
// kubeletConfigs) against a fake API server answering as kube-apiserver v1.37 does: its own refusals are Status
// objects (application/json); a refusal by the kubelet is passed through as the kubelet wrote it (text/plain).
import { describe, expect, it } from 'vitest';
import { kubeletConfigs } from '../../src/collect/extras.ts';

type Answer = { status: number; contentType?: string; body: string };

const CONFIG = { authentication: { anonymous: { enabled: false }, x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' } }, authorization: { mode: 'Webhook' } };
const ok = (): Answer => ({ status: 200, contentType: 'application/json', body: JSON.stringify({ kubeletconfig: CONFIG }) });
/** kube-apiserver's RBAC refusal of nodes/proxy (captured from the test control plane, context auditor). */
const rbacForbidden = (node: string): Answer => ({
  status: 403,
  contentType: 'application/json',
  body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `nodes "${node}" is forbidden: User "k8s-audit-auditor" cannot get resource "nodes/proxy" in API group "" at the cluster scope`, reason: 'Forbidden', details: { name: node, kind: 'nodes' }, code: 403 }),
});
/** The kubelet's own refusals (pkg/kubelet/server/server.go InstallAuthFilter), passed through by the proxy. */
const kubeletForbidden = (): Answer => ({ status: 403, contentType: 'text/plain; charset=utf-8', body: 'Forbidden (user=kube-apiserver-kubelet-client, verb=get, resource=nodes, subresource(s)=[configz proxy])\n' });
const kubeletUnauthorized = (): Answer => ({ status: 401, contentType: 'text/plain; charset=utf-8', body: 'Unauthorized' });

function fakeServer(answers: Record<string, () => Answer>) {
  const asked: string[] = [];
  const request = async (_method: string, path: string) => {
    const node = decodeURIComponent(/^\/api\/v1\/nodes\/([^/]+)\/proxy\/configz$/.exec(path)?.[1] ?? '');
    asked.push(node);
    const a = (answers[node] ?? (() => ({ status: 404, contentType: 'application/json', body: '{"kind":"Status","reason":"NotFound","code":404}' })))();
    return { status: a.status, headers: a.contentType ? { 'content-type': a.contentType } : {}, body: a.body };
  };
  return { client: { request } as unknown as Parameters<typeof kubeletConfigs>[0], asked };
}

describe('kubeletConfigs', () => {
  it('reads every node when the API server refuses nodes/proxy: forbidden, with the permission', async () => {
    const { client, asked } = fakeServer({ 'node-a': () => rbacForbidden('node-a'), 'node-b': () => rbacForbidden('node-b') });
    const read = await kubeletConfigs(client, ['node-b', 'node-a'], 4);
    expect(read).toMatchObject({ state: 'forbidden', permission: 'get nodes/proxy' });
    expect(read.nodes['node-b']).toMatchObject({ state: 'forbidden', permission: 'get nodes/proxy' });
    expect(asked.sort()).toEqual(['node-a', 'node-b']);
  });

  it('reads the nodes a grant of nodes/proxy by resourceNames allows, though the first in name order is refused', async () => {
    const { client } = fakeServer({ 'node-a': () => rbacForbidden('node-a'), 'node-b': ok, 'node-c': () => rbacForbidden('node-c') });
    const read = await kubeletConfigs(client, ['node-a', 'node-b', 'node-c'], 4);
    expect(read.state).toBe('ok');
    expect(read.nodes['node-b']).toEqual({ state: 'ok', config: CONFIG });
    for (const n of ['node-a', 'node-c']) expect(read.nodes[n], n).toMatchObject({ state: 'forbidden', permission: 'get nodes/proxy' });
  });

  it("a kubelet that refuses the API server makes only its node unread, and names no permission of the scanner's", async () => {
    const { client, asked } = fakeServer({ 'node-a': kubeletForbidden, 'node-b': ok, 'node-c': kubeletUnauthorized });
    const read = await kubeletConfigs(client, ['node-a', 'node-b', 'node-c'], 4);
    expect(read.state).toBe('ok');
    expect(read.permission).toBeUndefined();
    expect(asked.sort()).toEqual(['node-a', 'node-b', 'node-c']);
    expect(read.nodes['node-b']).toEqual({ state: 'ok', config: CONFIG });
    for (const n of ['node-a', 'node-c']) {
      expect(read.nodes[n]!.state, n).toBe('error');
      expect(read.nodes[n]!.permission, n).toBeUndefined();
      expect(read.nodes[n]!.reason, n).toMatch(/the kubelet refused the API server/);
    }
    expect(read.nodes['node-a']!.reason).toContain('Forbidden (user=kube-apiserver-kubelet-client');
    expect(read.nodes['node-c']!.reason).toContain('HTTP 401: Unauthorized');
  });

  it('says why a kubelet answers /configz with 404: it serves it only with enableDebuggingHandlers', async () => {
    // pkg/kubelet/server/server.go: /configz is among InstallAuthRequiredHandlers, installed only with
    // enableDebuggingHandlers: true; otherwise go-restful answers "404 page not found".
    const { client } = fakeServer({ 'node-a': ok, 'node-b': () => ({ status: 404, contentType: 'text/plain; charset=utf-8', body: '404 page not found\n' }) });
    const read = await kubeletConfigs(client, ['node-a', 'node-b'], 4);
    expect(read.state).toBe('ok');
    expect(read.nodes['node-b']).toMatchObject({ state: 'not-found' });
    expect(read.nodes['node-b']!.reason).toMatch(/the kubelet does not serve \/configz.*enableDebuggingHandlers/);
    // The API server's own 404 (the node is gone) keeps its message.
    const gone = await kubeletConfigs(fakeServer({}).client, ['node-x'], 4);
    expect(gone.nodes['node-x']).toMatchObject({ state: 'not-found', reason: 'HTTP 404: {"kind":"Status","reason":"NotFound","code":404}' });
  });
});
