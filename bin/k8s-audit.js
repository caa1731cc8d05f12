#!/usr/bin/env node
// The launcher: check the runtime, then hand over to the CLI.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`k8s-audit: Node.js 22.12 or newer is required (this is ${process.version})\n`);
  process.exit(2);
}
// V8 gives a young generation of up to 64 MB per semi-space (three of them) whatever the heap holds. A scan keeps most
// of what it parses, so a smaller one costs no time and lowers its peak by a fifth (about 130 MB at 10,000 Pods; see
// the README's Performance section). V8 fixes this when the process starts, so the launcher starts over once with the
// flag: process.execve replaces the program in the same process (same pid, stdio and terminal). A flag chosen on the
// command line or in NODE_OPTIONS is left alone; without execve (Windows, older Node) V8's default stays. Only the
// commands that hold a scan start over: the others would pay a second start (about 60 ms here) for nothing.
const YOUNG = '--max-semi-space-size';
const chosen = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.replaceAll('_', '-').startsWith(YOUNG));
const holdsScan = process.argv.slice(2).some((a) => a === 'scan' || a === 'report' || a === 'diff');
if (holdsScan && !chosen && typeof process.execve === 'function') {
  try {
    process.execve(process.execPath, [process.execPath, `${YOUNG}=16`, ...process.execArgv, ...process.argv.slice(1)]);
  } catch {
    // carry on in this process, with V8's default
  }
}
// A reader that goes away (`| head`) is not an error: stop writing, finish, and exit with the scan's code.
const quiet = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);
process.stdout.on('error', (err) => {
  if (!quiet.has(err.code)) throw err;
});
// Whatever escapes the CLI's own handling (an exception thrown in an event handler) is one line and exit 4, as an
// internal error is: never a stack trace unless asked, never exit 1, which means findings.
const debug = process.argv.includes('--debug');
const internal = (err) => {
  process.stderr.write(`k8s-audit: internal error: ${err?.message ?? String(err)}${debug ? `\n${err?.stack ?? ''}` : ' (run with --debug for details)'}\n`);
  process.exit(4);
};
process.on('uncaughtException', internal);
process.on('unhandledRejection', internal);
const { main } = await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv);
