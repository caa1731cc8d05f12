/**
 * The collector keeps only the status fields KINDS declares (`statusFields`: a Pod's phase, a
 * Node's nodeInfo), drops managedFields and the last-applied annotation as pages are parsed, and
 * lists some kinds as metadata only (`metadataOnly`: Secrets) or names only (`namesOnly`:
 * CustomResourceDefinitions) — keptOf.
 * That is safe only while no control or insight reads anything dropped: every check fixture and
 * scenario must give the same results and insights kept as the collector keeps them as whole.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifests, snapshotFromObjects } from '../../src/collect/manifests.ts';
import { KINDS, LAST_APPLIED, keptOf, kindKeyOf } from '../../src/collect/kinds.ts';
import { computeInsights } from '../../src/engine/insights.ts';
import { allControls } from '../../src/engine/registry.ts';
import { evaluate } from '../../src/engine/run.ts';
import type { K8sObject } from '../../src/model/k8s.ts';

const SERVER_VERSION = { gitVersion: 'v1.37.2', major: '1', minor: '37' };
const root = new URL('../', import.meta.url).pathname;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []));
}

/** What the collector keeps of a listed object (keptOf, on a copy: it trims in place). */
function trimmed(obj: K8sObject): K8sObject {
  const key = kindKeyOf(obj.kind);
  if (!key) return obj;
  const info = KINDS[key];
  const cut = keptOf(structuredClone(obj), info);
  // A copy wherever trimming applies (a status KINDS limits, a metadata-only kind), or changed anything.
  const applies = ('statusFields' in info && obj.status !== undefined) || 'metadataOnly' in info || 'namesOnly' in info;
  return applies || JSON.stringify(cut) !== JSON.stringify(obj) ? cut : obj;
}

function outcome(objects: K8sObject[]): unknown {
  const snapshot = snapshotFromObjects(objects, { asCluster: true, serverVersion: SERVER_VERSION });
  const { results, controls, summary } = evaluate(snapshot, allControls(), {}, { passes: 'list' });
  // Plain data, so that a failure shows only what differs.
  return JSON.parse(JSON.stringify({ results, controls, summary, insights: computeInsights(snapshot) }));
}

const files = [...yamlFiles(join(root, 'checks')), ...yamlFiles(join(root, 'scenarios'))];

/** What a kubelet writes: the status fields the fixtures leave out, beside the demo scenario's objects. */
const LIVE = `
apiVersion: v1
kind: Node
metadata: {name: node-a, labels: {kubernetes.io/hostname: node-a}}
status:
  nodeInfo: {kubeletVersion: v1.37.2, containerRuntimeVersion: containerd://2.1.0, osImage: Debian, kernelVersion: 6.1.0, architecture: amd64, operatingSystem: linux}
  addresses: [{type: InternalIP, address: 10.0.0.5}, {type: Hostname, address: node-a}]
  images: [{names: ["registry.example/app@sha256:0123", "registry.example/app:1.2"], sizeBytes: 12345678}]
  conditions: [{type: Ready, status: "True", reason: KubeletReady}]
  capacity: {cpu: "4", memory: 16Gi, pods: "110"}
---
apiVersion: v1
kind: Pod
metadata: {name: web-0, namespace: default, labels: {app: web}}
spec:
  nodeName: node-a
  containers: [{name: web, image: "registry.example/app:1.2"}]
status:
  phase: Running
  podIP: 10.244.0.7
  podIPs: [{ip: 10.244.0.7}]
  hostIP: 10.0.0.5
  qosClass: BestEffort
  startTime: "2026-12-01T10:00:00Z"
  conditions: [{type: Ready, status: "True"}, {type: PodScheduled, status: "True"}]
  containerStatuses:
  - {name: web, ready: true, restartCount: 0, image: "registry.example/app:1.2", imageID: "registry.example/app@sha256:0123", containerID: "containerd://abc", started: true, state: {running: {startedAt: "2026-12-01T10:00:05Z"}}}
---
apiVersion: v1
kind: Pod
metadata: {name: batch-1, namespace: default, labels: {app: web}}
spec:
  containers: [{name: run, image: "registry.example/app:1.2", securityContext: {privileged: true}}]
status:
  phase: Succeeded
  containerStatuses:
  - {name: run, ready: false, restartCount: 0, image: "registry.example/app:1.2", imageID: "", state: {terminated: {exitCode: 0, reason: Completed}}}
`;

