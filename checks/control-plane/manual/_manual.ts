import { defineControl, type Area, type Control, type Severity } from '../../../src/engine/types.ts';

/**
 * A CIS item that cannot be decided through the Kubernetes API. It is still a
 * control, so the framework view lists it — always `not-assessed`, with the
 * reason and what an auditor checks instead — rather than leaving a gap.
 */
export function manualControl(spec: {
  id: string;
  title: string;
  area: Area;
  severity: Severity;
  cis: string[];
  description: string;
  rationale: string;
  remediation: string;
  manual: string;
  links?: string[];
}): Control {
  return defineControl({
    meta: {
      id: spec.id,
      title: spec.title,
      area: spec.area,
      severity: spec.severity,
      description: spec.description,
      rationale: spec.rationale,
      remediation: spec.remediation,
      references: { cis: spec.cis, ...(spec.links ? { links: spec.links } : {}) },
      messages: {},
      manual: spec.manual,
    },
    reads: [],
    evaluate() {
      // Never called: the engine reports manual controls as not-assessed with meta.manual as the reason.
    },
  });
}
