/**
 * Linux capabilities as the container runtimes read a container's `securityContext.capabilities`, read so that no
 * runtime could grant more than what is judged. Both containerd and CRI-O upper-case each name; `ALL` stands for every
 * capability; a privileged container gets every capability whatever it drops. They differ on the `CAP_` prefix:
 * CRI-O adds it when it is missing, containerd always adds it, so on containerd `drop: [CAP_NET_RAW]` drops
 * `CAP_CAP_NET_RAW` (nothing) and `add: [CAP_SYS_ADMIN]` adds nothing. So an added name counts with or without the
 * prefix (CRI-O grants it), and a dropped name only without it (containerd keeps it).
 */
import type { Container } from '../../src/model/k8s.ts';

/** An added capability as any runtime may read it: upper case, without `CAP_`. */
export function capabilityName(raw: unknown): string {
  return String(raw).trim().toUpperCase().replace(/^CAP_/, '');
}

/** A dropped capability as every runtime drops it: upper case, and a `CAP_` prefix kept (containerd drops nothing then). */
export function droppedName(raw: unknown): string {
  return String(raw).toUpperCase();
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
  const rawDrop = list(caps?.drop).filter((x) => droppedName(x) !== '');
  return { add: rawAdd.map(capabilityName), drop: rawDrop.map(droppedName), rawAdd, rawDrop };
}
