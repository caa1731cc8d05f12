import { describe, expect, it } from 'vitest';
import { serverAtLeast } from '../../src/model/snapshot.ts';

describe('serverAtLeast', () => {
  const v = (major: string, minor: string) => ({ gitVersion: `v${major}.${minor}`, major, minor });
  it('compares the minor version of 1.x, managed clusters\' "30+" included', () => {
    expect(serverAtLeast(v('1', '36'), 36)).toBe(true);
    expect(serverAtLeast(v('1', '35'), 36)).toBe(false);
    expect(serverAtLeast(v('1', '36+'), 36)).toBe(true);
    expect(serverAtLeast(v('1', '35+'), 36)).toBe(false);
    expect(serverAtLeast(v('2', '0'), 36)).toBe(true);
  });
  it('is false when the version is unknown or unreadable', () => {
    expect(serverAtLeast(undefined, 1)).toBe(false);
    expect(serverAtLeast(v('', ''), 1)).toBe(false);
  });
});
