/**
 * The oracle test: k8s-audit's Pod Security Standards engine against the real
 * PodSecurity admission of the test cluster's kube-apiserver.
 *
 * 360 Pod specs are generated from a fixed seed (test/helpers/pss-generator.ts),
 * randomized over every field the standards inspect, including init and
 * ephemeral containers and pod-level settings that containers inherit. Each pod
 * goes, with `?dryRun=All`, into namespaces labelled `enforce=baseline` and
 * `enforce=restricted` — without a version label (latest) for every pod, and with
 * `enforce-version` pinned to four more versions per pod (round-robin over the
 * versions at which a rule changed, plus `latest` and a future version) — and the
 * API server's decision is compared with k8s-audit's:
 *
 * - the verdict (admitted or forbidden) is the same;
 * - a denial's message is exactly `pods "<name>" is forbidden: violates PodSecurity
 *   "<level>:<version>": <detail>` with k8s-audit's rendering of the detail, so the
 *   violated checks, their order and what they name agree;
 * - the checks named by the API server's message (mapped back to check ids) equal
 *   the checks k8s-audit reports as failing.
 *
 * k8s-audit evaluates the pod as the API server stored it (the dry run in an
 * unlabelled namespace returns it: defaulted, AppArmor annotations copied into
 * fields) and also the spec as generated, as a controller's template would hold
 * it; both must agree with the API server on the verdict and the checks.
 *
 * Ephemeral containers cannot be set on create. For a pod that has some, the pod
 * without them is created for real in every namespace it is tested in, before
 * those namespaces get their enforce labels, and the ephemeral containers are
 * then added through the pods/ephemeralcontainers subresource with
 * `?dryRun=All`: the admission evaluates the whole resulting pod (an ephemeral
 * container is a significant update), exactly as for a create.
 *
 * The version k8s-audit evaluates at comes from pssVersionFor(namespace labels,
 * the server's /version), the same function the controls use. Seed:
 * PSS_ORACLE_SEED (default 20240601); any disagreement fails the test with the
 * pod, the namespace and both answers.
 */
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PSS_CONTROLS } from '../../checks/workloads/index.ts';
import { snapshotFromObjects } from '../../src/collect/manifests.ts';
import { evaluate } from '../../src/engine/run.ts';
import type { K8sObject, ObjectMeta, PodSpec } from '../../src/model/k8s.ts';
import {
  PSS_FORBIDDEN_REASONS,
  admissionDenial,
  evaluatePssLevel,
  pssChecksAt,
  pssVersionFor,
  type PssCheckId,
  type PssEvaluation,
} from '../../src/model/pss.ts';
import { createNamespace, deleteNamespace, kubeClient, waitFor, waitForDefaultServiceAccount } from '../cluster/fixtures.ts';
import { generatePods, type GeneratedPod } from '../helpers/pss-generator.ts';

const SEED = Number(process.env.PSS_ORACLE_SEED ?? 20240601);
const COUNT = 360;
const PINNED = ['v1.0', 'v1.7', 'v1.8', 'v1.18', 'v1.19', 'v1.21', 'v1.22', 'v1.23', 'v1.24', 'v1.25', 'v1.26', 'v1.27', 'v1.29', 'v1.30', 'v1.31', 'v1.32', 'v1.33', 'v1.34', 'v1.35', 'v1.36', 'v1.37', 'latest', 'v1.99'];
const PINNED_PER_POD = 4;
const LEVELS = ['baseline', 'restricted'] as const;
type Level = (typeof LEVELS)[number];

interface Target {
  level: Level;
  /** The enforce-version label, or undefined for none (latest). */
  version: string | undefined;
  namespace: string;
  labels: Record<string, string>;
}

interface Outcome {
  allowed: boolean;
  message: string;
}

const admin = kubeClient('admin');
const limit = pLimit(8);
const namespaces: string[] = [];
let privilegedNs = '';
let serverVersion: { major: string; minor: string };
const targets: Target[] = [];
const pods = generatePods(SEED, COUNT);

const targetKey = (level: Level, version: string | undefined) => `${level}:${version ?? '-'}`;
const targetByKey = new Map<string, Target>();

