import { describe, expect, it } from 'vitest';
import type { LabelSelector } from '../../src/model/k8s.ts';
import { isEmptySelector, matchesSelector, selectorToString } from '../../src/model/selectors.ts';

describe('matchesSelector', () => {
  const labels = { app: 'web', tier: 'frontend', empty: '' };

  it('matches everything with an empty selector, nothing with an absent one unless told otherwise', () => {
    expect(matchesSelector({}, labels)).toBe(true);
    expect(matchesSelector({}, undefined)).toBe(true);
    expect(matchesSelector({ matchLabels: {}, matchExpressions: [] }, {})).toBe(true);
    expect(matchesSelector(undefined, labels)).toBe(false);
    expect(matchesSelector(null, labels)).toBe(false);
    expect(matchesSelector(undefined, labels, 'matches-everything')).toBe(true);
  });

  it('requires every matchLabels entry (AND), including empty values', () => {
    expect(matchesSelector({ matchLabels: { app: 'web', tier: 'frontend' } }, labels)).toBe(true);
    expect(matchesSelector({ matchLabels: { app: 'web', tier: 'backend' } }, labels)).toBe(false);
    expect(matchesSelector({ matchLabels: { app: 'web', zone: 'a' } }, labels)).toBe(false);
    expect(matchesSelector({ matchLabels: { empty: '' } }, labels)).toBe(true);
    expect(matchesSelector({ matchLabels: { missing: '' } }, labels)).toBe(false);
  });

  it('implements In, NotIn, Exists and DoesNotExist, absent keys included', () => {
    const e = (operator: string, key: string, values?: string[]): LabelSelector => ({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });
    expect(matchesSelector(e('In', 'app', ['web', 'api']), labels)).toBe(true);
    expect(matchesSelector(e('In', 'app', ['api']), labels)).toBe(false);
    expect(matchesSelector(e('In', 'zone', ['a']), labels)).toBe(false);
    expect(matchesSelector(e('In', 'empty', ['']), labels)).toBe(true);
    expect(matchesSelector(e('NotIn', 'app', ['api']), labels)).toBe(true);
    expect(matchesSelector(e('NotIn', 'app', ['web']), labels)).toBe(false);
    expect(matchesSelector(e('NotIn', 'zone', ['a']), labels)).toBe(true);
    expect(matchesSelector(e('Exists', 'empty'), labels)).toBe(true);
    expect(matchesSelector(e('Exists', 'zone'), labels)).toBe(false);
    expect(matchesSelector(e('DoesNotExist', 'zone'), labels)).toBe(true);
    expect(matchesSelector(e('DoesNotExist', 'app'), labels)).toBe(false);
    // The API server rejects unknown operators; such a selector selects nothing.
    expect(matchesSelector(e('Gt', 'app', ['1']), labels)).toBe(false);
    // It rejects In and NotIn without values, Exists and DoesNotExist with them: manifests can hold them, and they
    // select nothing (NotIn [] would otherwise select everything).
    expect(matchesSelector(e('NotIn', 'app', []), labels)).toBe(false);
    expect(matchesSelector(e('NotIn', 'zone'), labels)).toBe(false);
    expect(matchesSelector(e('In', 'app', []), labels)).toBe(false);
    expect(matchesSelector(e('Exists', 'app', ['web']), labels)).toBe(false);
    expect(matchesSelector(e('DoesNotExist', 'zone', ['x']), labels)).toBe(false);
  });

  it('combines matchLabels and matchExpressions with AND', () => {
    const sel: LabelSelector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] };
    expect(matchesSelector(sel, labels)).toBe(false);
    expect(matchesSelector(sel, { app: 'web' })).toBe(true);
  });

  it('never finds Object.prototype members as labels', () => {
    expect(matchesSelector({ matchLabels: { constructor: 'null' } }, {})).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'toString', operator: 'Exists' }] }, {})).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'hasOwnProperty', operator: 'DoesNotExist' }] }, {})).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'valueOf', operator: 'NotIn', values: ['x'] }] }, {})).toBe(true);
    expect(matchesSelector({ matchLabels: { constructor: 'null' } }, { constructor: 'null' })).toBe(true);
  });
});

describe('isEmptySelector', () => {
  it('is true only for a present selector without requirements', () => {
    expect(isEmptySelector({})).toBe(true);
    expect(isEmptySelector({ matchLabels: {}, matchExpressions: [] })).toBe(true);
    expect(isEmptySelector({ matchLabels: { a: 'b' } })).toBe(false);
    expect(isEmptySelector({ matchExpressions: [{ key: 'a', operator: 'Exists' }] })).toBe(false);
    expect(isEmptySelector(undefined)).toBe(false);
    expect(isEmptySelector(null)).toBe(false);
  });
});

describe('selectorToString', () => {
  it('writes the API string syntax', () => {
    expect(selectorToString({})).toBe('');
    expect(
      selectorToString({
        matchLabels: { app: 'web', 'example.com/team': '' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'env', operator: 'NotIn', values: ['prod'] },
          { key: 'canary', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=web,example.com/team=,tier in (a,b),env notin (prod),canary,!legacy');
  });
});
