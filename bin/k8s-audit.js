#!/usr/bin/env node
// The launcher: check the runtime, then hand over to the CLI.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`k8s-audit: Node.js 22.12 or newer is required (this is ${process.version})\n`);
  process.exit(2);
}
const { main } = await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv);
