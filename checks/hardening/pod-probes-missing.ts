import { defineControl } from '../../src/engine/types.ts';
import type { Container } from '../../src/model/k8s.ts';
import { WORKLOAD_KINDS, containersOf, workloads, type ContainerRef } from '../../src/model/workloads.ts';
import { applyVia, containerPatch, workloadRemediations } from './_remediation.ts';

const PROBES = [
  { field: 'livenessProbe', word: 'liveness' },
  { field: 'readinessProbe', word: 'readiness' },
] as const;

/**
 * The port a suggested probe names: the container's first declared port, by name if it has one (a probe that
 * names a port follows it when its number changes), else a placeholder. A number must not be quoted in the patch
 * (a quoted one is read as a port name, and refused), so the placeholder's text says how to fill it.
 */
function probePort(container: Container): string | number {
  const port = container.ports?.find((p) => typeof p.containerPort === 'number');
  if (!port) return '<PORT>';
  return port.name ? port.name : port.containerPort;
}

/** Kinds whose pods run to completion; their templates must use restartPolicy Never or OnFailure. */
const BATCH_KINDS = new Set(['Job', 'CronJob']);

export default defineControl({
  meta: {
    id: 'pod-probes-missing',
    title: 'Long-running containers have liveness and readiness probes',
    area: 'workloads',
    severity: 'low',
    description:
      'For every regular container, and every sidecar (an init container with restartPolicy: Always), looks for a livenessProbe and a readinessProbe, and reports each one missing. A startupProbe does not replace them. Exempt, by design: ordinary init containers and ephemeral containers (the API server refuses probes on them), and containers that run to completion — those of Jobs and CronJobs, and a regular container whose restartPolicy (its own, else the pod\'s) is Never or OnFailure — where a readiness gate has no Service to gate and a hung run is bounded by activeDeadlineSeconds instead. A regular container of its own restartPolicy Always runs for as long as its pod, even in a pod of restartPolicy Never, and is judged. A subject with no container to judge is reported not-applicable.',
    rationale:
      'Without a liveness probe a deadlocked process keeps its pod Running forever; without a readiness probe traffic reaches a pod before it can serve, and keeps reaching it while it cannot. Both turn partial failures into outages that nobody is alerted to.',
    ...workloadRemediations({
      action:
        "Add a {{probe}} probe to container {{container}} of {{kind}} {{namespace}}/{{name}}, pointing at an endpoint that reflects the application's health (replace <PATH>, and a \"<PORT>\" with the port's name in quotes or its number without; or use a tcpSocket or exec probe)",
    }),
    references: {
      links: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/'],
    },
    messages: {
      missing: 'Container "{{container}}" ({{containerType}}) has no {{probe}} probe.',
    },
  },
  reads: WORKLOAD_KINDS,
  evaluate(snapshot, report) {
    for (const w of workloads(snapshot)) {
      const restartPolicy = (w.podSpec as { restartPolicy?: string }).restartPolicy ?? 'Always';
      if (BATCH_KINDS.has(w.subject.kind)) {
        report.notApplicable(w.subject, `${w.subject.kind} pods run to completion: probes are not required`);
        continue;
      }
      // A regular container's own restartPolicy (ContainerRestartRules, beta and on from v1.35) overrides the pod's:
      // the kubelet restarts it by its own policy (ContainerShouldRestart). One that is restarted Always runs for as
      // long as the pod; one that is not runs to completion, even in a pod restarted Always.
      const containers = containersOf(w.podSpec, w.specPath);
      const longRunning = (c: ContainerRef) => c.type === 'containers' && (c.container.restartPolicy ?? restartPolicy) === 'Always';
      if (!containers.some(longRunning)) {
        report.notApplicable(
          w.subject,
          restartPolicy !== 'Always'
            ? `restartPolicy ${restartPolicy}: the pod runs to completion, probes are not required`
            : 'every container sets a restartPolicy other than Always: they run to completion, probes are not required',
        );
        continue;
      }
      let failed = false;
      for (const c of containers) {
        if (c.type === 'ephemeralContainers') continue;
        if (c.type === 'initContainers' && c.container.restartPolicy !== 'Always') continue;
        if (c.type === 'containers' && !longRunning(c)) continue;
        for (const { field, word } of PROBES) {
          if (c.container[field] != null) continue;
          failed = true;
          report.fail(w.subject, {
            remediationId: applyVia(w, c),
            messageId: 'missing',
            data: {
              containerType: c.type === 'initContainers' ? 'sidecar initContainers' : c.type,
              probe: word,
              ...containerPatch(w, c, { [field]: { httpGet: { path: '<PATH>', port: probePort(c.container) }, periodSeconds: 10 } }),
            },
            path: `${c.path}.${field}`,
            container: c.container.name,
            observed: null,
            expected: `a ${word} probe`,
          });
        }
      }
      if (!failed) report.pass(w.subject);
    }
  },
});
