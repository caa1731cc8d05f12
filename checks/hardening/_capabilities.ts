/**
 * Linux capabilities as the container runtimes read a container's `securityContext.capabilities`: names are
 * case-insensitive and may carry the `CAP_` prefix (containerd and CRI-O add it when missing), and `ALL` stands for
 * every capability. A privileged container gets every capability whatever it drops.
 */
import type { Container } from '../../src/model/k8s.ts';

/** A capability name as the runtime reads it: upper case, without `CAP_`. */
export function capabilityName(raw: unknown): string {
  return String(raw).trim().toUpperCase().replace(/^CAP_/, '');
}

export interface Capabilities {
  add: string[];
  drop: string[];
  /** The lists as written (for patches that must keep the other entries). */
  rawAdd: unknown[];
  rawDrop: unknown[];
}

export function capabilitiesOf(c: Container): Capabilities {
  const caps = (c.securityContext as { capabilities?: { add?: unknown; drop?: unknown } } | undefined)?.capabilities;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const rawAdd = list(caps?.add).filter((x) => capabilityName(x) !== '');
  const rawDrop = list(caps?.drop).filter((x) => capabilityName(x) !== '');
  return { add: rawAdd.map(capabilityName), drop: rawDrop.map(capabilityName), rawAdd, rawDrop };
}
