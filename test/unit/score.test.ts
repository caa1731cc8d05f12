import { describe, expect, it } from 'vitest';
import { GRADES, SEVERITY_WEIGHTS, gradeOf, score } from '../../src/engine/score.ts';
import type { Severity, Status } from '../../src/engine/types.ts';

const r = (controlId: string, status: Status, severity: Severity = 'high') => ({ controlId, status, severity });

describe('score', () => {
  it('is null (n/a) when nothing was assessed', () => {
    expect(score([])).toEqual({ score: null, grade: 'n/a', pass: 0, fail: 0 });
    expect(score([r('a', 'not-assessed'), r('b', 'not-applicable'), r('c', 'waived')]).score).toBeNull();
  });

  it("is each control's pass rate weighted by severity", () => {
    // critical control: 1 of 2 pass (0.5); low control: 3 of 3 pass (1.0)
    const results = [r('c', 'pass', 'critical'), r('c', 'fail', 'critical'), r('l', 'pass', 'low'), r('l', 'pass', 'low'), r('l', 'pass', 'low')];
    const expected = (100 * (SEVERITY_WEIGHTS.critical * 0.5 + SEVERITY_WEIGHTS.low * 1)) / (SEVERITY_WEIGHTS.critical + SEVERITY_WEIGHTS.low);
    expect(score(results).score).toBe(Math.round(expected * 10) / 10);
    expect(score(results)).toMatchObject({ pass: 4, fail: 1 });
  });

  it('does not let a control with many subjects drown out one with few', () => {
    const many = Array.from({ length: 1000 }, () => r('big', 'pass'));
    expect(score([...many, r('small', 'fail')]).score).toBe(50);
  });

  it('never counts waived, not-assessed or not-applicable as passing', () => {
    const base = [r('a', 'pass'), r('a', 'fail')];
    expect(score([...base, r('a', 'waived'), r('a', 'not-assessed'), r('a', 'not-applicable')]).score).toBe(score(base).score);
  });

  it("weighs a control by its own severity when findings carry raised ones", () => {
    const raised = [r('x', 'fail', 'critical'), r('x', 'pass', 'low'), r('y', 'pass', 'low')];
    const own = (id: string): Severity => (id === 'x' ? 'low' : 'low');
    // Both controls weigh the same (low): x is at 0.5, y at 1.0.
    expect(score(raised, own).score).toBe(75);
    // Without the control's severity, the first result's severity would decide x's weight.
    expect(score(raised).score).not.toBe(75);
  });

  it('grades by the documented thresholds', () => {
    expect(GRADES.map(([min]) => min)).toEqual([90, 80, 70, 60, 0]);
    expect([95, 90, 89.9, 80, 70, 60, 59.9, 0].map(gradeOf)).toEqual(['A', 'A', 'B', 'B', 'C', 'D', 'F', 'F']);
    expect(gradeOf(null)).toBe('n/a');
  });
});
