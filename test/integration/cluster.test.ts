// Proves the test control plane is a real Kubernetes API server with real
// authentication, RBAC, admission and controllers — not a mock.

import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createNamespace,
  deleteNamespace,
  grantAuditor,
  kubeClient,
  kubeConfig,
  revokeAuditor,
  testKubeconfig,
  waitFor,
  waitForAccess,
  waitForDefaultServiceAccount,
} from '../cluster/fixtures.ts';
import { KubeClient } from '../cluster/kube.ts';
import { applyManifests } from '../cluster/seed.ts';
import { down, isAlive, kubernetesVersion, readState, serviceAccountToken, status, up } from '../cluster/harness.ts';
import { CoreV1Api } from '@kubernetes/client-node';

const admin = kubeClient('admin');
const namespaces: string[] = [];
async function ns(prefix: string, labels: Record<string, string> = {}): Promise<string> {
  const name = await createNamespace(prefix, labels);
  namespaces.push(name);
  return name;
}

afterAll(async () => {
  await Promise.all(namespaces.map((n) => deleteNamespace(n)));
  admin.close();
});

describe('test control plane', () => {
  it('reports the Kubernetes version pinned in go.mod on /version', async () => {
    const v = await admin.call('GET', '/version');
    expect(v.gitVersion).toBe(kubernetesVersion());
    expect(v.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
    expect(`v${v.major}.${v.minor}.`).toBe(kubernetesVersion().replace(/\d+$/, ''));
  });

  it('rejects a privileged pod in a namespace enforcing the restricted Pod Security Standard', async () => {
    const name = await ns('psa', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    // The ServiceAccount admission plugin runs first; without the default SA it would reject for another reason.
    await waitForDefaultServiceAccount(name);
    const res = await admin.request('POST', `/api/v1/namespaces/${name}/pods`, {
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'privileged' },
        spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', securityContext: { privileged: true } }] },
      },
    });
    expect(res.status).toBe(403);
    expect(res.body.reason).toBe('Forbidden');
    expect(res.body.message).toMatch(/violates PodSecurity "restricted:latest"/);
    expect(res.body.message).toMatch(/privileged/);
  });

  it('denies the auditor until a ClusterRoleBinding grants it, then allows it', async () => {
    const auditor = kubeClient('auditor');
    try {
      const denied = await auditor.request('GET', '/api/v1/pods');
      expect(denied.status).toBe(403);
      expect(denied.body.message).toMatch(/User "k8s-audit-auditor" cannot list resource "pods"/);

      const binding = await grantAuditor('view');
      try {
        const allowed = await auditor.request('GET', '/api/v1/pods');
        expect(allowed.status).toBe(200);
        expect(allowed.body.kind).toBe('PodList');
        // The client-node KubeConfig for the auditor context sees the same.
        const pods = await kubeConfig('auditor').makeApiClient(CoreV1Api).listPodForAllNamespaces();
        expect(Array.isArray(pods.items)).toBe(true);
      } finally {
        await revokeAuditor(binding);
      }
      await waitForAccess('auditor', { verb: 'list', resource: 'pods' }, false);
      expect((await auditor.request('GET', '/api/v1/pods')).status).toBe(403);
    } finally {
      auditor.close();
    }
  });

  it('runs controllers: a Deployment gets a ReplicaSet and Pods', async () => {
    const name = await ns('deploy');
    await waitForDefaultServiceAccount(name);
    await admin.call('POST', `/apis/apps/v1/namespaces/${name}/deployments`, {
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }] } },
        },
      },
    });
    const rs = await waitFor('a ReplicaSet owned by the Deployment', async () => {
      const list = await admin.call('GET', `/apis/apps/v1/namespaces/${name}/replicasets`);
      return list.items.find((r: any) => r.metadata.ownerReferences?.some((o: any) => o.kind === 'Deployment' && o.name === 'web'));
    });
    const pods = await waitFor('2 Pods owned by the ReplicaSet', async () => {
      const list = await admin.call('GET', `/api/v1/namespaces/${name}/pods`);
      const owned = list.items.filter((p: any) => p.metadata.ownerReferences?.some((o: any) => o.uid === rs.metadata.uid));
      return owned.length === 2 ? owned : undefined;
    });
    // No scheduler and no kubelet: the pods exist but stay Pending.
    expect(pods.every((p: any) => p.status.phase === 'Pending')).toBe(true);
    // ServiceAccount admission mounted a projected token, as on a real cluster.
    expect(pods[0].spec.serviceAccountName).toBe('default');
  });

  it('gives a new namespace its default ServiceAccount and root CA ConfigMap', async () => {
    const name = await ns('sa');
    await waitForDefaultServiceAccount(name, { timeoutMs: 30_000 });
    const cm = await waitFor('kube-root-ca.crt', async () => {
      const res = await admin.request('GET', `/api/v1/namespaces/${name}/configmaps/kube-root-ca.crt`);
      return res.status === 200 ? res.body : undefined;
    });
    expect(cm.data['ca.crt']).toMatch(/BEGIN CERTIFICATE/);
  });

  it('records the API server and controller manager as kubeadm-style mirror pods with their real flags', async () => {
    const list = await admin.call('GET', '/api/v1/namespaces/kube-system/pods', { query: { labelSelector: 'component=kube-apiserver,tier=control-plane' } });
    expect(list.items).toHaveLength(1);
    const pod = list.items[0];
    expect(pod.metadata.name).toMatch(/^kube-apiserver-/);
    expect(pod.metadata.annotations['kubernetes.io/config.mirror']).toBeTruthy();
    const container = pod.spec.containers.find((c: any) => c.name === 'kube-apiserver');
    expect(container.image).toBe(`registry.k8s.io/kube-apiserver:${kubernetesVersion()}`);
    expect(container.command[0]).toBe('kube-apiserver');
    expect(container.command).toContain('--authorization-mode=Node,RBAC');
    // The real command line: its --secure-port is the port we are talking to.
    const port = new URL(admin.conn.server).port;
    expect(container.command).toContain(`--secure-port=${port}`);

    const kcm = await admin.call('GET', '/api/v1/namespaces/kube-system/pods', { query: { labelSelector: 'component=kube-controller-manager' } });
    expect(kcm.items).toHaveLength(1);
    expect(kcm.items[0].spec.containers[0].command).toContain('--use-service-account-credentials=true');
  });

  it('issues ServiceAccount tokens the API server accepts', async () => {
    const name = await ns('token');
    await waitForDefaultServiceAccount(name);
    const token = await serviceAccountToken(testKubeconfig(), name, 'default');
    const client = new KubeClient({ ...admin.conn, cert: undefined, key: undefined, token });
    try {
      const review = await client.call('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      });
      expect(review.status.userInfo.username).toBe(`system:serviceaccount:${name}:default`);
    } finally {
      client.close();
    }
  });

  it('seeds manifests with server-side apply, namespaces first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-seed-'));
    const nsName = `seed-${Date.now().toString(36)}`;
    namespaces.push(nsName);
    try {
      // 10-workload.yaml sorts before 20-namespace.yaml, and needs its namespace and ServiceAccount.
      writeFileSync(join(dir, '10-workload.yaml'), [
        `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app, namespace: ${nsName}}`,
        `apiVersion: v1\nkind: Pod\nmetadata: {name: app, namespace: ${nsName}}\nspec:\n  serviceAccountName: app\n  containers: [{name: c, image: registry.k8s.io/pause:3.10}]`,
      ].join('\n---\n'));
      writeFileSync(join(dir, '20-namespace.yaml'), `---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${nsName}\n  labels: {team: audit}\n---\n`);
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'sub', 'rbac.yaml'), `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader, namespace: ${nsName}}\nrules: [{apiGroups: [""], resources: [pods], verbs: [get]}]\n`);
      const applied = await applyManifests(testKubeconfig(), dir);
      expect(applied.map((o) => `${o.kind}/${o.name}`)).toEqual(['Namespace/' + nsName, 'ServiceAccount/app', 'Pod/app', 'Role/reader']);
      const pod = await admin.call('GET', `/api/v1/namespaces/${nsName}/pods/app`);
      expect(pod.metadata.managedFields.some((f: any) => f.manager === 'k8s-audit-seed' && f.operation === 'Apply')).toBe(true);
      // Applying again is a no-op, not an error.
      expect(await applyManifests(testKubeconfig(), dir)).toHaveLength(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('harness lifecycle', () => {
  it('refuses to wipe a directory it did not create', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-notours-'));
    try {
      writeFileSync(join(dir, 'precious.txt'), 'keep me');
      await expect(up({ stateDir: dir, skipBuild: true })).rejects.toThrow(/refusing to use/);
      expect(existsSync(join(dir, 'precious.txt'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('down stops every recorded process, including after a crash, and removes the directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-lifecycle-'));
    try {
      // watchPid: even if this worker is killed mid-test, the reaper stops this second cluster.
      const info = await up({ stateDir: dir, skipBuild: true, watchPid: process.pid });
      expect(info.seconds).toBeLessThan(30);
      expect((await status(dir)).running).toBe(true);
      const pids = readState(dir)!.processes.map((p) => p.pid);
      expect(pids.length).toBeGreaterThanOrEqual(3);
      // Simulate a crash of the API server: down must still stop what is left.
      process.kill(info.pids['kube-apiserver']!, 'SIGKILL');
      await waitFor('kube-apiserver to die', () => !isAlive(info.pids['kube-apiserver']!), { timeoutMs: 5000 });
      expect((await status(dir)).running).toBe(false);
      const r = await down(dir);
      expect(r.stopped).toEqual(expect.arrayContaining(['reaper', 'etcd', 'kube-controller-manager']));
      expect(pids.filter((p) => isAlive(p))).toEqual([]);
      expect(existsSync(dir)).toBe(false);
    } finally {
      await down(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
