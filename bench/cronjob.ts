// What the CronJob (deploy/) gives a scan, for the bench to run --history as the cluster would.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const REPO_ROOT = new URL('../', import.meta.url).pathname;

/**
 * The JavaScript heap the CronJob's scan may use, in MiB: the image's `--max-old-space-size-percentage`
 * (Dockerfile) of the CronJob's memory limit (deploy/base/cronjob.yaml). Outside a container Node sizes
 * the heap from the machine's memory, so the bench gives the --history runs this ceiling itself: near it
 * V8 collects harder, and past it the run fails as it would in the cluster.
 */
export function cronJobHeapMiB(root = REPO_ROOT): number {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const percent = Number(/"--max-old-space-size-percentage=(\d+)"/.exec(dockerfile)?.[1]);
  const cronJob = parse(readFileSync(join(root, 'deploy/base/cronjob.yaml'), 'utf8')) as {
    spec: { jobTemplate: { spec: { template: { spec: { containers: { resources?: { limits?: { memory?: string } } }[] } } } } };
  };
  const limit = cronJob.spec.jobTemplate.spec.template.spec.containers[0]?.resources?.limits?.memory ?? '';
  const q = /^(\d+)(Mi|Gi)$/.exec(limit);
  if (!percent || !q) throw new Error(`cannot tell the CronJob's heap: Dockerfile percentage ${percent}, memory limit "${limit}"`);
  return Math.floor((Number(q[1]) * (q[2] === 'Gi' ? 1024 : 1) * percent) / 100);
}