/** The namespaces a pod is tested in: latest without a label, and four pinned versions, at both levels. */
function targetsOf(i: number): Target[] {
  const versions: (string | undefined)[] = [undefined];
  for (let k = 0; k < PINNED_PER_POD; k++) versions.push(PINNED[(i * PINNED_PER_POD + k) % PINNED.length]);
  return versions.flatMap((v) => LEVELS.map((l) => targetByKey.get(targetKey(l, v))!));
}

function podBody(p: GeneratedPod) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: p.name, annotations: p.annotations }, spec: p.spec };
}

/** Submit a pod with dryRun=All: create it, or add its ephemeral containers to the existing pod. */
async function submit(p: GeneratedPod, namespace: string): Promise<{ status: number; body: any; message: string }> {
  let res;
  if (p.ephemeralContainers.length === 0) {
    res = await admin.request('POST', `/api/v1/namespaces/${namespace}/pods`, { body: podBody(p), query: { dryRun: 'All' } });
  } else {
    const current = await admin.call('GET', `/api/v1/namespaces/${namespace}/pods/${p.name}`);
    current.spec.ephemeralContainers = p.ephemeralContainers;
    res = await admin.request('PUT', `/api/v1/namespaces/${namespace}/pods/${p.name}/ephemeralcontainers`, { body: current, query: { dryRun: 'All' } });
  }
  return { status: res.status, body: res.body, message: res.body?.message ?? res.text };
}

/** Check ids named by an admission message, given the checks that level and version run. */
function checksInMessage(message: string, evaluated: readonly PssCheckId[]): PssCheckId[] {
  const out: PssCheckId[] = [];
  for (const id of evaluated) {
    for (const reason of PSS_FORBIDDEN_REASONS[id]) {
      const escaped = reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (new RegExp(`(?:": |, )${escaped}(?: \\(|, |$)`).test(message)) {
        out.push(id);
        break;
      }
    }
  }
  return out.sort();
}

const failing = (ev: PssEvaluation) => ev.checks.filter((c) => c.status === 'fail').map((c) => c.check).sort();

beforeAll(async () => {
  serverVersion = await admin.call('GET', '/version');
  // Unlabelled namespaces first: base pods for ephemeral containers must be created before enforcement starts.
  privilegedNs = await createNamespace('pss-oracle-priv');
  namespaces.push(privilegedNs);
  for (const version of [undefined, ...PINNED])
    for (const level of LEVELS) {
      const namespace = await createNamespace(`pss-oracle-${level.slice(0, 4)}-${(version ?? 'none').replace(/\./g, '-')}`);
      namespaces.push(namespace);
      const labels: Record<string, string> = { 'pod-security.kubernetes.io/enforce': level };
      if (version) labels['pod-security.kubernetes.io/enforce-version'] = version;
      const t = { level, version, namespace, labels };
      targets.push(t);
      targetByKey.set(targetKey(level, version), t);
    }
  await Promise.all(namespaces.map((n) => limit(() => waitForDefaultServiceAccount(n, { timeoutMs: 60_000 }))));

  // Base pods (without their ephemeral containers), for real, in every namespace their pod is tested in.
  const creates: Promise<unknown>[] = [];
  pods.forEach((p, i) => {
    if (p.ephemeralContainers.length === 0) return;
    for (const ns of [privilegedNs, ...targetsOf(i).map((t) => t.namespace)])
      creates.push(limit(() => admin.call('POST', `/api/v1/namespaces/${ns}/pods`, { body: podBody(p) })));
  });
  await Promise.all(creates);

  // Then the enforce labels, and wait until the admission sees them (it reads namespaces from a cache).
  for (const t of targets) {
    await admin.call('PATCH', `/api/v1/namespaces/${t.namespace}`, { body: { metadata: { labels: t.labels } }, contentType: 'application/merge-patch+json' });
  }
  const probe = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe' }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', securityContext: { privileged: true } }] } };
  await Promise.all(
    targets.map((t) =>
      waitFor(`PodSecurity enforcing ${t.level} in ${t.namespace}`, async () => {
        const res = await admin.request('POST', `/api/v1/namespaces/${t.namespace}/pods`, { body: probe, query: { dryRun: 'All' } });
        return res.status === 403;
      }),
    ),
  );
}, 600_000);

