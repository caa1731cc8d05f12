import type { Control } from '../../src/engine/types.ts';
import cniNetworkPolicySupport from './cni-network-policy-support.ts';
import namespaceDefaultDeny from './namespace-default-deny.ts';
import namespaceNetworkPolicy from './namespace-network-policy.ts';
import netpolAllNamespaces from './netpol-all-namespaces.ts';
import netpolAllowAll from './netpol-allow-all.ts';
import netpolAnyPeer from './netpol-any-peer.ts';
import netpolEgressMetadata from './netpol-egress-metadata.ts';
import netpolRulesIgnored from './netpol-rules-ignored.ts';
import netpolSelectsNoPods from './netpol-selects-no-pods.ts';
import workloadNetworkIsolation from './workload-network-isolation.ts';

export const NETWORK_CONTROLS: readonly Control[] = [
  namespaceNetworkPolicy,
  namespaceDefaultDeny,
  workloadNetworkIsolation,
  netpolAllowAll,
  netpolAnyPeer,
  netpolAllNamespaces,
  netpolEgressMetadata,
  netpolSelectsNoPods,
  netpolRulesIgnored,
  cniNetworkPolicySupport,
];
