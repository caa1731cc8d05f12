import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { applyOp, buildKustomization, splitImage } from '../../src/collect/kustomize.ts';
import { parseManifests, readManifests, snapshotFromFiles } from '../../src/collect/manifests.ts';
import { main } from '../../src/cli/main.ts';
import { allControls, selectControls } from '../../src/engine/registry.ts';
import type { ScanResult } from '../../src/engine/result.ts';
import { UsageError } from '../../src/errors.ts';
import { evaluateSnapshot } from '../../src/scan.ts';
import { runCli } from '../helpers/io.ts';
import { scanResultValidator } from '../helpers/schema.ts';
import { tempDir } from '../helpers/tmp.ts';

const repo = new URL('../../', import.meta.url).pathname;
const tmp = tempDir('k8s-audit-static-');

function write(path: string, text: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const POD = (name: string, ns = 'apps', extra = '') => `apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: ${ns} }
spec:
  containers: [{ name: c, image: registry.example/${name}:1.0${extra} }]
`;

const APISERVER = `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
  labels: { component: kube-apiserver, tier: control-plane }
spec:
  hostNetwork: true
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.37.1
    command: [kube-apiserver, --anonymous-auth=true, --authorization-mode=Node,RBAC, --profiling=false]
`;

async function staticScan(args: string[], stdin?: string): Promise<{ code: number; result: ScanResult; stderr: string }> {
  if (stdin === undefined) {
    const r = await runCli(['scan', ...args, '--format', 'json']);
    return { code: r.code, result: r.stdout ? (JSON.parse(r.stdout) as ScanResult) : (undefined as never), stderr: r.stderr };
  }
  const input = new PassThrough();
  input.end(stdin);
  const out = new PassThrough() as unknown as NodeJS.WriteStream;
  const err = new PassThrough() as unknown as NodeJS.WriteStream;
  const chunks: Buffer[] = [];
  const errs: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  err.on('data', (c: Buffer) => errs.push(c));
  const code = await main(['node', 'k8s-audit', 'scan', ...args, '--format', 'json'], { stdout: out, stderr: err, stdin: input });
  return { code, result: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ScanResult, stderr: Buffer.concat(errs).toString('utf8') };
}

describe('reading manifests', () => {
  it('multi-document files, List kinds (nested), empty documents', () => {
    const objects = parseManifests(
      `${POD('a')}---\n---\napiVersion: v1\nkind: List\nitems:\n- ${POD('b').replace(/\n/g, '\n  ')}\n- apiVersion: v1\n  kind: PodList\n  items:\n  - ${POD('c').replace(/\n/g, '\n    ')}`,
      'x.yaml',
    );
    expect(objects.map((o) => o.metadata.name)).toEqual(['a', 'b', 'c']);
  });

  it('directory trees, sorted, YAML and JSON only; a kustomization directory is built, not walked', () => {
    const dir = join(tmp, 'tree');
    write(join(dir, 'b.yaml'), POD('b'));
    write(join(dir, 'a', 'one.yml'), POD('a1'));
    write(join(dir, 'a', 'two.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a2', namespace: 'apps' }, spec: { containers: [{ name: 'c', image: 'x' }] } }));
    write(join(dir, 'a', 'README.md'), '# not a manifest\n');
    write(join(dir, 'k', 'kustomization.yaml'), 'resources: [pod.yaml]\n');
    write(join(dir, 'k', 'pod.yaml'), POD('k1'));
    write(join(dir, 'k', 'unlisted.yaml'), POD('never-read'));
    expect(readManifests(dir).map((o) => o.metadata.name)).toEqual(['a1', 'a2', 'b', 'k1']);
  });

  it('UTF-16 with a byte-order mark (PowerShell\'s >) and streams of JSON objects, as kubectl reads them', () => {
    const utf16 = join(tmp, 'utf16.yaml');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(POD('u16'), 'utf16le')]));
    expect(readManifests(utf16).map((o) => o.metadata.name)).toEqual(['u16']);
    const pod = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'apps' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } }, null, 1);
    const stream = write(join(tmp, 'stream.json'), `${pod('j1')}\n${pod('j2')}{"apiVersion":"v1","kind":"List","items":[${pod('j3')}]}\n`);
    const objects = readManifests(stream);
    expect(objects.map((o) => o.metadata.name)).toEqual(['j1', 'j2', 'j3']);
    // Lines still point into the file: j2 starts where j1 ends, plus one.
    const j1Lines = pod('j1').split('\n').length;
    const bad = write(join(tmp, 'stream-bad.json'), `${pod('j1')}\n${pod('j2').replace('"x:1"', '1.5')}`);
    expect(() => readManifests(bad)).toThrow(new RegExp(`stream-bad\\.json:${j1Lines + 1 + pod('j2').split('\n').findIndex((l) => l.includes('"image"'))}: Pod apps/j2: spec\\.containers\\[0\\]\\.image must be a string`));
  });

  it('a directory walk skips, and says so, a pipe named like a manifest and a linked directory', () => {
    const dir = join(tmp, 'walk');
    write(join(dir, 'pod.yaml'), POD('w'));
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
    const elsewhere = join(tmp, 'elsewhere');
    write(join(elsewhere, 'hidden.yaml'), POD('hidden'));
    symlinkSync(elsewhere, join(dir, 'linked'));
    const warnings: string[] = [];
    expect(readManifests(dir, (w) => warnings.push(w)).map((o) => o.metadata.name)).toEqual(['w']);
    expect(warnings).toEqual([
      `${join(dir, 'fifo.yaml')} is not a regular file (a pipe, socket or device): skipped`,
      `${join(dir, 'linked')} is a symbolic link to a directory, which is not followed (as kubectl apply -R does not): give it to -f to scan it`,
    ]);
  });

  it('errors name the file and the line', () => {
    const bad = write(join(tmp, 'bad.yaml'), `${POD('a')}---\nkind: [unclosed\n`);
    expect(() => readManifests(bad)).toThrow(UsageError);
    expect(() => readManifests(bad)).toThrow(/bad\.yaml:\d+: invalid YAML/);
    const notObject = write(join(tmp, 'values.yaml'), 'replicas: 3\n');
    expect(() => readManifests(notObject)).toThrow(/values\.yaml:1: a document lacks apiVersion, kind and metadata\.name/);
    expect(() => readManifests(join(tmp, 'nope'))).toThrow(/no such file or directory/);
  });

  it('--namespace and --exclude-namespace keep or drop namespaced objects and Namespaces', () => {
    const f = write(join(tmp, 'ns.yaml'), `apiVersion: v1\nkind: Namespace\nmetadata: { name: apps }\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: other }\n---\n${POD('a')}---\n${POD('o', 'other')}`);
    const only = snapshotFromFiles([f], { namespaces: ['apps'] });
    expect(only.list('pods').map((p) => p.metadata.name)).toEqual(['a']);
    expect(only.list('namespaces').map((n) => n.metadata.name)).toEqual(['apps']);
    const without = snapshotFromFiles([f], { excludeNamespaces: ['apps'] });
    expect(without.list('pods').map((p) => p.metadata.name)).toEqual(['o']);
  });
});

