#!/usr/bin/env node
// The launcher: check the runtime, then hand over to the CLI.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`k8s-audit: Node.js 22.12 or newer is required (this is ${process.version})\n`);
  process.exit(2);
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
