import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allControls } from '../../src/engine/registry.ts';
import { evaluate } from '../../src/engine/run.ts';
import { isAddedContainer, podsWithOwnContainers, workloads } from '../../src/model/workloads.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';

const subjects = (yaml: string) => workloads(snapshotFromYaml(yaml)).map((w) => `${w.subject.kind}/${w.subject.name}`);

// A CronJob and the Job its controller created, as kube-apiserver v1.37 stores them (read back from the test
// cluster): the Job's template is the CronJob's job template plus the four labels the Job's selector generation adds.
const cronJob = (privileged: boolean) => `
apiVersion: batch/v1
kind: CronJob
metadata: {name: cron, namespace: own, uid: cj1}
spec:
  schedule: "* * * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    metadata: {}
    spec:
      template:
        metadata: {labels: {app: cron}}
        spec:
          containers:
            - {name: task, image: "registry.example.com/task:1", resources: {}, terminationMessagePath: /dev/termination-log, terminationMessagePolicy: File, imagePullPolicy: IfNotPresent, securityContext: {privileged: ${privileged}}}
          restartPolicy: OnFailure
          terminationGracePeriodSeconds: 30
          dnsPolicy: ClusterFirst
          securityContext: {}
          schedulerName: default-scheduler
`;
const job = (status: string) => `
apiVersion: batch/v1
kind: Job
metadata:
  name: cron-29941643
  namespace: own
  uid: j1
  labels: {app: cron, batch.kubernetes.io/controller-uid: j1, batch.kubernetes.io/job-name: cron-29941643, controller-uid: j1, job-name: cron-29941643}
  ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: cron, uid: cj1, controller: true, blockOwnerDeletion: true}]
spec:
  parallelism: 1
  completions: 1
  backoffLimit: 6
  selector: {matchLabels: {batch.kubernetes.io/controller-uid: j1}}
  manualSelector: false
  template:
    metadata:
      labels: {app: cron, batch.kubernetes.io/controller-uid: j1, batch.kubernetes.io/job-name: cron-29941643, controller-uid: j1, job-name: cron-29941643}
    spec:
      containers:
        - {name: task, image: "registry.example.com/task:1", resources: {}, terminationMessagePath: /dev/termination-log, terminationMessagePolicy: File, imagePullPolicy: IfNotPresent, securityContext: {privileged: true}}
      restartPolicy: OnFailure
      terminationGracePeriodSeconds: 30
      dnsPolicy: ClusterFirst
      securityContext: {}
      schedulerName: default-scheduler
  completionMode: NonIndexed
  suspend: false
  podReplacementPolicy: TerminatingOrFailed
status: ${status}
`;
const ACTIVE = '{startTime: "2026-12-05T19:23:00Z", active: 1, ready: 0}';
const COMPLETE = '{conditions: [{type: SuccessCriteriaMet, status: "True"}, {type: Complete, status: "True"}], succeeded: 1}';

describe('workloads(): a CronJob and its Jobs', () => {
  it('leaves a Job created from the current job template to the CronJob', () => {
    expect(subjects(cronJob(true) + '---' + job(ACTIVE))).toEqual(['CronJob/cron']);
  });

  it('reports a running Job created from a job template the CronJob no longer has', () => {
    expect(subjects(cronJob(false) + '---' + job(ACTIVE))).toEqual(['CronJob/cron', 'Job/cron-29941643']);
  });

  it('leaves a finished Job of an older job template to the CronJob: it runs nothing', () => {
    expect(subjects(cronJob(false) + '---' + job(COMPLETE))).toEqual(['CronJob/cron']);
  });

  it('compares a template without labels with the Job that has only the generated ones', () => {
    const bare = (y: string) => y.replace('metadata: {labels: {app: cron}}', 'metadata: {}').replace(/app: cron, (batch\.kubernetes\.io\/controller-uid)/g, '$1');
    expect(subjects(bare(cronJob(true)) + '---' + bare(job(ACTIVE)))).toEqual(['CronJob/cron']);
  });
});

