/**
 * The hardening controls' remediations, judged by the API server: a finding on an object that a
 * patch changes in place offers `kubectl patch`, and one on an object whose spec cannot change
 * (a Pod, apart from its images; a Job's template; an ephemeral container) says so instead.
 *
 * Every kind of workload is created in one namespace with the same insecure pod spec, k8s-audit
 * scans it, and for each finding the patch it carries (`data.patch`, the body of the command) is
 * sent with `?dryRun=All`:
 * - where the remediation gives the command, the API server must accept it, and the patched object
 *   must no longer have the finding;
 * - where the remediation says the object must be recreated, the API server must refuse that patch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allControls } from '../../src/engine/registry.ts';
import type { Result, ScanResult } from '../../src/engine/result.ts';
import { evaluate } from '../../src/engine/run.ts';
import { snapshotFromObjects } from '../../src/collect/manifests.ts';
import type { K8sObject } from '../../src/model/k8s.ts';
import { createNamespace, deleteNamespace, kubeClient, testKubeconfig, waitForDefaultServiceAccount } from '../cluster/fixtures.ts';
import { runCli } from '../helpers/io.ts';

const CONTROLS = [
  'pod-readonly-rootfs',
  'pod-resources-missing',
  'pod-probes-missing',
  'pod-image-digest',
  'pod-image-tag-latest',
  'pod-image-pull-policy',
  'pod-image-registry',
  'pod-hostpath-writable',
  'pod-default-serviceaccount',
  'pod-automount-token',
  'pod-capability-net-raw',
  'pod-capabilities-added',
];

/** A Pod Security control, whose remediations say the same about Pods that keep their old spec. */
const PSS_CONTROL = 'pss-restricted-run-as-non-root';

const PATHS: Record<string, string> = {
  Pod: '/api/v1/namespaces/NS/pods/NAME',
  ReplicationController: '/api/v1/namespaces/NS/replicationcontrollers/NAME',
  Deployment: '/apis/apps/v1/namespaces/NS/deployments/NAME',
  ReplicaSet: '/apis/apps/v1/namespaces/NS/replicasets/NAME',
  StatefulSet: '/apis/apps/v1/namespaces/NS/statefulsets/NAME',
  DaemonSet: '/apis/apps/v1/namespaces/NS/daemonsets/NAME',
  Job: '/apis/batch/v1/namespaces/NS/jobs/NAME',
  CronJob: '/apis/batch/v1/namespaces/NS/cronjobs/NAME',
};

const admin = kubeClient('admin');
let ns: string;
let result: ScanResult;

/**
 * One insecure pod spec for every workload: tag-only images, no resources or probes, a writable hostPath mount, a
 * read-only one that is not recursive, capabilities added.
 * The Deployment's container declares a named port, the others none (a suggested probe names the port, or leaves a
 * placeholder).
 */
function podSpec(opts: { restartPolicy?: string; port?: boolean } = {}) {
  return {
    ...(opts.restartPolicy ? { restartPolicy: opts.restartPolicy } : {}),
    volumes: [
      { name: 'host', hostPath: { path: '/var/log' } },
      { name: 'pods', hostPath: { path: '/var/lib/kubelet/pods' } },
    ],
    initContainers: [{ name: 'init', image: 'busybox' }],
    containers: [
      {
        name: 'app',
        image: 'registry.example.com/shop/web:1.0',
        imagePullPolicy: 'IfNotPresent',
        // NET_RAW added back, NET_ADMIN added: the capability patches must keep the rest of each list.
        securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['CHOWN'] } },
        // The second is read-only but not recursively so: the kubelet's pod volumes below it stay writable.
        volumeMounts: [
          { name: 'host', mountPath: '/host' },
          { name: 'pods', mountPath: '/pods', readOnly: true },
        ],
        ...(opts.port ? { ports: [{ name: 'http', containerPort: 8080 }] } : {}),
      },
    ],
  };
}

/**
 * The placeholders a remediation's patch may hold, filled as its text says: a number for a port goes without the
 * quotes. A placeholder left over, or one the text of a remediation that gives the command does not mention, is a
 * problem.
 */
