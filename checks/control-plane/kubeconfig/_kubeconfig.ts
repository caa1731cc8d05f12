import type { KubeconfigFacts } from '../../../src/collect/extras.ts';
import type { Reporter } from '../../../src/engine/types.ts';
import { CLUSTER_SUBJECT } from '../../../src/engine/run.ts';
import type { Snapshot } from '../../../src/model/snapshot.ts';
import type { SubjectRef } from '../../../src/model/workloads.ts';

/** The kubeconfig entry the scan used, as a result subject: kind Config (a kubeconfig's own kind), named after the context. */
export function kubeconfigSubject(k: KubeconfigFacts): SubjectRef {
  return { apiVersion: 'v1', kind: 'Config', name: k.origin === 'in-cluster' ? 'in-cluster' : (k.context ?? k.origin) };
}

/** The kubeconfig facts, or undefined after reporting why they are missing. */
export function kubeconfigFacts(snapshot: Snapshot, report: Reporter): KubeconfigFacts | undefined {
  const k = snapshot.extras?.kubeconfig;
  if (!k) {
    report.notAssessed(CLUSTER_SUBJECT, snapshot.source === 'manifests' ? 'Scanning manifests: no kubeconfig is in use.' : 'The kubeconfig in use was not examined.');
    return undefined;
  }
  if (k.state !== 'ok') {
    report.notAssessed(kubeconfigSubject(k), `The kubeconfig in use could not be examined: ${k.reason ?? k.state}.`);
    return undefined;
  }
  return k;
}
