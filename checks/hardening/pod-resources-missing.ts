import { defineControl } from '../../src/engine/types.ts';
import type { K8sObject, PodSpec } from '../../src/model/k8s.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';
import { WORKLOAD_KINDS, containersOf, workloads } from '../../src/model/workloads.ts';
import { applyVia, containerPatch, suspendedJobTakesResources, workloadRemediations } from './_remediation.ts';

const RESOURCES = ['cpu', 'memory'] as const;
const KINDS = ['requests', 'limits'] as const;
type Resource = (typeof RESOURCES)[number];
type Kind = (typeof KINDS)[number];

type ResourceList = Record<string, unknown> | undefined;

interface LimitRangeItem {
  type?: string;
  default?: ResourceList;
  defaultRequest?: ResourceList;
  max?: ResourceList;
  min?: ResourceList;
}

const given = (list: ResourceList, r: Resource) => list != null && list[r] !== undefined && list[r] !== null && list[r] !== '';

/** A quantity of zero in any of its spellings (`0`, `0m`, `0Mi`, `0.0`, `0e3`): the kubelet sets no limit for it, and a zero request is none. */
const ZERO = /^[+-]?(?=\.?\d)0*(\.0*)?(?:[eE][+-]?\d+|[a-zA-Z]{1,2})?$/;
const isZero = (v: unknown) => v === 0 || (typeof v === 'string' && v !== '' && ZERO.test(v.trim()));

/** A value that sets something: given, and not zero. */
const has = (list: ResourceList, r: Resource) => given(list, r) && !isZero(list![r]);

/**
 * Whether a LimitRange of type Container fills in a default the container
 * lacks, with the API server's LimitRange defaulting: a default limit comes
 * from `default`, else `max`; a default request from `defaultRequest`, else
 * the default limit, else `min`.
 */
function limitRangeDefault(ranges: readonly K8sObject[], kind: Kind, r: Resource): string | undefined {
  for (const lr of ranges) {
    const items = ((lr.spec as { limits?: LimitRangeItem[] } | undefined)?.limits ?? []).filter((i) => i?.type === 'Container');
    for (const i of items) {
      const limit = has(i.default, r) || has(i.max, r);
      const found = kind === 'limits' ? limit : has(i.defaultRequest, r) || limit || has(i.min, r);
      if (found) return lr.metadata.name;
    }
  }
  return undefined;
}

/** A pod-level value; for a request, a pod-level limit too (the API server defaults pod-level requests to pod-level limits). */
function podLevel(spec: PodSpec, kind: Kind, r: Resource): boolean {
  const resources = (spec as { resources?: { requests?: ResourceList; limits?: ResourceList } }).resources;
  return has(resources?.[kind], r) || (kind === 'requests' && has(resources?.limits, r));
}

function rangesOf(snapshot: Snapshot, namespace: string | undefined): readonly K8sObject[] {
  return namespace ? snapshot.inNamespace('limitranges', namespace) : [];
}

export default defineControl({
  meta: {
    id: 'pod-resources-missing',
    title: 'Containers declare CPU and memory requests and limits',
    area: 'workloads',
    severity: 'medium',
    description:
      'For every init and regular container, looks for a CPU and a memory request and limit, and reports each one missing at its exact path. A value of zero (`0`, `0m`, `0Mi`) counts as missing: the kubelet sets no limit for it, and neither the container\'s limit (for a request) nor a LimitRange default replaces a zero that is written (both fill in only values left out). Counted as present: a value on the container; for a request, the container\'s limit (the API server copies limits into missing requests when it creates the Pod); a pod-level `spec.resources` value (for a request, a pod-level limit too: the API server defaults one to the other); a default from a LimitRange of type Container in the namespace (applied to Pods at admission, with the API\'s LimitRange defaulting: default limit from `default` or `max`, default request from `defaultRequest`, the default limit, or `min`), except for a Pod read from the cluster: it was admitted already, and one created before the LimitRange runs without its defaults. Ephemeral containers are exempt: they may not declare resources.',
    rationale:
      'Without requests the scheduler packs pods blindly and they are evicted first under pressure; without limits one container can take a node\'s memory or CPU from every other pod on it, which turns a compromised or faulty workload into a node-wide denial of service.',
    ...workloadRemediations({
      action:
        'Give container {{container}} of {{kind}} {{namespace}}/{{name}} a {{resource}} {{kindWord}} sized from its observed usage (replace <VALUE>, for example 250m of CPU or 256Mi of memory), or give namespace {{namespace}} a LimitRange with defaults',
    }),
    references: {
      links: [
        'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
        'https://kubernetes.io/docs/concepts/policy/limit-range/',
      ],
    },
    messages: {
      missing: 'Container "{{container}}" ({{containerType}}) has no {{resource}} {{kindWord}}.',
      zero: 'Container "{{container}}" ({{containerType}}) has a {{resource}} {{kindWord}} of zero, which sets none.',
      predatesLimitRange:
        'Container "{{container}}" ({{containerType}}) has no {{resource}} {{kindWord}}: LimitRange "{{limitRange}}" sets a default, but only in Pods created after it.',
    },
  },
  reads: [...WORKLOAD_KINDS, 'limitranges'],
  evaluate(snapshot, report) {
    const resourcesInPlace = suspendedJobTakesResources(snapshot);
    for (const w of workloads(snapshot)) {
      const ranges = rangesOf(snapshot, w.subject.namespace);
      // A Pod read from the cluster was admitted already: LimitRanger gave it its defaults when it was created (or
      // did not, if the LimitRange came later), and its stored spec is what runs. Only Pods yet to be created (those
      // of a controller's template, or any object of a manifest) take a LimitRange's defaults.
      const admitted = snapshot.source === 'cluster' && w.subject.kind === 'Pod';
      let failed = false;
      for (const c of containersOf(w.podSpec, w.specPath)) {
        if (c.type === 'ephemeralContainers') continue;
        const res = c.container.resources;
        for (const kind of KINDS) {
          for (const r of RESOURCES) {
            // The value the Pod ends up with: a request the container leaves out takes its limit (API defaulting),
            // and a LimitRange fills in only what is still left out: a zero, written or copied from a zero limit,
            // is kept (LimitRanger's mergeContainerResources sets only keys that are not there).
            const own = kind === 'requests' && !given(res?.requests, r) ? res?.limits : res?.[kind];
            if (has(own, r)) continue;
            if (podLevel(w.podSpec, kind, r)) continue;
            const limitRange = given(own, r) ? undefined : limitRangeDefault(ranges, kind, r);
            if (limitRange && !admitted) continue;
            failed = true;
            const zero = given(res?.[kind], r);
            report.fail(w.subject, {
              remediationId: applyVia(w, c, { suspendedJob: resourcesInPlace }),
              messageId: zero ? 'zero' : limitRange ? 'predatesLimitRange' : 'missing',
              data: {
                containerType: c.type,
                limitRange: limitRange ?? '',
                resource: r,
                kindWord: kind === 'requests' ? 'request' : 'limit',
                ...containerPatch(w, c, { resources: { [kind]: { [r]: '<VALUE>' } } }),
              },
              path: `${c.path}.resources.${kind}.${r}`,
              container: c.container.name,
              observed: zero ? res![kind]![r] : null,
              expected: `a ${r} ${kind === 'requests' ? 'request' : 'limit'}`,
            });
          }
        }
      }
      if (!failed) report.pass(w.subject);
    }
  },
});
