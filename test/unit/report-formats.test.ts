import { describe, expect, it } from 'vitest';
import { destinations, formatFromPath, parseFormats } from '../../src/cli/output.ts';
import { EXTENSIONS, FORMATS, render } from '../../src/report/index.ts';
import { hostileResult } from '../fixtures/report/results.ts';

describe('report formats', () => {
  it('offers sarif and junit beside the human formats, and a summary for CI', () => {
    expect(FORMATS).toEqual(['table', 'json', 'md', 'html', 'sarif', 'junit', 'summary']);
    expect(parseFormats(['html,sarif', 'junit'])).toEqual(['html', 'sarif', 'junit']);
  });

  it('writes report.<ext> per format in a directory, json as scan.json', () => {
    expect(destinations(['json', 'html', 'md', 'sarif', 'junit', 'summary'], 'out/')).toEqual([
      { format: 'json', path: 'out/scan.json' },
      { format: 'html', path: 'out/report.html' },
      { format: 'md', path: 'out/report.md' },
      { format: 'sarif', path: 'out/report.sarif' },
      { format: 'junit', path: 'out/report.junit.xml' },
      { format: 'summary', path: 'out/report.summary.md' },
    ]);
    expect(EXTENSIONS.junit).toBe('junit.xml');
  });

  it('infers the format from a single output file name', () => {
    expect(formatFromPath('results/k8s.sarif')).toBe('sarif');
    expect(formatFromPath('report.junit.xml')).toBe('junit');
    expect(formatFromPath('report.html')).toBe('html');
    expect(formatFromPath('scan.json.gz')).toBe('json');
    expect(formatFromPath('out/report.SARIF.GZ')).toBe('sarif');
    expect(formatFromPath('report.junit.xml.gz')).toBe('junit');
    expect(formatFromPath('archive.gz')).toBeUndefined();
  });

  it('renders every format from the same result, deterministically', () => {
    const r = hostileResult();
    for (const f of FORMATS) {
      const a = render(r, f);
      expect(a.length).toBeGreaterThan(100);
      expect(render(r, f)).toBe(a);
    }
    expect(JSON.parse(render(r, 'json'))).toEqual(r);
  });
});
