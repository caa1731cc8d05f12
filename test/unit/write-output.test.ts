// writeOutput (src/cli/output.ts): whole files by rename, but never by renaming over what is not a regular file.
import { execFileSync, spawn } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWritable, writeOutput } from '../../src/cli/output.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'k8s-audit-write-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeOutput', () => {
  it('writes into a named pipe that a reader holds open, and leaves it a pipe', async () => {
    const fifo = join(dir, 'report.json');
    execFileSync('mkfifo', [fifo]);
    // The reader gives up after 10 s: renaming a file over the pipe would leave it waiting for a writer forever.
    const reader = spawn('timeout', ['10', 'cat', fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    let got = '';
    reader.stdout.on('data', (d: Buffer) => (got += d.toString()));
    const closed = new Promise<number | null>((resolve) => reader.on('close', resolve));
    await new Promise((r) => setTimeout(r, 200)); // let cat open its end first
    writeOutput(fifo, ['{"a":', '1}\n']);
    expect(await closed).toBe(0);
    expect(got).toBe('{"a":1}\n');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['report.json']); // no temporary file left beside it
  }, 20_000);

  it('writes through a symbolic link: the file it points to is replaced, the link stays', () => {
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'scan.json.gz'), 'old');
    symlinkSync(join('real', 'scan.json.gz'), join(dir, 'latest.json.gz'));
    writeOutput(join(dir, 'latest.json.gz'), 'new\n');
    expect(lstatSync(join(dir, 'latest.json.gz')).isSymbolicLink()).toBe(true);
    expect(gunzipSync(readFileSync(join(dir, 'real', 'scan.json.gz'))).toString()).toBe('new\n');
    expect(readdirSync(join(dir, 'real'))).toEqual(['scan.json.gz']);
  });

  it('replaces a regular file whole, and leaves it untouched when the render fails', () => {
    const file = join(dir, 'out.md');
    writeFileSync(file, 'before');
    const failing = (function* () {
      yield 'half';
      throw new Error('render failed');
    })();
    expect(() => writeOutput(file, failing)).toThrow('render failed');
    expect(readFileSync(file, 'utf8')).toBe('before');
    writeOutput(file, 'after');
    expect(readFileSync(file, 'utf8')).toBe('after');
    expect(readdirSync(dir)).toEqual(['out.md']);
  });

  it('checkWritable: a temporary file a killed run left behind is no obstacle, and none is left', () => {
    const out = join(dir, 'scan.json');
    writeFileSync(join(dir, `.scan.json.${process.pid}.tmp`), 'stale');
    expect(() => checkWritable(out)).not.toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });
});