describe('reading manifests as kubectl applies them', () => {
  const results = (r: { stdout: string }) => (JSON.parse(r.stdout) as ScanResult).results;
  const status = (r: { stdout: string }, control: string, name: string) =>
    results(r).filter((x) => x.controlId === control && x.subject.name === name).map((x) => x.status);

  it('YAML 1.1, as kubectl reads it: yes/on are true, << merges, 0777 is octal; timestamps and 1:30 stay strings', async () => {
    const f = write(
      join(tmp, 'yaml11.yaml'),
      `apiVersion: v1
kind: Pod
metadata: { name: yes-pod, namespace: apps, annotations: { at: 2024-01-01, span: 1:30 } }
spec:
  hostNetwork: yes
  hostPID: on
  volumes: [{ name: v, secret: { secretName: s, defaultMode: 0777 } }]
  containers:
    - name: c
      image: registry.example/a:1.0
      securityContext:
        <<: &priv { privileged: true }
`,
    );
    const [pod] = readManifests(f) as any[];
    expect(pod.spec.hostNetwork).toBe(true);
    expect(pod.spec.hostPID).toBe(true);
    expect(pod.spec.volumes[0].secret.defaultMode).toBe(0o777);
    expect(pod.spec.containers[0].securityContext).toEqual({ privileged: true });
    expect(pod.metadata.annotations).toEqual({ at: '2024-01-01', span: '1:30' });
    const r = await runCli(['scan', '-f', f, '--format', 'json', '--include-passes', '--controls', 'pod-privileged,pod-host-namespaces']);
    expect(status(r, 'pod-privileged', 'yes-pod')).toEqual(['fail']);
    expect(status(r, 'pod-host-namespaces', 'yes-pod')).toEqual(['fail', 'fail']);
  });

  it('an alias to another document or past the alias limit is one line and exit 2', async () => {
    const f = write(join(tmp, 'alias.yaml'), `${POD('a')}x: &anchor 1\n---\n${POD('b')}y: *anchor\n`);
    const r = await runCli(['scan', '-f', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^k8s-audit: .*alias\.yaml(:\d+)?: invalid YAML: [^\n]+\n$/);
  });

  it('objects of kinds it does not check are named when they could hide a finding: containers, or a checked kind of another API group', async () => {
    const f = write(
      join(tmp, 'foreign.yaml'),
      `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: { name: web, namespace: shop }
spec: { template: { spec: { containers: [{ name: c, image: web:1, securityContext: { privileged: true } }] } } }
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: deny-all, namespace: shop }
spec: { selector: all(), types: [Ingress, Egress] }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: web, namespace: shop }
spec: { minAvailable: 1 }
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata: { name: old, namespace: shop }
spec: { template: { spec: { containers: [{ name: c, image: old:1 }] } } }
---
${POD('p', 'shop')}`,
    );
    const r = await runCli(['scan', '-f', f, '--format', 'json', '--include-passes', '--controls', 'workload-network-isolation,pod-privileged']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `k8s-audit: warning: 2 object(s) not scanned: their kind (or its API group) is not one k8s-audit checks, and their containers or rules go unchecked: Rollout argoproj.io/v1alpha1 shop/web (${f}:1); NetworkPolicy projectcalico.org/v3 shop/deny-all (${f}:6)\n`,
    );
    // The Calico policy is not read as a Kubernetes NetworkPolicy that isolates every pod.
    expect(status(r, 'workload-network-isolation', 'p')).toEqual(['fail', 'fail']);
    // A Deployment of the old extensions group is still a Deployment.
    expect(status(r, 'pod-privileged', 'old')).toEqual(['pass']);
  });

  it('a cluster-scoped object loses the namespace it gives, as the API server ignores it: -n and --exclude-namespace keep it', async () => {
    const f = write(
      join(tmp, 'crb.yaml'),
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: team-admin, namespace: team-a }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [{ kind: ServiceAccount, name: deployer, namespace: team-a }]
---
${POD('p', 'team-b')}`,
    );
    for (const scope of [['-n', 'team-b'], ['--exclude-namespace', 'team-a'], []]) {
      const r = await runCli(['scan', '-f', f, ...scope, '--format', 'json', '--controls', 'rbac-cluster-admin-binding']);
      expect(results(r).map((x) => [x.status, x.subject]), scope.join(' ')).toEqual([
        ['fail', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'team-admin' }],
      ]);
    }
  });

  it('with one -n, objects without a namespace are in it, as with kubectl apply -n; without, in default', () => {
    const f = write(join(tmp, 'helm-out.yaml'), `apiVersion: v1\nkind: Pod\nmetadata: { name: app }\nspec: { containers: [{ name: c, image: a:1 }] }\n`);
    expect(snapshotFromFiles([f], { namespaces: ['prod'] }).list('pods').map((p) => p.metadata.namespace)).toEqual(['prod']);
    expect(snapshotFromFiles([f]).list('pods').map((p) => p.metadata.namespace)).toEqual(['default']);
  });

  it('objects of the same generateName are each scanned (kubectl create makes each)', async () => {
    const job = (privileged: boolean) =>
      `apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: migrate-, namespace: apps}\nspec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: m:1, securityContext: {privileged: ${privileged}}}]}}}\n`;
    const f = write(join(tmp, 'hooks.yaml'), `${job(true)}---\n${job(false)}`);
    const r = await runCli(['scan', '-f', f, '--format', 'json', '--include-passes', '--controls', 'pod-privileged']);
    expect(r.stderr).toBe('');
    expect(results(r).map((x) => [x.subject.name, x.status]).sort()).toEqual([['migrate-#2', 'pass'], ['migrate-', 'fail']]);
  });

  it('a static scan with -n leaves what needs the other namespaces not assessed, as a live one does', async () => {
    // The ServiceAccount's only grant is a RoleBinding in another namespace of the files.
    const f = write(
      join(tmp, 'static-n.yaml'),
      `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: runner, namespace: app}\n---\n` +
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: runner, namespace: app}\nspec: {selector: {matchLabels: {a: r}}, template: {metadata: {labels: {a: r}}, spec: {serviceAccountName: runner, containers: [{name: c, image: r:1}]}}}\n---\n` +
        `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: secrets, namespace: other}\nrules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]\n---\n` +
        `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: runner-secrets, namespace: other}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: secrets}\nsubjects: [{kind: ServiceAccount, name: runner, namespace: app}]\n`,
    );
    const controls = ['--controls', 'rbac-workload-token-risk,pod-automount-token', '--format', 'json', '--include-passes'];
    const all = await runCli(['scan', '-f', f, ...controls]);
    expect(results(all).map((x) => [x.controlId, x.status]).sort()).toEqual([['pod-automount-token', 'pass'], ['rbac-workload-token-risk', 'fail']]);
    const scoped = await runCli(['scan', '-f', f, '-n', 'app', ...controls]);
    expect(results(scoped).map((x) => [x.controlId, x.status]).sort()).toEqual([['pod-automount-token', 'not-assessed'], ['rbac-workload-token-risk', 'not-assessed']]);
  });

  it('an object given twice is scanned once, as its later copy, and said', async () => {
    const deny = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: default, namespace: apps }\nspec: { podSelector: {}, policyTypes: [Ingress, Egress] }\n`;
    const narrow = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: default, namespace: apps }\nspec: { podSelector: { matchLabels: { app: db } }, policyTypes: [Ingress, Egress] }\n`;
    const f = write(join(tmp, 'twice.yaml'), `${deny}---\n${POD('a')}---\n${narrow}`);
    const r = await runCli(['scan', '-f', f, '--format', 'json', '--include-passes', '--controls', 'workload-network-isolation']);
    expect(r.stderr).toBe(
      `k8s-audit: warning: 1 object(s) given more than once; each is scanned once, as its later copy (what applying the files in order leaves): NetworkPolicy networking.k8s.io/v1 apps/default (${f}:12), also ${f}:1\n`,
    );
    expect(status(r, 'workload-network-isolation', 'a')).toEqual(['fail', 'fail']);
  });
});

