import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.ts';

/** Run the CLI in-process with captured output; `tty` pretends stdout and stderr are terminals. */
export async function runCli(args: string[], opts: { tty?: boolean } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough() as unknown as NodeJS.WriteStream;
  const stderr = new PassThrough() as unknown as NodeJS.WriteStream;
  stdout.isTTY = opts.tty ?? false;
  stderr.isTTY = opts.tty ?? false;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await main(['node', 'k8s-audit', ...args], { stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
