// Exec credential plugins run as client-go runs them (src/collect/exec-credential.ts).
// (test/integration/kubeconfig-client-go.test.ts compares the tokens with client-go's own.)
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExecPluginError, runExecPlugin, type ExecConfig } from '../../src/collect/exec-credential.ts';
import { resolveTargetVia } from '../../src/collect/kubeconfig.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir('k8s-audit-exec-');
const V1 = 'client.authentication.k8s.io/v1';
let n = 0;

/** A plugin: a shell script whose body runs before it prints (or not) an ExecCredential. */
function plugin(body: string): string {
  const path = join(tmp, `plugin-${++n}.sh`);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}
const answer = (status: string, apiVersion = V1) => `printf '%s' '{"apiVersion":"${apiVersion}","kind":"ExecCredential","status":${status}}'`;
const quiet = { write: () => true };

describe('exec credential plugins', () => {
  it('stdin is closed when there is no terminal: a plugin that asks for input reads end-of-file instead of waiting forever', async () => {
    const cmd = plugin(`read answer; ${answer('{"token":"after-read"}')}`);
    await expect(runExecPlugin({ command: cmd, apiVersion: V1, interactiveMode: 'IfAvailable' }, { stdinIsTTY: false, stderr: quiet })).resolves.toEqual({ token: 'after-read' });
  });

  it("the plugin's stderr reaches the user as it is written (a device-code login's instructions)", async () => {
    const seen: string[] = [];
    const cmd = plugin(`echo 'To sign in, open https://login.example/device and enter ABCD' >&2; ${answer('{"token":"t"}')}`);
    await runExecPlugin({ command: cmd, apiVersion: V1, interactiveMode: 'Never' }, { stderr: { write: (c) => seen.push(String(c)) } });
    expect(seen.join('')).toContain('open https://login.example/device');
  });

  it('KUBERNETES_EXEC_INFO: the version, whether interactive, the cluster when asked for; it wins over an env entry of that name', async () => {
    const cmd = plugin(`printf '{"apiVersion":"${V1}","kind":"ExecCredential","status":{"token":"%s"}}' "$(printf %s "$KUBERNETES_EXEC_INFO" | base64 -w0)"`);
    const info = async (exec: ExecConfig, tty: boolean, cluster?: Record<string, unknown>) => {
      const { token } = await runExecPlugin(exec, { stdinIsTTY: tty, stderr: quiet, ...(cluster ? { cluster } : {}) });
      return JSON.parse(Buffer.from(token!, 'base64').toString('utf8'));
    };
    const base = { command: cmd, apiVersion: V1, env: [{ name: 'KUBERNETES_EXEC_INFO', value: 'overridden' }] };
    expect(await info({ ...base, interactiveMode: 'Never' }, true)).toEqual({ kind: 'ExecCredential', apiVersion: V1, spec: { interactive: false } });
    expect(await info({ ...base, interactiveMode: 'IfAvailable' }, false)).toEqual({ kind: 'ExecCredential', apiVersion: V1, spec: { interactive: false } });
    const cluster = { server: 'https://k.example:6443', config: null };
    expect(await info({ ...base, interactiveMode: 'Never', provideClusterInfo: true }, false, cluster)).toEqual({ kind: 'ExecCredential', apiVersion: V1, spec: { interactive: false, cluster } });
    // Not asked for: not given.
    expect((await info({ ...base, interactiveMode: 'Never' }, false, cluster)).spec).toEqual({ interactive: false });
  });

  it('args and env reach the plugin', async () => {
    const cmd = plugin(`${answer('{"token":"placeholder"}').replace('placeholder', "'\"$1-$FOO\"'")}`);
    await expect(runExecPlugin({ command: cmd, args: ['first'], env: [{ name: 'FOO', value: 'bar' }], apiVersion: V1, interactiveMode: 'Never' }, { stderr: quiet })).resolves.toEqual({ token: 'first-bar' });
  });

  it('a client certificate and key instead of a token', async () => {
    const cmd = plugin(answer('{"clientCertificateData":"CERT PEM","clientKeyData":"KEY PEM"}'));
    await expect(runExecPlugin({ command: cmd, apiVersion: V1, interactiveMode: 'Never' }, { stderr: quiet })).resolves.toEqual({ clientCertificateData: 'CERT PEM', clientKeyData: 'KEY PEM' });
  });

  const refusals: [string, ExecConfig, RegExp][] = [
    ['not found: named, with the first line of its install hint', { command: '/nonexistent/get-token', apiVersion: V1, interactiveMode: 'Never', installHint: 'Install it with: brew install get-token\nmore' }, /^exec plugin \/nonexistent\/get-token not found \(Install it with: brew install get-token\)$/],
    ['a failure: its exit code and the last line it wrote to stderr', { command: plugin("echo 'first' >&2; echo 'token expired, run login' >&2; exit 3"), apiVersion: V1, interactiveMode: 'Never' }, /^exec plugin .* failed with exit code 3: token expired, run login$/],
    ['an answer in another version', { command: plugin(answer('{"token":"t"}', 'client.authentication.k8s.io/v1beta1')), apiVersion: V1, interactiveMode: 'Never' }, /answered in client.authentication.k8s.io\/v1beta1, not the client.authentication.k8s.io\/v1 it was configured with$/],
    ['not JSON', { command: plugin('echo hello'), apiVersion: V1, interactiveMode: 'Never' }, /did not print an ExecCredential \(not JSON\)$/],
    ['no credential in it', { command: plugin(answer('{}')), apiVersion: V1, interactiveMode: 'Never' }, /gave neither a token nor a client certificate$/],
    ['a certificate without its key', { command: plugin(answer('{"clientCertificateData":"C"}')), apiVersion: V1, interactiveMode: 'Never' }, /gave a client certificate without its key$/],
    ['v1 without interactiveMode (client-go requires it)', { command: '/bin/true', apiVersion: V1 }, /interactiveMode must be specified$/],
    ['no apiVersion', { command: '/bin/true', interactiveMode: 'Never' }, /apiVersion must be specified$/],
    ['interactiveMode Always without a terminal', { command: '/bin/true', apiVersion: V1, interactiveMode: 'Always' }, /needs a terminal \(interactiveMode: Always\) and standard input is not one$/],
  ];
  for (const [name, exec, message] of refusals) {
    it(`refused with one line: ${name}`, async () => {
      const err = await runExecPlugin(exec, { stdinIsTTY: false, stderr: quiet }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ExecPluginError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    });
  }

  it('v1beta1 defaults to IfAvailable, as client-go does', async () => {
    const cmd = plugin(answer('{"token":"beta"}', 'client.authentication.k8s.io/v1beta1'));
    await expect(runExecPlugin({ command: cmd, apiVersion: 'client.authentication.k8s.io/v1beta1' }, { stdinIsTTY: false, stderr: quiet })).resolves.toEqual({ token: 'beta' });
  });

  it('through resolveTarget: a certificate from the plugin becomes the client certificate; a failure is one ConfigError line', async () => {
    const cmd = plugin(answer('{"clientCertificateData":"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n","clientKeyData":"-----BEGIN EC PRIVATE KEY-----\\nMHc\\n-----END EC PRIVATE KEY-----\\n"}'));
    const doc = (command: string) =>
      `clusters: [{name: k, cluster: {server: "https://127.0.0.1:6443"}}]\nusers: [{name: u, user: {exec: {apiVersion: ${V1}, interactiveMode: Never, command: "${command}"}}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]\ncurrent-context: c\n`;
    const ok = join(tmp, 'ok.yaml');
    writeFileSync(ok, doc(cmd));
    const { target } = await resolveTargetVia({ kubeconfig: ok });
    expect(String(target.tls.cert)).toBe('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(String(target.tls.key)).toBe('-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\n');
    expect(target.tls.headers ?? {}).not.toHaveProperty('Authorization');
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, doc(plugin("echo 'session expired' >&2; exit 1")));
    await expect(resolveTargetVia({ kubeconfig: bad })).rejects.toThrow(/^cannot use credentials of context "c" in .*bad\.yaml: exec plugin .* failed with exit code 1: session expired$/);
  });
});

describe('exec plugin paths', () => {
  it('./plugin beside a kubeconfig given by a bare file name is that file, never one found on PATH', () => {
    const dir = join(tmp, 'relative');
    const decoys = join(dir, 'decoys');
    mkdirSync(decoys, { recursive: true });
    const marker = join(dir, 'ran');
    const script = (who: string) => `#!/bin/sh\necho ${who} > '${marker}'\n${answer('{"token":"t"}')}\n`;
    writeFileSync(join(dir, 'plugin.sh'), script('beside'), { mode: 0o755 });
    writeFileSync(join(decoys, 'plugin.sh'), script('decoy'), { mode: 0o755 });
    writeFileSync(
      join(dir, 'kc.yaml'),
      `apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]\ncontexts: [{ name: c, context: { cluster: c, user: u } }]\nusers: [{ name: u, user: { exec: { apiVersion: "${V1}", command: ./plugin.sh, interactiveMode: Never } } }]\n`,
    );
    const bin = new URL('../../bin/k8s-audit.js', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [bin, 'scan', '--kubeconfig', 'kc.yaml', '--format', 'json'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${decoys}${delimiter}${process.env.PATH}` },
    });
    expect(r.status).toBe(3); // nothing listens there: unreachable, after the plugin ran
    expect(readFileSync(marker, 'utf8').trim()).toBe('beside');
  }, 30_000);
});

describe('an exec plugin\'s token, renewed', () => {
  it('resolveTarget keeps the plugin, its expiry, and runs it again when asked', async () => {
    const counter = join(tmp, 'calls');
    writeFileSync(counter, '');
    const cmd = plugin(`echo x >> '${counter}'; n=$(wc -l < '${counter}'); printf '{"apiVersion":"${V1}","kind":"ExecCredential","status":{"token":"t%s","expirationTimestamp":"2030-01-02T03:04:05Z"}}' "$n"`);
    const kc = join(tmp, 'renew.yaml');
    writeFileSync(
      kc,
      `apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]\ncontexts: [{ name: c, context: { cluster: c, user: u } }]\nusers: [{ name: u, user: { exec: { apiVersion: "${V1}", command: "${cmd}", interactiveMode: Never } } }]\n`,
    );
    const { target } = await resolveTargetVia({ kubeconfig: kc });
    expect((target.tls.headers as Record<string, string>).Authorization).toBe('Bearer t1');
    expect(target.tokenSource!.expiresAt).toBe(Date.parse('2030-01-02T03:04:05Z'));
    await expect(target.tokenSource!.refresh()).resolves.toEqual({ token: 't2', expiresAt: Date.parse('2030-01-02T03:04:05Z') });
  });
});