describe('podsWithOwnContainers(): what a controller-owned Pod runs that its template does not hold', () => {
  const fixture = readFileSync(new URL('../checks/pod-privileged/fail.injected-sidecar.yaml', import.meta.url), 'utf8');
  const own = (yaml: string) =>
    podsWithOwnContainers(snapshotFromYaml(yaml)).map(({ w, containers }) => ({
      pod: w.subject.name,
      containers: containers.map((c) => `${c.path} ${c.container.name}${isAddedContainer(c) ? ' (added)' : ''}`),
    }));

  it('gives the containers a webhook added to the Pods, once for replicas that carry them alike', () => {
    expect(own(fixture)).toEqual([
      { pod: 'meshed-f6464fb44-plr4k', containers: ['spec.initContainers[0] mesh-init (added)', 'spec.containers[1] mesh-proxy (added)'] },
    ]);
  });

  it('gives added containers that differ between replicas on each Pod that differs', () => {
    const yaml = fixture.replace(/(zfvrh[\s\S]*?mesh-proxy:)latest/, '$11.1');
    expect(own(yaml).map((o) => o.pod)).toEqual(['meshed-f6464fb44-plr4k', 'meshed-f6464fb44-zfvrh']);
  });

  it('gives ephemeral containers on every Pod that has them', () => {
    const yaml = fixture.replace(
      /(zfvrh[\s\S]*?)(  volumes:)/,
      '$1  ephemeralContainers: [{name: debugger, image: busybox:1.36, securityContext: {privileged: true}}]\n$2',
    );
    expect(own(yaml)[1]).toEqual({ pod: 'meshed-f6464fb44-zfvrh', containers: ['spec.ephemeralContainers[0] debugger'] });
  });

  it('gives nothing for Pods whose containers are all in the template, nor for a Pod reported itself', () => {
    const clean = fixture.replace(/ {4}- name: mesh-proxy[\s\S]*?readOnly: true\}\]\n/g, '').replace(/ {2}initContainers:\n[\s\S]*?readOnly: true\}\]\n/g, '');
    expect(own(clean)).toEqual([]);
    // Its ReplicaSet gone, the Pod is a subject of its own, judged whole.
    expect(own(fixture.replace(/kind: ReplicaSet\n[\s\S]*?---\n/, ''))).toEqual([]);
  });
});

describe('a container added at admission, as the controls report it', () => {
  const fixture = readFileSync(new URL('../checks/pod-privileged/fail.injected-sidecar.yaml', import.meta.url), 'utf8');
  it('says where the container comes from instead of sending the user to the controller, whose template lacks it', () => {
    const controls = allControls().filter((c) => ['pod-privileged', 'pod-capabilities-added'].includes(c.meta.id));
    const { results } = evaluate(snapshotFromYaml(fixture), controls);
    const fails = results.filter((r) => r.status === 'fail');
    expect(fails.map((r) => `${r.controlId} ${r.subject.kind}/${r.subject.name} ${r.container}`)).toEqual([
      'pod-capabilities-added Pod/meshed-f6464fb44-plr4k mesh-init',
      'pod-privileged Pod/meshed-f6464fb44-plr4k mesh-proxy',
    ]);
    for (const r of fails) expect(r.remediation).toContain('it was added when the Pod was created');
    // The Pod is judged for its added containers only: the Deployment is the passing subject, not the Pod too.
    expect(results.filter((r) => r.status === 'pass').map((r) => `${r.controlId} ${r.subject.kind}`)).toEqual(['pod-capabilities-added Deployment', 'pod-privileged Deployment']);
  });
});

describe('ReplicaSets of a controller k8s-audit does not read (an Argo Rollout)', () => {
  // A Rollout keeps its old revisions' ReplicaSets scaled to 0 (revisionHistoryLimit, 10 by default).
  const rs = (name: string, revision: number, replicas: number, opts: { created?: string; owner?: string } = {}) => `
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: ${name}
  namespace: shop
  uid: uid-${name}
  creationTimestamp: "${opts.created ?? `2026-11-0${revision}T00:00:00Z`}"
  annotations: {rollout.argoproj.io/revision: "${revision}"}
  ownerReferences: [{apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: ${opts.owner ?? 'web'}, uid: ro-${opts.owner ?? 'web'}, controller: true}]
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web, rollouts-pod-template-hash: ${name}}}
  template:
    metadata: {labels: {app: web, rollouts-pod-template-hash: ${name}}}
    spec:
      containers: [{name: web, image: "registry.example.com/web:${revision}", securityContext: {privileged: true}}]
---`;

  it('reports the revision that runs, not the history scaled to 0', () => {
    expect(subjects(rs('web-a', 1, 0) + rs('web-b', 2, 0) + rs('web-c', 3, 3))).toEqual(['ReplicaSet/web-c']);
  });

  it('reports every revision that still runs (mid-rollout, canary)', () => {
    expect(subjects(rs('web-a', 1, 0) + rs('web-b', 2, 2) + rs('web-c', 3, 1))).toEqual(['ReplicaSet/web-b', 'ReplicaSet/web-c']);
  });

  it('reports the newest revision when the controller is scaled to 0, by its revision number (a rollback raises an old one)', () => {
    expect(subjects(rs('web-a', 4, 0, { created: '2026-11-01T00:00:00Z' }) + rs('web-b', 3, 0, { created: '2026-11-02T00:00:00Z' }))).toEqual(['ReplicaSet/web-a']);
  });

  it('keeps the revisions of different controllers apart', () => {
    expect(subjects(rs('web-a', 1, 0) + rs('api-a', 1, 0, { owner: 'api' }))).toEqual(['ReplicaSet/api-a', 'ReplicaSet/web-a']);
  });

  it('the privileged container is reported once, on the running revision', () => {
    const results = evaluate(snapshotFromYaml(rs('web-a', 1, 0) + rs('web-b', 2, 0) + rs('web-c', 3, 2)), allControls().filter((c) => c.meta.id === 'pod-privileged')).results;
    expect(results.filter((r) => r.status === 'fail').map((r) => r.subject.name)).toEqual(['web-c']);
  });
});
