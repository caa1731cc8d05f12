import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { ScanResult } from '../../src/engine/result.ts';
import { runCli } from '../helpers/io.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir('k8s-audit-validation-');
let n = 0;

function write(text: string): string {
  const path = join(tmp, `m${n++}.yaml`);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const REFUSED = '; the API server would refuse this object';

const pod = (spec: string, meta = '{name: web, namespace: shop}') => `apiVersion: v1
kind: Pod
metadata: ${meta}
spec:
${spec}`;
const C = '  containers: [{name: c, image: nginx:1.25}]\n';

/** Scan one file; stderr is the one line `k8s-audit: <message>` of a usage error. */
async function scan(text: string): Promise<{ code: number; file: string; stderr: string; stdout: string }> {
  const file = write(text);
  const r = await runCli(['scan', '-f', file, '--format', 'json', '-q']);
  return { ...r, file };
}

async function expectRefused(text: string, message: string): Promise<void> {
  const r = await scan(text);
  expect(r.stderr).toBe(`k8s-audit: ${r.file}:${message}\n`);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
}

async function expectScanned(text: string): Promise<ScanResult> {
  const r = await scan(text);
  expect(r.stderr).toBe('');
  expect([0, 1]).toContain(r.code);
  return JSON.parse(r.stdout) as ScanResult;
}

describe('what static mode refuses, as the API server would', () => {
  it('the identity of a document: which of apiVersion, kind and metadata.name it lacks, with the line', async () => {
    await expectRefused(`${pod(C)}---\nreplicas: 3\n`, '7: a document lacks apiVersion, kind and metadata.name');
    await expectRefused('apiVersion: v1\nkind: Pod\nmetadata:\n  namespace: apps\nspec: {}\n', '3: a Pod lacks metadata.name');
    await expectRefused('kind: Pod\nmetadata: {name: web}\n', '1: a Pod lacks apiVersion');
    // A generated name (Helm's hook Jobs, kubectl create) is scanned under its prefix.
    const hook = await expectScanned(
      'apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\n  namespace: apps\n  annotations: {helm.sh/hook: pre-upgrade}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: m, image: m:1, securityContext: {privileged: true}}]\n',
    );
    expect(hook.results.find((r) => r.controlId === 'pod-privileged')).toMatchObject({ status: 'fail', subject: { kind: 'Job', namespace: 'apps', name: 'migrate-' } });
    await expectRefused('apiVersion: v1\nkind: Pod\nmetadata: {name: 123}\n', '3: a Pod\'s metadata.name must be a string, not the number 123');
    await expectRefused('apiVersion: v1\nkind: List\nitems: null\n', '3: a List\'s items must be a list, not null');
    await expectRefused('- a\n- b\n', '1: a document is not a Kubernetes object (it is a list)');
  });

  it('metadata: namespace a string, labels and annotations maps of strings (YAML 1.1 reads y and on as booleans)', async () => {
    await expectRefused(pod(C, '{name: web, namespace: 5}'), `3: Pod web: metadata.namespace must be a string, not the number 5 (quote it)${REFUSED}`);
    await expectRefused(pod(C, '{name: web, namespace: shop, labels: {app: y}}'), `3: Pod shop/web: metadata.labels.app must be a string, not the boolean true (quote it)${REFUSED}`);
    await expectRefused(pod(C, '{name: web, namespace: shop, annotations: {enabled: on}}'), `3: Pod shop/web: metadata.annotations.enabled must be a string, not the boolean true (quote it)${REFUSED}`);
    await expectRefused(pod(C, '{name: web, namespace: shop, labels: [app]}'), `3: Pod shop/web: metadata.labels must be a map, not a list${REFUSED}`);
  });

  it('workloads: the spec, template and jobTemplate that hold the pod spec', async () => {
    await expectRefused('apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\n', `1: Pod shop/web: spec is required${REFUSED}`);
    await expectRefused('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: null\n', `4: Deployment shop/web: spec must be a map, not null${REFUSED}`);
    await expectRefused('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n', `5: Deployment shop/web: spec.template.spec is required${REFUSED}`);
    await expectRefused(
      'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: backup, namespace: shop}\nspec:\n  schedule: "0 * * * *"\n  jobTemplate: ~\n',
      `6: CronJob shop/backup: spec.jobTemplate must be a map, not null${REFUSED}`,
    );
    await expectRefused(
      'apiVersion: batch/v1\nkind: Job\nmetadata: {name: once, namespace: shop}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: x}]\n',
      `6: Job shop/once: spec.template.spec.restartPolicy is required in a Job's pod template: "OnFailure" or "Never"${REFUSED}`,
    );
  });

  it('containers: a non-empty list of maps, each with a name and an image', async () => {
    await expectRefused(pod('  containers: {name: c, image: nginx}\n'), `5: Pod shop/web: spec.containers must be a list, not a map${REFUSED}`);
    await expectRefused(pod('  containers:\n  -\n  - {name: c, image: nginx}\n'), `6: Pod shop/web: spec.containers[0] must be a map, not null${REFUSED}`);
    await expectRefused(pod('  containers: null\n'), `5: Pod shop/web: spec.containers must be a non-empty list of containers, not null${REFUSED}`);
    await expectRefused(pod('  containers: []\n'), `5: Pod shop/web: spec.containers must be a non-empty list of containers, not an empty list${REFUSED}`);
    await expectRefused(pod('  containers: [{name: c}]\n'), `5: Pod shop/web: spec.containers[0].image is required${REFUSED}`);
    await expectRefused(pod('  containers: [{name: c, image: 1.5}]\n'), `5: Pod shop/web: spec.containers[0].image must be a string, not the number 1.5 (quote it)${REFUSED}`);
    await expectRefused(pod(`${C}  initContainers: [null]\n`), `6: Pod shop/web: spec.initContainers[0] must be a map, not null${REFUSED}`);
  });

  it('the types of the pod and container fields the controls read', async () => {
    await expectRefused(
      pod('  containers:\n  - name: c\n    image: nginx\n    securityContext:\n      privileged: "true"\n'),
      `9: Pod shop/web: spec.containers[0].securityContext.privileged must be a boolean, not the string "true"${REFUSED}`,
    );
    await expectRefused(pod(`${C}  hostNetwork: 1\n`), `6: Pod shop/web: spec.hostNetwork must be a boolean, not the number 1${REFUSED}`);
    await expectRefused(pod(`${C}  securityContext: {runAsUser: "1000"}\n`), `6: Pod shop/web: spec.securityContext.runAsUser must be an integer, not the string "1000"${REFUSED}`);
    await expectRefused(pod(`${C}  securityContext: {runAsUser: -1}\n`), `6: Pod shop/web: spec.securityContext.runAsUser must be an integer from 0 to 2147483647, not -1${REFUSED}`);
    await expectRefused(pod(`${C}  securityContext: {seccompProfile: {}}\n`), `6: Pod shop/web: spec.securityContext.seccompProfile.type is required${REFUSED}`);
    await expectRefused(pod(`${C}  volumes: [null]\n`), `6: Pod shop/web: spec.volumes[0] must be a map, not null${REFUSED}`);
    await expectRefused(pod(`${C}  volumes: [{name: v, emptyDir: {}, hostPath: {path: /etc}}]\n`), `6: Pod shop/web: spec.volumes[0] must have one volume source, not emptyDir and hostPath${REFUSED}`);
    await expectRefused(pod(`${C}  volumes: [{name: v, hostPath: /etc}]\n`), `6: Pod shop/web: spec.volumes[0].hostPath must be a map, not the string "/etc"${REFUSED}`);
    await expectRefused(pod('  containers: [{name: c, image: x, ports: [null]}]\n'), `5: Pod shop/web: spec.containers[0].ports[0] must be a map, not null${REFUSED}`);
    await expectRefused(pod('  containers: [{name: c, image: x, ports: [{containerPort: "80"}]}]\n'), `5: Pod shop/web: spec.containers[0].ports[0].containerPort must be an integer, not the string "80"${REFUSED}`);
    await expectRefused(pod('  containers: [{name: c, image: x, ports: [{containerPort: 80, hostPort: 70000}]}]\n'), `5: Pod shop/web: spec.containers[0].ports[0].hostPort must be an integer from 0 to 65535, not 70000${REFUSED}`);
    await expectRefused(pod('  containers: [{name: c, image: x, securityContext: {capabilities: {add: NET_ADMIN}}}]\n'), `5: Pod shop/web: spec.containers[0].securityContext.capabilities.add must be a list, not the string "NET_ADMIN"${REFUSED}`);
    await expectRefused(pod('  containers: [{name: c, image: x, resources: {limits: {cpu: one}}}]\n'), `5: Pod shop/web: spec.containers[0].resources.limits.cpu must be a quantity ("500m", "1Gi", 2), not the string "one"${REFUSED}`);
    // Typos the API server refuses, which pod-resources-missing would otherwise have read as limits set.
    for (const q of ['512mi', '1ki', '1e', '"1 Gi"', '"64Mi\\n"']) {
      const r = await scan(pod(`  containers: [{name: c, image: x, resources: {limits: {memory: ${q}}}}]\n`));
      expect(r.code, q).toBe(2);
      expect(r.stderr, q).toMatch(/^k8s-audit: .*:5: Pod shop\/web: spec\.containers\[0\]\.resources\.limits\.memory must be a quantity \("500m", "1Gi", 2\), not the string ".*"; the API server would refuse this object\n$/);
    }
    await expectRefused(pod('  containers: [{name: c, image: x, resources: {requests: {cpu: -100m}}}]\n'), `5: Pod shop/web: spec.containers[0].resources.requests.cpu must not be negative: the string "-100m"${REFUSED}`);
    await expectRefused(pod('  containers: [{name: c, image: x, env: [{value: x}]}]\n'), `5: Pod shop/web: spec.containers[0].env[0].name is required${REFUSED}`);
    await expectRefused(pod('  containers: [{name: c, image: x, livenessProbe: {}}]\n'), `5: Pod shop/web: spec.containers[0].livenessProbe must have a handler: exec, httpGet, tcpSocket or grpc${REFUSED}`);
    await expectRefused(pod('  containers: [{name: c, image: x, imagePullPolicy: Sometimes}]\n'), `5: Pod shop/web: spec.containers[0].imagePullPolicy must be one of "Always", "IfNotPresent", "Never", not "Sometimes"${REFUSED}`);
    await expectRefused(pod('  containers: [{name: c, image: x, volumeMounts: [{name: data, mountPath: /d}]}]\n'), `5: Pod shop/web: spec.containers[0].volumeMounts[0].name names no volume of the pod: "data"${REFUSED}`);
  });

  it('RBAC: rules, subjects, roleRef and aggregation selectors', async () => {
    const role = (rules: string) => `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: shop}\nrules:\n${rules}`;
    await expectRefused(role('- {apiGroups: [""], resources: [pods], verbs: 5}\n'), `5: Role shop/r: rules[0].verbs must be a list, not the number 5${REFUSED}`);
    await expectRefused(role('- {resources: [pods], verbs: [get]}\n'), `5: Role shop/r: rules[0].apiGroups must be a non-empty list (use [""] for the core group)${REFUSED}`);
    await expectRefused(role('- null\n'), `5: Role shop/r: rules[0] must be a map, not null${REFUSED}`);
    const binding = (rest: string) => `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: shop}\n${rest}`;
    await expectRefused(binding('roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects: [null]\n'), `5: RoleBinding shop/b: subjects[0] must be a map, not null${REFUSED}`);
    await expectRefused(binding('roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects: [{kind: User, name: 5}]\n'), `5: RoleBinding shop/b: subjects[0].name must be a string, not the number 5 (quote it)${REFUSED}`);
    await expectRefused(binding('roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Rol, name: r}\n'), `4: RoleBinding shop/b: roleRef.kind must be one of "Role", "ClusterRole", not "Rol"${REFUSED}`);
    await expectRefused(binding('subjects: []\n'), `1: RoleBinding shop/b: roleRef is required${REFUSED}`);
    await expectRefused(
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: agg}\naggregationRule:\n  clusterRoleSelectors: {}\n',
      `5: ClusterRole agg: aggregationRule.clusterRoleSelectors must be a list, not a map${REFUSED}`,
    );
  });

  it('NetworkPolicy: selectors, peers, ports, ipBlocks and policy types', async () => {
    const np = (spec: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np, namespace: shop}\nspec:\n  podSelector: {}\n${spec}`;
    await expectRefused(np('  ingress: [{from: [{}]}]\n'), `6: NetworkPolicy shop/np: spec.ingress[0].from[0] must give podSelector, namespaceSelector or ipBlock${REFUSED}`);
    await expectRefused(np('  ingress: [{ports: [{port: "80"}]}]\n'), `6: NetworkPolicy shop/np: spec.ingress[0].ports[0].port must be a port name (at most 15 lowercase letters, digits and '-', with a letter), not "80" (a port number must not be quoted)${REFUSED}`);
    await expectRefused(np('  egress: [{to: [{ipBlock: {cidr: 10.0.0.0}}]}]\n'), `6: NetworkPolicy shop/np: spec.egress[0].to[0].ipBlock.cidr must be a CIDR (10.0.0.0/8, 2001:db8::/64), not "10.0.0.0"${REFUSED}`);
    await expectRefused(np('  policyTypes: [Ingress, Sideways]\n'), `6: NetworkPolicy shop/np: spec.policyTypes[1] must be "Ingress" or "Egress", not "Sideways"${REFUSED}`);
    await expectRefused(np('  ingress: [{from: [{podSelector: {matchExpressions: [{key: app, operator: In}]}}]}]\n'), `6: NetworkPolicy shop/np: spec.ingress[0].from[0].podSelector.matchExpressions[0].values must be a non-empty list when the operator is In${REFUSED}`);
    await expectRefused(np('  ingress: [{from: [{podSelector: {matchLabels: {tier: 1}}}]}]\n'), `6: NetworkPolicy shop/np: spec.ingress[0].from[0].podSelector.matchLabels.tier must be a string, not the number 1 (quote it)${REFUSED}`);
  });

  it('ServiceAccount automountServiceAccountToken is a boolean', async () => {
    await expectRefused('apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: shop}\nautomountServiceAccountToken: "false"\n', `4: ServiceAccount shop/default: automountServiceAccountToken must be a boolean, not the string "false"${REFUSED}`);
  });

  it('Ingress rules and TLS, LimitRange limits, webhook rules: what the controls read of them', async () => {
    await expectRefused('apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, namespace: shop}\nspec: {tls: [{hosts: shop.example}]}\n', `4: Ingress shop/i: spec.tls[0].hosts must be a list, not the string "shop.example"${REFUSED}`);
    await expectRefused('apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, namespace: shop}\nspec: {}\n', `4: Ingress shop/i: spec must give rules or a defaultBackend${REFUSED}`);
    await expectRefused('apiVersion: v1\nkind: LimitRange\nmetadata: {name: l, namespace: shop}\nspec: {limits: [{type: Container, default: {cpu: [1]}}]}\n', `4: LimitRange shop/l: spec.limits[0].default.cpu must be a quantity ("500m", "1Gi", 2), not a list${REFUSED}`);
    await expectRefused(
      'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: kyverno}\nwebhooks:\n- name: a.b.c\n  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: pods}]\n',
      `6: ValidatingWebhookConfiguration kyverno: webhooks[0].rules[0].resources must be a list, not the string "pods"${REFUSED}`,
    );
  });

  it('names the object inside a List by its own line', async () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n- ${pod(C).replace(/\n/g, '\n  ')}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: db, namespace: shop}\n  spec:\n    containers: [{name: c, image: x, securityContext: {privileged: "yes"}}]\n`;
    await expectRefused(list, `14: Pod shop/db: spec.containers[0].securityContext.privileged must be a boolean, not the string "yes"${REFUSED}`);
  });
});