const FILL: [string, string][] = [
  ['"<PORT>"', '8080'],
  ['<PATH>', '/healthz'],
  ['<VALUE>', '250m'],
  ['<DIGEST>', 'a'.repeat(64)],
  ['<VERSION>', '1.36.1'],
  ['<ALLOWED-REGISTRY>', 'registry.example.com'],
  ['<REPOSITORY>', 'mirror/busybox'],
];

function fill(f: Result, patch: string, command: boolean, problems: string[], where: string): string {
  const prose = (f.remediation ?? '').split('\n').filter((l) => !l.startsWith('kubectl ')).join('\n');
  let out = patch;
  for (const [placeholder, value] of FILL) {
    if (!out.includes(placeholder)) continue;
    const bare = placeholder.replaceAll('"', '');
    if (command && !prose.includes(bare) && !prose.includes('the placeholders')) problems.push(`${where}: the text does not say to replace ${bare}`);
    out = out.replaceAll(placeholder, value);
  }
  const left = /<[A-Z-]+>/.exec(out);
  if (left) problems.push(`${where}: the patch holds a placeholder this test does not know: ${left[0]}`);
  return out;
}

beforeAll(async () => {
  ns = await createNamespace('remedy');
  await waitForDefaultServiceAccount(ns);
  const labels = (app: string) => ({ app });
  const template = (app: string, port = false) => ({ metadata: { labels: labels(app) }, spec: podSpec({ port }) });
  const post = (path: string, body: Record<string, unknown>) => admin.call('POST', path.replace('NS', ns), { body });
  await Promise.all([
    post('/apis/apps/v1/namespaces/NS/deployments', { metadata: { name: 'deploy' }, spec: { replicas: 0, selector: { matchLabels: labels('deploy') }, template: template('deploy', true) } }),
    post('/apis/apps/v1/namespaces/NS/statefulsets', { metadata: { name: 'sts' }, spec: { replicas: 0, serviceName: 'sts', selector: { matchLabels: labels('sts') }, template: template('sts') } }),
    post('/apis/apps/v1/namespaces/NS/statefulsets', {
      metadata: { name: 'sts-ondelete' },
      spec: { replicas: 0, serviceName: 'sts-ondelete', updateStrategy: { type: 'OnDelete' }, selector: { matchLabels: labels('sts-ondelete') }, template: template('sts-ondelete') },
    }),
    post('/apis/apps/v1/namespaces/NS/daemonsets', { metadata: { name: 'ds' }, spec: { selector: { matchLabels: labels('ds') }, template: template('ds') } }),
    post('/apis/apps/v1/namespaces/NS/daemonsets', {
      metadata: { name: 'ds-ondelete' },
      spec: { updateStrategy: { type: 'OnDelete' }, selector: { matchLabels: labels('ds-ondelete') }, template: template('ds-ondelete') },
    }),
    post('/apis/apps/v1/namespaces/NS/replicasets', { metadata: { name: 'rs' }, spec: { replicas: 0, selector: { matchLabels: labels('rs') }, template: template('rs') } }),
    post('/api/v1/namespaces/NS/replicationcontrollers', { metadata: { name: 'rc' }, spec: { replicas: 0, selector: labels('rc'), template: template('rc') } }),
    // parallelism 0: a Job that is not suspended, yet starts no Pod.
    post('/apis/batch/v1/namespaces/NS/jobs', { metadata: { name: 'job' }, spec: { parallelism: 0, template: { spec: podSpec({ restartPolicy: 'Never' }) } } }),
    post('/apis/batch/v1/namespaces/NS/jobs', { metadata: { name: 'job-suspended' }, spec: { suspend: true, template: { spec: podSpec({ restartPolicy: 'Never' }) } } }),
    post('/apis/batch/v1/namespaces/NS/cronjobs', { metadata: { name: 'cron' }, spec: { schedule: '0 0 1 1 *', suspend: true, jobTemplate: { spec: { template: { spec: podSpec({ restartPolicy: 'Never' }) } } } } }),
    post('/api/v1/namespaces/NS/pods', { metadata: { name: 'pod' }, spec: podSpec() }),
  ]);
  // A debug container added to the bare Pod (kubectl debug): through the ephemeralcontainers subresource only.
  const pod = await admin.call('GET', `/api/v1/namespaces/${ns}/pods/pod`);
  pod.spec.ephemeralContainers = [{ name: 'debugger', image: 'busybox:1.36' }];
  await admin.call('PUT', `/api/v1/namespaces/${ns}/pods/pod/ephemeralcontainers`, { body: pod });

  const r = await runCli(['scan', '--kubeconfig', testKubeconfig(), '--context', 'admin', '-n', ns, '--format', 'json', '--controls', [...CONTROLS, PSS_CONTROL].join(','), '--allowed-registries', 'registry.example.com']);
  expect(r.stderr).toBe('');
  result = JSON.parse(r.stdout) as ScanResult;
  // Whether a ServiceAccount's token is needed depends on RoleBindings in every namespace: under -n it is not
  // assessed. Its findings come from a scan of the whole cluster, kept to this namespace's workloads.
  const scoped = result.results.filter((x) => x.controlId === 'pod-automount-token');
  expect(scoped.length).toBeGreaterThan(0);
  for (const x of scoped) expect(x.status, `${x.subject.kind} ${x.subject.name}`).toBe('not-assessed');
  const whole = await runCli(['scan', '--kubeconfig', testKubeconfig(), '--context', 'admin', '--format', 'json', '--controls', 'pod-automount-token', '--include-passes']);
  const automount = (JSON.parse(whole.stdout) as ScanResult).results.filter((x) => x.subject.namespace === ns);
  expect(automount.length).toBe(scoped.length);
  result.results = [...result.results.filter((x) => x.controlId !== 'pod-automount-token'), ...automount];
}, 120_000);