afterAll(async () => {
  await Promise.all(namespaces.map((n) => deleteNamespace(n)));
  admin.close();
});

describe(`PodSecurity oracle (seed ${SEED}, ${COUNT} pods)`, () => {
  it('generates valid pods over every inspected field, some with ephemeral containers', () => {
    expect(pods).toHaveLength(COUNT);
    const withEphemeral = pods.filter((p) => p.ephemeralContainers.length > 0).length;
    expect(withEphemeral).toBeGreaterThan(COUNT / 5);
    expect(pods.filter((p) => p.spec.os?.name === 'windows').length).toBeGreaterThan(20);
    expect(pods.filter((p) => p.spec.hostUsers === false).length).toBeGreaterThan(20);
    expect(pods.filter((p) => (p.spec.initContainers?.length ?? 0) > 0).length).toBeGreaterThan(COUNT / 3);
  });

  it("agrees with the API server's decision and message on every pod, level and version", async () => {
    const disagreements: string[] = [];
    const invalid: string[] = [];
    const deniedChecks = new Map<string, number>();
    const stats = { compared: 0, latest: { baseline: { allowed: 0, denied: 0 }, restricted: { allowed: 0, denied: 0 } }, ephemeralViolations: 0 };

    await Promise.all(
      pods.map((p, i) =>
        limit(async () => {
          // The pod as the API server stores it.
          const stored = await submit(p, privilegedNs);
          if (stored.status !== 200 && stored.status !== 201) {
            invalid.push(`${p.name}: ${stored.status} ${stored.message}`);
            return;
          }
          const storedPod = stored.body as { metadata: ObjectMeta; spec: PodSpec };
          const generated = { metadata: { name: p.name, annotations: p.annotations } as ObjectMeta, spec: { ...p.spec, ephemeralContainers: p.ephemeralContainers } as PodSpec };

          for (const t of targetsOf(i)) {
            const api = await submit(p, t.namespace);
            if (api.status !== 200 && api.status !== 201 && api.status !== 403) {
              invalid.push(`${p.name} in ${t.namespace}: ${api.status} ${api.message}`);
              continue;
            }
            const outcome: Outcome = { allowed: api.status !== 403, message: api.message };
            const { version } = pssVersionFor(t.labels, serverVersion);
            const evaluated = pssChecksAt(t.level, version);
            const label = t.version ?? 'latest';
            const where = `${p.name} at ${t.level}:${label} (${t.namespace})`;
            stats.compared++;

            const ev = evaluatePssLevel(storedPod.metadata, storedPod.spec, 'spec', t.level, version);
            const evGenerated = evaluatePssLevel(generated.metadata, generated.spec, 'spec', t.level, version);
            const apiChecks = outcome.allowed ? [] : checksInMessage(outcome.message, evaluated);

            if (ev.allowed !== outcome.allowed) {
              disagreements.push(`${where}: API ${outcome.allowed ? 'admitted' : `denied: ${outcome.message}`}; k8s-audit ${ev.allowed ? 'admits' : `denies: ${ev.admissionDetail}`}`);
              continue;
            }
            if (!outcome.allowed) {
              const expected = `pods "${p.name}" is forbidden: ${admissionDenial(t.level, label, ev)}`;
              if (expected !== outcome.message) disagreements.push(`${where}: message differs\n  API:       ${outcome.message}\n  k8s-audit: ${expected}`);
              if (JSON.stringify(apiChecks) !== JSON.stringify(failing(ev)))
                disagreements.push(`${where}: checks differ: API ${apiChecks.join(',')}; k8s-audit ${failing(ev).join(',')}`);
              for (const c of apiChecks) deniedChecks.set(c, (deniedChecks.get(c) ?? 0) + 1);
              if (ev.violations.some((v) => v.containerType === 'ephemeralContainers')) stats.ephemeralViolations++;
            }
            if (evGenerated.allowed !== outcome.allowed || JSON.stringify(failing(evGenerated)) !== JSON.stringify(apiChecks))
              disagreements.push(`${where}: the generated spec (as a template holds it): k8s-audit ${failing(evGenerated).join(',') || 'admits'}; API ${apiChecks.join(',') || 'admitted'}`);
            if (t.version === undefined) stats.latest[t.level][outcome.allowed ? 'allowed' : 'denied']++;
          }
        }),
      ),
    );

    expect(invalid, 'the API server accepts every generated pod as valid').toEqual([]);
    expect(disagreements).toEqual([]);

    // The comparison is meaningful: every pod at both levels at latest, both verdicts common,
    // every check seen violated by the API server, ephemeral containers among the violators.
    expect(stats.latest.baseline.allowed + stats.latest.baseline.denied).toBe(COUNT);
    expect(stats.latest.restricted.allowed + stats.latest.restricted.denied).toBe(COUNT);
    for (const level of LEVELS) {
      expect(stats.latest[level].allowed, `${level} admits some`).toBeGreaterThan(COUNT / 10);
      expect(stats.latest[level].denied, `${level} denies some`).toBeGreaterThan(COUNT / 10);
    }
    expect(stats.compared).toBe(COUNT * 2 * (1 + PINNED_PER_POD));
    expect(stats.ephemeralViolations).toBeGreaterThan(10);
    const all = pssChecksAt('restricted', 'latest').concat(['capabilities_baseline', 'hostPathVolumes', 'procMount', 'seccompProfile_baseline']);
    for (const id of all) expect(deniedChecks.get(id) ?? 0, `the API server denied some pod for ${id}`).toBeGreaterThan(0);
  }, 900_000);
});