describe('what static mode still scans', () => {
  it('null for an optional field is unset, as the API server reads it', async () => {
    const r = await expectScanned(pod('  securityContext: ~\n  volumes: null\n  containers:\n  - name: c\n    image: nginx:1.25\n    securityContext: ~\n    resources: ~\n    ports: ~\n', '{name: web, namespace: shop, labels: null, annotations: {a: null}}'));
    expect(r.results.some((x) => x.subject?.name === 'web')).toBe(true);
  });

  it('a null list item the API server stores as {} is read as {}: ingress: [null] admits everything', async () => {
    const text = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np, namespace: shop}\nspec:\n  podSelector: {}\n  ingress: [null]\n---\n${pod(C)}`;
    const r = await expectScanned(text);
    const allowAll = r.results.find((x) => x.controlId === 'netpol-allow-all' && x.subject?.name === 'np');
    expect(allowAll?.status).toBe('fail');
  });

  it('port names, quantities as numbers, StatefulSet claim templates, kinds of other API groups', async () => {
    await expectScanned(pod('  containers:\n  - name: c\n    image: nginx:1.25\n    ports: [{name: http, containerPort: 80}]\n    resources: {limits: {cpu: 1, memory: 1Gi}}\n    livenessProbe: {httpGet: {port: http}}\n'));
    await expectScanned(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: c, image: x, volumeMounts: [{name: data, mountPath: /d}]}]
  volumeClaimTemplates: [{metadata: {name: data}}]
`);
    // What the API server accepts and a stricter reading refused: quantities with spaces around them and every
    // suffix, a key given twice (the last wins, as in kubectl), \' inside double quotes (go-yaml reads it), and a
    // pod template's image placeholder (only a bare Pod's image may not have white space around it).
    const quantities = ['"64Mi "', '" 500m"', '0.5', '1e3', '"129M"', '"123Mi"', '"0"', '"100n"', '"2u"', '"1.5Gi"', '"-0"'];
    for (const q of quantities) await expectScanned(pod(`  containers: [{name: c, image: x, resources: {limits: {memory: ${q}}}}]\n`));
    const twice = await expectScanned(pod(C, '{name: web, namespace: shop, labels: {app: a, app: b}}'));
    expect(twice.results.length).toBeGreaterThan(0);
    await expectScanned(pod('  containers: [{name: c, image: x, env: [{name: A, value: "it\\\'s"}]}]\n'));
    await expectScanned(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: shop}\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec: {containers: [{name: c, image: " "}]}\n`);
    // A v1beta1 Ingress's default backend is `backend`; a Localhost seccomp profile may be named by an empty string.
    await expectScanned('apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata: {name: i, namespace: shop}\nspec: {backend: {serviceName: web, servicePort: 80}}\n');
    await expectScanned(pod('  securityContext: {seccompProfile: {type: Localhost, localhostProfile: ""}}\n' + C));
    // A Calico NetworkPolicy has a schema of its own: not checked as a Kubernetes one (its kind is warned about).
    const r = await scan(`${pod(C)}---\napiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: c, namespace: shop}\nspec: {ingress: [{action: Allow}]}\n`);
    expect(r.code).not.toBe(2);
    expect(r.stderr).toMatch(/warning: 1 object\(s\) not scanned/);
  });
});

describe('standard input', () => {
  it('more than 512 MB is a usage error, not an internal one', async () => {
    const input = new PassThrough();
    const chunk = Buffer.alloc(64 * 1024 * 1024, 0x20);
    let written = 0;
    const pump = () => {
      while (written < 520_000_000) {
        written += chunk.length;
        if (!input.write(chunk)) return void input.once('drain', pump);
      }
      input.end();
    };
    pump();
    const out = new PassThrough() as unknown as NodeJS.WriteStream;
    const err = new PassThrough() as unknown as NodeJS.WriteStream;
    const errs: Buffer[] = [];
    err.on('data', (c: Buffer) => errs.push(c));
    out.resume();
    const code = await main(['node', 'k8s-audit', 'scan', '-f', '-', '-q'], { stdout: out, stderr: err, stdin: input });
    expect(Buffer.concat(errs).toString('utf8')).toBe(
      'k8s-audit: standard input holds more than 512 MB, more than k8s-audit reads: split the manifests into files and give them (or their directory) to -f\n',
    );
    expect(code).toBe(2);
  });

  it('UTF-16 with a byte-order mark is read, as from a file', async () => {
    const input = new PassThrough();
    input.end(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`apiVersion: v1\nkind: Pod\nmetadata: {name: u16, namespace: shop}\nspec:\n${C}`, 'utf16le')]));
    const out = new PassThrough() as unknown as NodeJS.WriteStream;
    const outs: Buffer[] = [];
    out.on('data', (c: Buffer) => outs.push(c));
    const err = new PassThrough() as unknown as NodeJS.WriteStream;
    const errs: Buffer[] = [];
    err.on('data', (c: Buffer) => errs.push(c));
    const code = await main(['node', 'k8s-audit', 'scan', '-f', '-', '-q', '--format', 'json', '--controls', 'pod-privileged', '--include-passes'], { stdout: out, stderr: err, stdin: input });
    expect(Buffer.concat(errs).toString('utf8')).toBe('');
    expect(code).toBe(0);
    expect((JSON.parse(Buffer.concat(outs).toString('utf8')) as ScanResult).results.map((r) => r.subject.name)).toEqual(['u16']);
  });
});