afterAll(async () => {
  if (ns) await deleteNamespace(ns);
});

/** The kubectl patch command a remediation gives for its own subject, if any. */
function patchCommand(f: Result): RegExpExecArray | null {
  return new RegExp(`^kubectl -n ${ns} patch ${f.subject.kind.toLowerCase()} ${f.subject.name} --type=strategic -p '([^']*)'$`, 'm').exec(f.remediation ?? '');
}

describe('workload remediations', () => {
  it('reports every control on every kind of workload', () => {
    const findings = result.results.filter((r) => r.status === 'fail');
    for (const id of CONTROLS) expect(findings.some((f) => f.controlId === id), id).toBe(true);
    // Both kinds of hostPath finding: writable, and read-only but not recursively.
    expect(new Set(findings.filter((f) => f.controlId === 'pod-hostpath-writable').map((f) => f.messageId))).toEqual(new Set(['writable', 'submounts']));
    const kinds = new Set(findings.map((f) => f.subject.kind));
    expect([...kinds].sort()).toEqual(Object.keys(PATHS).sort());
    // Init, regular and ephemeral containers, and every way a fix reaches the cluster.
    expect(new Set(findings.map((f) => f.container).filter(Boolean))).toEqual(new Set(['init', 'app', 'debugger']));
    expect(new Set(findings.map((f) => (patchCommand(f) ? 'patch' : 'recreate')))).toEqual(new Set(['patch', 'recreate']));
  });

  it('offers kubectl patch exactly where the API server accepts the patch, and the patch fixes the finding', async () => {
    const serverVersion = await admin.call('GET', '/version');
    const problems: string[] = [];
    const outcomes = { patched: new Set<string>(), refused: new Set<string>() };
    for (const f of result.results.filter((r) => r.status === 'fail' && CONTROLS.includes(r.controlId))) {
      const where = `${f.controlId} ${f.subject.kind}/${f.subject.name} ${f.container ?? ''}`;
      const patch = f.data?.patch;
      if (typeof patch !== 'string') {
        problems.push(`${where}: no patch in the finding's data`);
        continue;
      }
      const command = patchCommand(f);
      if (command && command[1] !== patch) problems.push(`${where}: the command's patch is not the finding's`);
      const res = await admin.request('PATCH', PATHS[f.subject.kind]!.replace('NS', ns).replace('NAME', f.subject.name), {
        body: fill(f, patch, !!command, problems, where),
        contentType: 'application/strategic-merge-patch+json',
        query: { dryRun: 'All' },
      });
      if (!command) {
        // The remediation says the object cannot change: the API server must agree.
        if (res.status === 200) problems.push(`${where}: says recreate, but the API server accepts the patch`);
        else if (res.status !== 422 || !/immutable|may not change/.test(res.text)) problems.push(`${where}: refused, but not as a change to an immutable field: ${res.status} ${res.text}`);
        else outcomes.refused.add(`${f.subject.kind}${f.container === 'debugger' ? ' ephemeral' : ''}`);
        continue;
      }
      if (res.status !== 200) {
        problems.push(`${where}: offers a patch the API server refuses: ${res.status} ${res.body?.message ?? res.text}`);
        continue;
      }
      outcomes.patched.add(f.subject.kind);
      const after = snapshotFromObjects([{ ...res.body, apiVersion: f.subject.apiVersion, kind: f.subject.kind } as K8sObject], { asCluster: true, serverVersion });
      const control = allControls().find((c) => c.meta.id === f.controlId)!;
      const left = evaluate(after, [control], { allowedRegistries: ['registry.example.com'] }).results.filter(
        (r) => r.status === 'fail' && r.path === f.path && r.container === f.container,
      );
      if (left.length) problems.push(`${where}: still reported after the patch: ${left[0]!.message}`);
    }
    expect(problems).toEqual([]);
    // Patched in place: every controller, a Pod's images and a suspended Job's resources; refused: the rest of a Pod
    // or a Job, and an ephemeral container.
    expect([...outcomes.patched].sort()).toEqual(['CronJob', 'DaemonSet', 'Deployment', 'Job', 'Pod', 'ReplicaSet', 'ReplicationController', 'StatefulSet']);
    expect([...outcomes.refused].sort()).toEqual(['Job', 'Pod', 'Pod ephemeral']);
  }, 120_000);

  it('says which Pods keep their old spec after a patch, and what a Pod, a Job or an ephemeral container needs instead', () => {
    const findings = result.results.filter((r) => r.status === 'fail' && r.controlId === 'pod-readonly-rootfs');
    const text = (name: string, container = 'app') => findings.find((f) => f.subject.name === name && f.container === container)?.remediation ?? '';
    for (const name of ['deploy', 'sts', 'ds', 'cron']) expect(text(name), name).not.toContain('keep their old spec');
    for (const name of ['rs', 'rc', 'sts-ondelete', 'ds-ondelete']) expect(text(name), name).toContain('Pods already running keep their old spec');
    expect(text('pod')).toContain("A Pod's spec cannot be changed in place");
    expect(text('job')).toContain("A Job's pod template cannot be changed");
    expect(text('job-suspended')).toContain("A Job's pod template cannot be changed");
    // …except a suspended Job's container resources (Kubernetes v1.36 and later: the test cluster's version).
    const resources = (name: string) => result.results.find((r) => r.controlId === 'pod-resources-missing' && r.subject.name === name)!;
    expect(patchCommand(resources('job-suspended'))).toBeTruthy();
    expect(patchCommand(resources('job'))).toBeNull();
    expect(text('pod', 'debugger')).toContain('Ephemeral container debugger of Pod');
    // The Pod Security controls tell the same workloads apart.
    const pss = (name: string) => result.results.find((r) => r.controlId === PSS_CONTROL && r.subject.name === name)?.remediation ?? '';
    for (const name of ['deploy', 'sts', 'ds', 'cron']) expect(pss(name), name).toMatch(/^kubectl -n \S+ patch /m);
    for (const name of ['deploy', 'sts', 'ds', 'cron']) expect(pss(name), name).not.toContain('keep their old spec');
    for (const name of ['rs', 'rc', 'sts-ondelete', 'ds-ondelete']) expect(pss(name), name).toContain('pods already running keep their old spec');
    // A Pod's image can change in place: the image controls offer the patch there.
    const image = result.results.find((r) => r.controlId === 'pod-image-digest' && r.subject.kind === 'Pod' && r.container === 'app');
    expect(image && patchCommand(image)).toBeTruthy();
  });
});