/** What `kubectl apply` leaves on objects, and CustomResourceDefinitions with their (large) schemas. */
function applied(): K8sObject[] {
  const deployment = parseManifests(
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: default, labels: {app: api}}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: "registry.example/api:2.0", securityContext: {privileged: true}}]
`,
    'applied',
  )[0]!;
  deployment.metadata.annotations = { [LAST_APPLIED]: JSON.stringify(deployment), 'deployment.kubernetes.io/revision': '3' };
  const schema = { type: 'object', properties: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`field${i}`, { type: 'string', description: 'x'.repeat(200) }])) };
  const crd = (group: string, kind: string, plural: string): K8sObject => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}`, annotations: { [LAST_APPLIED]: '{"a":"copy"}' } },
    spec: { group, scope: 'Cluster', names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }] },
  });
  return [deployment, crd('crd.projectcalico.org', 'GlobalNetworkPolicy', 'globalnetworkpolicies'), crd('example.com', 'Widget', 'widgets')];
}

describe('objects kept as the collector keeps them (statusFields, metadataOnly, namesOnly)', () => {
  it('change no result and no insight on any fixture', () => {
    let withStatus = 0;
    for (const file of files) {
      let objects: K8sObject[];
      try {
        objects = parseManifests(readFileSync(file, 'utf8'), file);
      } catch {
        continue; // fixtures of malformed input
      }
      const cut = objects.map(trimmed);
      if (!cut.some((o, i) => o !== objects[i])) continue;
      withStatus++;
      expect(outcome(cut), file).toEqual(outcome(objects));
    }
    // Fixtures that exercise it: Pods with a phase, Nodes with nodeInfo, Secrets, CRDs.
    expect(withStatus).toBeGreaterThan(5);
  }, 60_000); // every fixture and scenario, evaluated twice: 3–5 s alone, more on a busy machine (the default is 5 s)

  it('change nothing when live statuses are dropped (container statuses, IPs, conditions, a Node\'s images)', () => {
    const demo = yamlFiles(join(root, 'scenarios/demo')).flatMap((f) => parseManifests(readFileSync(f, 'utf8'), f));
    const objects = [...demo, ...parseManifests(LIVE, 'live')];
    const cut = objects.map(trimmed);
    // The demo's Secrets are kept as metadata, as listed; besides them, the objects with a live status.
    expect(cut.filter((o) => o.kind === 'Secret').every((o) => o.data === undefined && Object.keys(o).length === 3)).toBe(true);
    const changed = cut.filter((o, i) => o.kind !== 'Secret' && JSON.stringify(o) !== JSON.stringify(objects[i]));
    expect(changed.map((o) => o.metadata.name)).toEqual(['node-a', 'web-0', 'batch-1']);
    expect(outcome(cut)).toEqual(outcome(objects));
  });

  it('change nothing when last-applied annotations are dropped and CustomResourceDefinitions listed as names only', () => {
    const demo = yamlFiles(join(root, 'scenarios/demo')).flatMap((f) => parseManifests(readFileSync(f, 'utf8'), f));
    const objects = [...demo, ...applied()];
    const cut = objects.map(trimmed);
    expect(cut.filter((o, i) => o.kind !== 'Secret' && o !== objects[i]).map((o) => o.metadata.name)).toEqual(['api', 'globalnetworkpolicies.crd.projectcalico.org', 'widgets.example.com']);
    expect(cut.find((o) => o.metadata.name === 'api')!.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '3' });
    expect(cut.find((o) => o.kind === 'CustomResourceDefinition')).toEqual({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'globalnetworkpolicies.crd.projectcalico.org' },
    });
    const whole = outcome(objects) as { insights: { networkIsolation?: { policyApis?: unknown } }; results: { controlId: string; subject: { name: string } }[] };
    expect(outcome(cut)).toEqual(whole);
    // It did look at both: the policy kind is reported, and the applied Deployment has its finding.
    expect(JSON.stringify(whole.insights)).toContain('"crd":"globalnetworkpolicies.crd.projectcalico.org"');
    expect(whole.results.some((r) => r.controlId === 'pod-privileged' && r.subject.name === 'api')).toBe(true);
  });
});
