// The launcher (bin/k8s-audit.js) as a shell runs it: a reader that goes away early (`| head -1`) is not an error.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../bin/k8s-audit.js', import.meta.url).pathname;
const repo = new URL('../../', import.meta.url).pathname;

/** Run the CLI, read its first piece of output, then close the pipe, as `| head -1` does. */
function runAndCloseEarly(args: string[]): Promise<{ code: number | null; stderr: string; first: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let first = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', (d: Buffer) => {
      first = d.toString();
      child.stdout.destroy();
    });
    child.on('close', (code) => resolve({ code, stderr, first }));
  });
}

describe('launcher', () => {
  it('exits quietly, with the command\'s own code, when its reader closes the pipe (EPIPE)', async () => {
    // Both write far more than a pipe holds (the catalogue is about 160 KB, the report about 480 KB).
    for (const [args, code] of [
      [['controls', '--format', 'md'], 0],
      [['scan', '-f', 'test/scenarios/demo', '--format', 'md', '--fail-on', 'critical'], 1],
    ] as const) {
      const r = await runAndCloseEarly([...args]);
      expect(r.first.length).toBeGreaterThan(0);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(code);
    }
  }, 60_000);

  it('runs a scan with a smaller young generation, unless one is chosen, and keeps its stdin', () => {
    const manifest = readFileSync(`${repo}test/checks/pod-privileged/fail.init-and-ephemeral.yaml`, 'utf8');
    const flagsOf = (nodeArgs: string[], env: Record<string, string> = {}) => {
      const r = spawnSync(process.execPath, [...nodeArgs, bin, 'scan', '-f', '-', '--format', 'summary', '--fail-on', 'none', '--debug'], {
        cwd: repo,
        input: manifest,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '', ...env },
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('pod-privileged'); // the re-started process read the manifest from the same stdin
      return JSON.parse(/timings (\{.*\})/.exec(r.stderr)![1]!).nodeFlags as string[];
    };
    expect(flagsOf([])).toEqual(['--max-semi-space-size=16']);
    expect(flagsOf(['--max-old-space-size=512'])).toEqual(['--max-semi-space-size=16', '--max-old-space-size=512']);
    expect(flagsOf(['--max_semi_space_size=8'])).toEqual(['--max_semi_space_size=8']);
    expect(flagsOf([], { NODE_OPTIONS: '--max-semi-space-size=32' })).toEqual(['NODE_OPTIONS=--max-semi-space-size=32']);
  }, 60_000);
});