/**
 * The remediation of every PSS finding on real controllers: each `kubectl patch`
 * a finding offers is sent (dry run) to the API server, which must accept it,
 * and the patched object must no longer have that finding.
 */
describe('remediation commands', () => {
  const COMMAND = /^kubectl -n (\S+) patch (deployment|cronjob) (\S+) --type=(strategic|json) -p '([^']*)'/m;
  const PATHS: Record<string, string> = { deployment: '/apis/apps/v1/namespaces/NS/deployments/NAME', cronjob: '/apis/batch/v1/namespaces/NS/cronjobs/NAME' };

  it('offers kubectl patches that the API server accepts and that fix the finding', async () => {
    const namespace = await createNamespace('pss-remedy');
    namespaces.push(namespace);
    await waitForDefaultServiceAccount(namespace);
    // Controllers whose templates are the generated pods (without ephemeral containers, which templates cannot hold).
    const sample = pods.filter((p) => p.ephemeralContainers.length === 0).slice(0, 120);
    await Promise.all(
      sample.map((p, i) =>
        limit(() => {
          const template = { metadata: { labels: { app: p.name }, annotations: p.annotations }, spec: p.spec };
          return i % 3 === 2
            ? admin.call('POST', `/apis/batch/v1/namespaces/${namespace}/cronjobs`, {
                body: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: p.name }, spec: { schedule: '0 0 1 1 *', suspend: true, jobTemplate: { spec: { template: { ...template, spec: { ...p.spec, restartPolicy: 'Never' } } } } } },
              })
            : admin.call('POST', `/apis/apps/v1/namespaces/${namespace}/deployments`, {
                body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: p.name }, spec: { replicas: 0, selector: { matchLabels: { app: p.name } }, template } },
              });
        }),
      ),
    );
    // And one the generator does not draw: CAP_SYS_ADMIN added, which API validation refuses beside
    // allowPrivilegeEscalation: false, so the fix must take it out of the list in the same patch.
    await admin.call('POST', `/apis/apps/v1/namespaces/${namespace}/deployments`, {
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'cap-sys-admin' },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: 'cap-sys-admin' } },
          template: { metadata: { labels: { app: 'cap-sys-admin' } }, spec: { containers: [{ name: 'c', image: 'registry.example/app:1', securityContext: { capabilities: { add: ['CAP_SYS_ADMIN', 'NET_ADMIN'] } } }] } },
        },
      },
    });
    const list = async (path: string, apiVersion: string, kind: string): Promise<K8sObject[]> =>
      (await admin.call('GET', path)).items.map((o: K8sObject) => ({ ...o, apiVersion, kind }));
    const objects = [
      ...(await list(`/apis/apps/v1/namespaces/${namespace}/deployments`, 'apps/v1', 'Deployment')),
      ...(await list(`/apis/batch/v1/namespaces/${namespace}/cronjobs`, 'batch/v1', 'CronJob')),
    ];
    const serverVersion = await admin.call('GET', '/version');
    const snapshot = snapshotFromObjects(objects, { asCluster: true, serverVersion });
    const { results } = evaluate(snapshot, PSS_CONTROLS);
    const findings = results.filter((r) => r.status === 'fail');
    expect(findings.length).toBeGreaterThan(100);

    const problems: string[] = [];
    let patched = 0;
    const byControl = new Map<string, number>();
    const patchedSubjects = new Set<string>();
    await Promise.all(
      findings.map((f) =>
        limit(async () => {
          const m = COMMAND.exec(f.remediation ?? '');
          if (!m) return;
          const [, ns, resource, name, type, body] = m;
          expect(ns).toBe(namespace);
          expect(name).toBe(f.subject.name);
          const res = await admin.request('PATCH', PATHS[resource!]!.replace('NS', ns!).replace('NAME', name!), {
            body: body!,
            contentType: type === 'json' ? 'application/json-patch+json' : 'application/strategic-merge-patch+json',
            query: { dryRun: 'All' },
          });
          const where = `${f.controlId} ${f.subject.kind}/${f.subject.name} ${f.path}`;
          if (res.status !== 200) {
            problems.push(`${where}: the API server refused the patch: ${res.status} ${res.body?.message ?? res.text}`);
            return;
          }
          patched++;
          byControl.set(f.controlId, (byControl.get(f.controlId) ?? 0) + 1);
          patchedSubjects.add(`${f.controlId} ${f.subject.name}`);
          if (resource === 'deployment') {
            // A Deployment's template is not validated as a Pod is (allowPrivilegeEscalation: false beside
            // CAP_SYS_ADMIN passes there): the ReplicaSet's Pods would be refused. Ask for one.
            const template = res.body.spec.template;
            const pod = await admin.request('POST', `/api/v1/namespaces/${ns}/pods`, {
              body: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `${name}-pod`, annotations: template.metadata?.annotations }, spec: template.spec }),
              query: { dryRun: 'All' },
            });
            if (pod.status !== 201) problems.push(`${where}: a Pod from the patched template is refused: ${pod.status} ${pod.body?.message ?? pod.text}`);
          }
          const after = snapshotFromObjects([{ ...res.body, apiVersion: f.subject.apiVersion, kind: f.subject.kind }], { asCluster: true, serverVersion });
          const control = PSS_CONTROLS.find((c) => c.meta.id === f.controlId)!;
          // Fixed: fewer findings of this kind (same container, rule and value) than before. Removing one entry of
          // a list may shift a duplicate or a neighbour into the same path, so paths alone do not tell.
          const key = (r: (typeof findings)[number]) => JSON.stringify([r.subject.name, r.container ?? '', r.messageId, r.observed ?? null]);
          const count = (rs: readonly (typeof findings)[number][]) => rs.filter((r) => r.status === 'fail' && r.controlId === f.controlId && key(r) === key(f)).length;
          const before = count(findings);
          const left = count(evaluate(after, [control]).results);
          if (left >= before) problems.push(`${where}: still reported after the patch (${left} of ${before} left): ${f.message}`);
        }),
      ),
    );
    expect(problems).toEqual([]);
    expect(patchedSubjects).toContain('pss-restricted-privilege-escalation cap-sys-admin');
    expect(patched).toBeGreaterThan(50);
    // Patches exist for settings (strategic merge) and for removals (JSON patch), across controls.
    expect(byControl.size).toBeGreaterThanOrEqual(8);
  }, 300_000);
});
