import { describe, expect, it } from 'vitest';
import { workloads } from '../../src/model/workloads.ts';
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
