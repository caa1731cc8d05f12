/**
 * Workload hardening beyond the Pod Security Standards (the seeds' guidance and
 * CIS 5.1.5/5.1.6, 5.2.8, 5.2.9, 5.4.1, 5.6.4), plus Ingress TLS. Controls here report with
 * area `workloads`.
 */
import type { Control } from '../../src/engine/types.ts';
import ingressTlsMissing from './ingress-tls-missing.ts';
import podCapabilitiesAdded from './pod-capabilities-added.ts';
import podCapabilityNetRaw from './pod-capability-net-raw.ts';
import namespaceDefaultUsed from './namespace-default-used.ts';
import podAutomountToken from './pod-automount-token.ts';
import podDefaultServiceaccount from './pod-default-serviceaccount.ts';
import podHostpathSensitive from './pod-hostpath-sensitive.ts';
import podHostpathWritable from './pod-hostpath-writable.ts';
import podImageDigest from './pod-image-digest.ts';
import podImagePullPolicy from './pod-image-pull-policy.ts';
import podImageRegistry from './pod-image-registry.ts';
import podImageTagLatest from './pod-image-tag-latest.ts';
import podProbesMissing from './pod-probes-missing.ts';
import podReadonlyRootfs from './pod-readonly-rootfs.ts';
import podResourcesMissing from './pod-resources-missing.ts';
import podSecretEnv from './pod-secret-env.ts';
import serviceaccountDefaultAutomount from './serviceaccount-default-automount.ts';

export const HARDENING_CONTROLS: readonly Control[] = [
  podReadonlyRootfs,
  podCapabilityNetRaw,
  podCapabilitiesAdded,
  podResourcesMissing,
  podProbesMissing,
  podImageTagLatest,
  podImageDigest,
  podImagePullPolicy,
  podImageRegistry,
  podSecretEnv,
  podAutomountToken,
  podDefaultServiceaccount,
  serviceaccountDefaultAutomount,
  namespaceDefaultUsed,
  podHostpathSensitive,
  podHostpathWritable,
  ingressTlsMissing,
];