describe("k8s-audit's kustomize subset", () => {
  it('resources (files and nested kustomizations), JSON 6902 patches and images, in that order', () => {
    const base = join(tmp, 'kz', 'base');
    write(join(base, 'kustomization.yaml'), 'resources:\n- pod.yaml\n');
    write(join(base, 'pod.yaml'), POD('p', 'apps'));
    const overlay = join(tmp, 'kz', 'overlay');
    write(
      join(overlay, 'kustomization.yaml'),
      `resources: [../base, extra.yaml]
patches:
- target: { kind: Pod, name: p }
  patch: |-
    - op: add
      path: /spec/containers/0/args
      value: [--flag]
    - op: add
      path: /metadata/labels
      value: { tier: web }
- target: { kind: Pod, name: q }
  path: q-patch.yaml
images:
- name: registry.example/p
  newName: mirror.example/p
  newTag: "2.0"
- name: registry.example/q
  digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
`,
    );
    write(join(overlay, 'extra.yaml'), POD('q', 'apps'));
    write(join(overlay, 'q-patch.yaml'), '- op: remove\n  path: /metadata/namespace\n');
    const objects = buildKustomization(overlay, parseManifests);
    const p = objects.find((o) => o.metadata.name === 'p')!;
    expect((p.spec as any).containers[0].args).toEqual(['--flag']);
    expect((p.spec as any).containers[0].image).toBe('mirror.example/p:2.0');
    expect(p.metadata.labels).toEqual({ tier: 'web' });
    const q = objects.find((o) => o.metadata.name === 'q')!;
    expect(q.metadata.namespace).toBeUndefined();
    expect((q.spec as any).containers[0].image).toBe('registry.example/q@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef');
    // The base is untouched by the overlay's patches.
    expect((buildKustomization(base, parseManifests)[0]!.spec as any).containers[0].image).toBe('registry.example/p:1.0');
  });

  it('says what it does not support instead of skipping it', () => {
    const dir = join(tmp, 'kz', 'unsupported');
    write(join(dir, 'kustomization.yaml'), 'resources: [pod.yaml]\nnamespace: other\n');
    write(join(dir, 'pod.yaml'), POD('p'));
    expect(() => buildKustomization(dir, parseManifests)).toThrow(/"namespace" is beyond k8s-audit's kustomize subset .*kubectl kustomize/);
    const smp = join(tmp, 'kz', 'smp');
    write(join(smp, 'kustomization.yaml'), 'resources: [pod.yaml]\npatches:\n- target: { kind: Pod }\n  patch: |-\n    metadata: { labels: { a: b } }\n');
    write(join(smp, 'pod.yaml'), POD('p'));
    expect(() => buildKustomization(smp, parseManifests)).toThrow(/only JSON 6902 patches/);
    const miss = join(tmp, 'kz', 'miss');
    write(join(miss, 'kustomization.yaml'), 'resources: [pod.yaml]\npatches:\n- target: { kind: Deployment }\n  patch: "[]"\n');
    write(join(miss, 'pod.yaml'), POD('p'));
    expect(() => buildKustomization(miss, parseManifests)).toThrow(/the target matches no resource/);
    // A selector narrows the patch to some objects: applied to all of them, it would un-privilege what kustomize leaves privileged.
    const selector = join(tmp, 'kz', 'selector');
    write(join(selector, 'kustomization.yaml'), 'resources: [pod.yaml]\npatches:\n- target: { kind: Pod, labelSelector: "app=frontend" }\n  patch: "[]"\n');
    write(join(selector, 'pod.yaml'), POD('p'));
    expect(() => buildKustomization(selector, parseManifests)).toThrow(/target\.labelSelector is beyond k8s-audit's kustomize subset/);
    // Remote bases, with a scheme or without one (as kustomize's own docs write them), are named as such.
    for (const r of ['https://github.com/org/repo//deploy?ref=v1', 'github.com/kubernetes-sigs/kustomize//examples/multibases?ref=v1.0.6', 'git@github.com:org/repo.git']) {
      const remote = join(tmp, 'kz', `remote-${r.length}`);
      write(join(remote, 'kustomization.yaml'), `resources: ["${r}"]\n`);
      expect(() => buildKustomization(remote, parseManifests), r).toThrow(new RegExp(`remote resource .* is beyond k8s-audit's kustomize subset; render it with \`kubectl kustomize`));
    }
    // A local path that is missing is still a missing file, a directory with a dot in its name too (app.d/, v1.2/).
    for (const r of ['base/pod.yaml', 'app.d/deploy.yaml', 'v1.2/pod.yaml', 'config.example.com/pod.yaml']) {
      const missing = join(tmp, 'kz', `missing-${r.replace(/\W/g, '-')}`);
      write(join(missing, 'kustomization.yaml'), `resources: [${r}]\n`);
      expect(() => buildKustomization(missing, parseManifests), r).toThrow(new RegExp(`resource ${r.replace(/\./g, '\\.')} not found$`));
    }
    // Remote targets as kustomize reads them without a scheme: a repository root marked by //, .git, _git/ or a ref, or a known forge.
    for (const r of ['gitlab.example.com/org/repo.git//deploy', 'dev.azure.com/org/project/_git/repo/deploy', 'example.com/org/repo//deploy', 'github.com/org/repo/deploy', 'gitlab.com/org/repo/deploy', 'example.com/org/repo/deploy?version=v2']) {
      const remote = join(tmp, 'kz', `remote-${r.replace(/\W/g, '-')}`);
      write(join(remote, 'kustomization.yaml'), `resources: ["${r}"]\n`);
      expect(() => buildKustomization(remote, parseManifests), r).toThrow(/remote resource .* is beyond k8s-audit's kustomize subset/);
    }
  });

  it('RFC 6902 operations: add (also "-" and inside arrays), remove, replace, test, ~ escapes', () => {
    const doc: Record<string, unknown> = { a: { 'b/c': 1, 'd~e': 2 }, list: [1, 3] };
    applyOp(doc, { op: 'add', path: '/list/1', value: 2 });
    applyOp(doc, { op: 'add', path: '/list/-', value: 4 });
    applyOp(doc, { op: 'replace', path: '/a/b~1c', value: 10 });
    applyOp(doc, { op: 'remove', path: '/a/d~0e' });
    applyOp(doc, { op: 'test', path: '/list/0', value: 1 });
    expect(doc).toEqual({ a: { 'b/c': 10 }, list: [1, 2, 3, 4] });
    expect(() => applyOp(doc, { op: 'replace', path: '/missing', value: 1 })).toThrow(/no such member/);
    expect(() => applyOp(doc, { op: 'test', path: '/list/0', value: 2 })).toThrow(/test failed/);
    expect(() => applyOp(doc, { op: 'add', path: '/x/y', value: 1 })).toThrow(/no such path/);
  });

  it('image references split at the tag and digest, not at a registry port', () => {
    expect(splitImage('localhost:5000/app:1.2@sha256:ab')).toEqual({ name: 'localhost:5000/app', tag: '1.2', digest: 'sha256:ab' });
    expect(splitImage('localhost:5000/app')).toEqual({ name: 'localhost:5000/app' });
    expect(splitImage('nginx')).toEqual({ name: 'nginx' });
  });
});

describe('static mode: controls that need a live cluster are visibly not-applicable', () => {
  const demo = join(repo, 'test/scenarios/demo');
  const result = evaluateSnapshot(snapshotFromFiles([demo]), { controls: allControls() }, new Date('2026-01-01T00:00:00Z'));
  const byId = new Map(result.controls.map((c) => [c.id, c]));
  const wholeMessage = (id: string) => result.results.find((r) => r.controlId === id && r.subject.kind === 'Cluster')?.message;

  it('no control is left not-assessed as a whole but the manual ones: each is assessed or says why not', () => {
    const manual = new Set(allControls().filter((c) => c.meta.manual).map((c) => c.meta.id));
    // Single subjects may be not-assessed with their own reason (a binding whose role is not among the files).
    const wholeNotAssessed = result.results.filter((r) => r.status === 'not-assessed' && r.subject.kind === 'Cluster').map((r) => r.controlId);
    expect(wholeNotAssessed.filter((id) => !manual.has(id))).toEqual([]);
    for (const c of result.controls.filter((x) => x.status === 'not-applicable')) {
      const rs = result.results.filter((r) => r.controlId === c.id);
      expect(rs.length, `${c.id} has a result saying why`).toBeGreaterThan(0);
    }
  });

  it('needsCluster controls: not-applicable with their reason', () => {
    for (const c of allControls().filter((x) => x.meta.static && 'needsCluster' in x.meta.static)) {
      expect(byId.get(c.meta.id)?.status, c.meta.id).toBe('not-applicable');
      expect(wholeMessage(c.meta.id)).toBe(`Static scan: ${(c.meta.static as { needsCluster: string }).needsCluster}`);
    }
    expect(wholeMessage('rbac-dangling-binding')).toMatch(/^Static scan: the role or ServiceAccount a binding references may exist in the cluster/);
    expect(byId.get('kubelet-anonymous-auth')?.status).toBe('not-applicable');
    expect(byId.get('version-supported')?.status).toBe('not-applicable');
  });

  it('container-level, per-object RBAC and per-policy network controls are assessed on the files', () => {
    for (const id of ['pod-privileged', 'pss-restricted-seccomp', 'pod-image-tag-latest', 'rbac-wildcard', 'rbac-cluster-admin-binding', 'netpol-allow-all']) {
      const c = byId.get(id)!;
      expect(c.counts.pass + c.counts.fail, id).toBeGreaterThan(0);
    }
  });

  it('control-plane flag controls: not-applicable without the static pod manifest, assessed with it', () => {
    expect(wholeMessage('apiserver-anonymous-auth')).toMatch(/^Static scan: no kube-apiserver static pod manifest \(kubeadm: \/etc\/kubernetes\/manifests\/kube-apiserver\.yaml\) is among the files/);
    const f = write(join(tmp, 'manifests', 'kube-apiserver.yaml'), APISERVER);
    const r = evaluateSnapshot(snapshotFromFiles([f]), { controls: allControls() });
    const anon = r.results.filter((x) => x.controlId === 'apiserver-anonymous-auth');
    expect(anon).toHaveLength(1);
    expect(anon[0]).toMatchObject({ status: 'fail', subject: { kind: 'Pod', namespace: 'kube-system', name: 'kube-apiserver' } });
    expect(r.results.find((x) => x.controlId === 'apiserver-profiling')?.status).toBe('pass');
    // The scheduler's manifest is not there: its controls are not-applicable, not not-assessed.
    expect(r.controls.find((c) => c.id === 'scheduler-profiling')?.status).toBe('not-applicable');
  });

  it('a control with nothing to check in the files says so', () => {
    const f = write(join(tmp, 'only-pod.yaml'), POD('a', 'apps', ', securityContext: { privileged: true }'));
    const r = evaluateSnapshot(snapshotFromFiles([f]), { controls: allControls() });
    expect(r.results.find((x) => x.controlId === 'rbac-wildcard')).toMatchObject({ status: 'not-applicable', message: 'Static scan: the files hold nothing this control checks (it reads Role, RoleBinding, ClusterRole, ClusterRoleBinding).' });
    expect(r.controls.find((c) => c.id === 'pod-privileged')?.status).toBe('fail');
  });
});

describe('static mode: RBAC the files do not hold is unknown, not absent', () => {
  const BOUND = `apiVersion: v1
kind: ServiceAccount
metadata: {name: deployer, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deployer-admin, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
subjects: [{kind: ServiceAccount, name: deployer, namespace: shop}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {serviceAccountName: deployer, containers: [{name: web, image: nginx:1.27}]}
`;
  const tokenRisk = (yaml: string) =>
    evaluateSnapshot(snapshotFromFiles([write(join(tmp, `token-risk-${yaml.length}.yaml`), yaml)]), { controls: selectControls(['rbac-workload-token-risk']) }).results;

  it('rbac-workload-token-risk: a ServiceAccount bound to a role that is not among the files is not assessed', () => {
    const [r] = tokenRisk(BOUND);
    expect(r).toMatchObject({ status: 'not-assessed', subject: { kind: 'Deployment', name: 'web' } });
    expect(r!.message).toBe('ServiceAccount shop/deployer: ClusterRole admin is not among the scanned files, so what RoleBinding deployer-admin grants is unknown.');
  });

  it('an aggregated ClusterRole among the files is filled from the ClusterRoles its selectors pick, as the controller fills it', () => {
    const AGG = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {example.com/agg: "true"}}]}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: nested, labels: {example.com/agg: "true"}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {example.com/inner: "true"}}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: src, labels: {example.com/inner: "true"}}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: bob-agg}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agg}
subjects: [{kind: User, name: bob, apiGroup: rbac.authorization.k8s.io}]
`;
    const scan = (yaml: string) =>
      evaluateSnapshot(snapshotFromFiles([write(join(tmp, `agg-${yaml.length}.yaml`), yaml)]), { controls: selectControls(['rbac-secrets-read']) }).results;
    // Through nested (itself aggregated), agg holds src's rule: bob reads Secrets everywhere.
    expect(scan(AGG).map((r) => [r.status, r.subject.name])).toEqual([['fail', 'bob-agg']]);
    // Without src, agg holds nothing the files show, but the cluster may hold more labelled ClusterRoles: not assessed.
    const [unknown] = scan(AGG.split('---').filter((d) => !d.includes('name: src,')).join('---'));
    expect(unknown).toMatchObject({ status: 'not-assessed', subject: { name: 'bob-agg' } });
    expect(unknown!.message).toContain('ClusterRole agg aggregates the rules of every ClusterRole its selectors pick');
  });

  it('with the role among the files, it is judged', () => {
    const role = `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: admin}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list]}]
`;
    expect(tokenRisk(BOUND + role).map((r) => r.status)).toEqual(['fail']);
  });
});

describe('scan -f', () => {
  it('reads files, directories and standard input; the result says so and validates', async () => {
    const f = write(join(tmp, 'cli', 'a.yaml'), POD('a', 'apps', ', securityContext: { privileged: true }'));
    const { code, result } = await staticScan(['-f', f, '-f', '-', '--controls', 'pod-privileged', '--fail-on', 'critical'], POD('b', 'apps'));
    expect(code).toBe(1);
    expect(result.scan.source).toBe('manifests');
    expect(result.scan.files).toEqual([f, '-']);
    expect(result.scan.collection.every((c) => c.state === 'static')).toBe(true);
    // Passes are counted by default, listed with --include-passes.
    expect(result.results.map((r) => `${r.subject.name}:${r.status}`).sort()).toEqual(['a:fail']);
    expect(result.passes).toEqual([{ controlId: 'pod-privileged', namespace: 'apps', count: 1 }]);
    const validate = scanResultValidator();
    expect(validate(JSON.parse(JSON.stringify(result)))).toBe(true);
    const listed = await staticScan(['-f', f, '-f', '-', '--controls', 'pod-privileged', '--include-passes'], POD('b', 'apps'));
    expect(listed.result.results.map((r) => `${r.subject.name}:${r.status}`).sort()).toEqual(['a:fail', 'b:pass']);
    expect(listed.result.passes).toBeUndefined();
    expect(listed.result.summary).toEqual(result.summary);
    expect(validate(JSON.parse(JSON.stringify(listed.result)))).toBe(true);
  });

  it('rejects flags that read a live cluster, and a missing path, with exit 2 and one line', async () => {
    const f = write(join(tmp, 'cli', 'b.yaml'), POD('b'));
    for (const flag of [['--kubeconfig', '/x'], ['--context', 'prod'], ['--kubelet'], ['--disable-compression']]) {
      const r = await runCli(['scan', '-f', f, ...flag]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`k8s-audit: ${flag[0]} reads a live cluster; it cannot be combined with -f (a static scan of manifests)\n`);
    }
    const missing = await runCli(['scan', '-f', join(tmp, 'nothing-here')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`k8s-audit: no such file or directory: ${join(tmp, 'nothing-here')}\n`);
  });

  it('never a silent empty scan: files with no object, or a namespace filter that leaves none, exit 2 with one line', async () => {
    const empty = write(join(tmp, 'empty.yaml'), '');
    const dir = join(tmp, 'empty-dir');
    mkdirSync(dir, { recursive: true });
    for (const args of [['-f', empty], ['-f', dir]]) {
      const r = await runCli(['scan', ...args, '--fail-on', 'info']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^k8s-audit: no Kubernetes object in .+: nothing to scan\n$/);
    }
    // Standard input with nothing on it: what a failing `helm template … |` gives.
    const input = new PassThrough();
    input.end('');
    const err = new PassThrough() as unknown as NodeJS.WriteStream;
    const errs: Buffer[] = [];
    err.on('data', (c: Buffer) => errs.push(c));
    const code = await main(['node', 'k8s-audit', 'scan', '-f', '-', '--fail-on', 'info'], { stdout: new PassThrough() as unknown as NodeJS.WriteStream, stderr: err, stdin: input });
    expect(code).toBe(2);
    expect(Buffer.concat(errs).toString('utf8')).toBe('k8s-audit: no Kubernetes object in standard input: nothing to scan\n');
    const pod = write(join(tmp, 'one-pod.yaml'), POD('a', 'apps', ''));
    const r = await runCli(['scan', '-f', pod, '-n', 'typo', '--fail-on', 'info']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`k8s-audit: -n typo leaves none of the 1 object(s) k8s-audit checks in ${pod}: nothing to scan\n`);
    // Only kinds no control reads, one of which holds containers (a custom workload): passing would pass it unseen.
    const custom = write(
      join(tmp, 'custom.yaml'),
      'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: prod}\nspec: {template: {spec: {containers: [{name: c, image: w:1}]}}}\n---\napiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g, namespace: prod}\n',
    );
    const c = await runCli(['scan', '-f', custom, '--fail-on', 'info']);
    expect(c.code).toBe(2);
    expect(c.stderr).toBe(
      `k8s-audit: warning: 1 object(s) not scanned: their kind (or its API group) is not one k8s-audit checks, and their containers or rules go unchecked: Widget example.com/v1 prod/w (${custom}:1)\n` +
        `k8s-audit: the 2 object(s) in ${custom} are of kinds k8s-audit does not check (Gadget, Widget): nothing to scan\n`,
    );
    // Only kinds with nothing to judge (a PodDisruptionBudget, a PriorityClass): said, and the scan goes on, empty.
    const inert = write(
      join(tmp, 'inert.yaml'),
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p, namespace: prod}\nspec: {minAvailable: 1}\n---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n',
    );
    const i = await runCli(['scan', '-f', inert, '--fail-on', 'info', '--format', 'json']);
    expect(i.code).toBe(0);
    expect(i.stderr).toBe(`k8s-audit: warning: the 2 object(s) in ${inert} are of kinds k8s-audit does not check (PodDisruptionBudget, PriorityClass), none of which holds containers: no control has anything to judge\n`);
    const nothing = JSON.parse(i.stdout) as ScanResult;
    expect(nothing.results.every((x) => x.status === 'not-applicable' || x.status === 'not-assessed')).toBe(true);
    expect(nothing.summary.score).toBeNull();
  });

  it('a name with a lone UTF-16 surrogate (possible in JSON) still gives every format, SARIF included', async () => {
    const f = write(
      join(tmp, 'surrogate.json'),
      '{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a\\ud800b","namespace":"ns"},"spec":{"containers":[{"name":"c","image":"i:1","securityContext":{"privileged":true}}]}}]}',
    );
    const out = join(tmp, 'surrogate-out');
    const r = await runCli(['scan', '-f', f, '--format', 'sarif,json,html,md,junit,summary', '-o', out]);
    expect(r.stderr).not.toMatch(/cannot write|internal error/);
    expect(r.code).toBe(0);
    // Made well-formed on reading (U+FFFD), as the API server would store it: strict JSON readers (jq) refuse a lone surrogate.
    for (const file of ['report.sarif', 'scan.json']) expect(readFileSync(join(out, file), 'utf8'), file).not.toMatch(/\\ud[89ab]/i);
    const scan = JSON.parse(readFileSync(join(out, 'scan.json'), 'utf8')) as ScanResult;
    expect(scan.results.find((x) => x.controlId === 'pod-privileged')!.subject.name).toBe('a\uFFFDb');
    const sarif = JSON.parse(readFileSync(join(out, 'report.sarif'), 'utf8'));
    expect(sarif.runs[0].results[0].locations[0].logicalLocations[0].name).toBe('a\uFFFDb');
    expect(readdirSync(out).sort()).toEqual(['report.html', 'report.junit.xml', 'report.md', 'report.sarif', 'report.summary.md', 'scan.json']);
  });

  it('names the file and line of each object (scan.sources), and SARIF puts each finding there', async () => {
    const rel = 'test/scenarios/demo';
    const out = join(tmp, 'sources-out');
    const r = await runCli(['scan', '-f', rel, '--format', 'sarif,json,html,summary', '-o', out]);
    expect(r.code).toBe(0);
    const file = `${rel}/21-workloads-payments.yaml`;
    const lines = readFileSync(join(repo, file), 'utf8').split('\n');
    // The line the StatefulSet's document starts on: the first line after its '---' that is neither blank nor a comment.
    let start = lines.findIndex((l, i) => l === 'kind: StatefulSet' && lines[i + 2] === '  name: ledger');
    expect(start).toBeGreaterThan(0);
    while (start > 0 && lines[start - 1] !== '---') start--;
    while (/^\s*(#.*)?$/.test(lines[start]!)) start++;
    const scan = JSON.parse(readFileSync(join(out, 'scan.json'), 'utf8')) as ScanResult;
    expect(scanResultValidator()(scan)).toBe(true);
    expect(scan.scan.sources!['StatefulSet/payments/ledger']).toEqual({ file, line: start + 1 });
    expect(Object.keys(scan.scan.sources!).length).toBeGreaterThan(20);
    const sarif = JSON.parse(readFileSync(join(out, 'report.sarif'), 'utf8'));
    let placed = 0;
    for (const x of sarif.runs[0].results) {
      const s = x.properties.subject;
      const at = scan.scan.sources![`${s.kind}/${s.namespace ?? ''}/${s.name}`];
      if (!at) continue;
      placed++;
      expect(x.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: at.file }, region: { startLine: at.line } });
      expect(at.file.startsWith(`${rel}/`)).toBe(true);
    }
    expect(placed).toBe(sarif.runs[0].results.filter((x: any) => x.properties.subject.kind !== 'Cluster').length);
    expect(placed).toBeGreaterThan(20);
    // The reports name the file and line beside the subject.
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(`StatefulSet payments/ledger (${file}:${start + 1})`);
    // And the CI digest's first subjects of each failing control, what a pull-request comment shows.
    expect(readFileSync(join(out, 'report.summary.md'), 'utf8')).toMatch(/`[A-Za-z]+ [a-z0-9-]+\/[a-z0-9-]+ \(test\/scenarios\/demo\/[0-9a-z-]+\.yaml:\d+\)`/);
  });

  it('does not split -f paths on commas', async () => {
    const f = write(join(tmp, 'cli', 'a,b.yaml'), POD('c'));
    const { code, result } = await staticScan(['-f', f, '--controls', 'pod-privileged']);
    expect(code).toBe(0);
    expect(result.scan.files).toEqual([f]);
  });
});
