import { describe, expect, it } from 'vitest';
import { ComponentFlags, effectiveAdmissionPlugins, parseCommandLine, parseGoBool, parseVersion, splitShellWords } from '../../src/model/flags.ts';

const v137 = { major: 1, minor: 37 };

describe('splitShellWords', () => {
  it.each([
    ['kube-apiserver --a=1 --b 2', ['kube-apiserver', '--a=1', '--b', '2']],
    [`exec kube-apiserver --x='a b' --y="c \\"d\\""`, ['exec', 'kube-apiserver', '--x=a b', '--y=c "d"']],
    ['a\\ b  c\\\n d', ['a b', 'c', 'd']],
    ['  ', []],
    [`--empty='' next`, ['--empty=', 'next']],
  ])('%j', (line, words) => {
    expect(splitShellWords(line)).toEqual(words);
  });
});

describe('parseCommandLine', () => {
  it('reads --flag=value and --flag value, and skips the binary', () => {
    const { flags, positional } = parseCommandLine('kube-apiserver', { command: ['kube-apiserver', '--secure-port=6443', '--etcd-servers', 'https://e:2379'] });
    expect(flags.map((f) => [f.name, f.value, f.at])).toEqual([
      ['secure-port', '6443', 'command[1]'],
      ['etcd-servers', 'https://e:2379', 'command[2]'],
    ]);
    expect(positional).toEqual([]);
  });

  it('never lets a boolean flag take the next word (pflag semantics)', () => {
    const { flags, positional } = parseCommandLine('kube-apiserver', { command: ['kube-apiserver', '--anonymous-auth', 'false', '--profiling'] });
    expect(flags.map((f) => [f.name, f.value, f.explicit])).toEqual([
      ['anonymous-auth', 'true', false],
      ['profiling', 'true', false],
    ]);
    expect(positional).toEqual(['false']);
  });

  it('reads args after command, with paths into args', () => {
    const { flags } = parseCommandLine('kube-scheduler', { command: ['kube-scheduler'], args: ['--bind-address=127.0.0.1', '--profiling=false'] });
    expect(flags.map((f) => f.at)).toEqual(['args[0]', 'args[1]']);
  });

  it('treats every word as a flag candidate when there is no command (image entrypoint)', () => {
    const { flags } = parseCommandLine('etcd', { args: ['--client-cert-auth=true'] });
    expect(flags.map((f) => f.name)).toEqual(['client-cert-auth']);
  });

  it('splits sh -c wrappers, all words pointing at the script', () => {
    const { flags } = parseCommandLine('kube-apiserver', { command: ['/bin/sh', '-c', 'exec kube-apiserver --anonymous-auth=false --token-auth-file "/etc/k 8s/tokens.csv"'] });
    expect(flags.map((f) => [f.name, f.value, f.at])).toEqual([
      ['anonymous-auth', 'false', 'command[2]'],
      ['token-auth-file', '/etc/k 8s/tokens.csv', 'command[2]'],
    ]);
  });

  it('finds the script of a shell wherever it sits: in args, after an option cluster such as -ec, with "$@" expanded', () => {
    const line = 'exec kube-apiserver --service-account-lookup=false --profiling=false';
    const want = [
      ['service-account-lookup', 'false'],
      ['profiling', 'false'],
    ];
    const of = (c: { command?: string[]; args?: string[] }) => parseCommandLine('kube-apiserver', c).flags.map((f) => [f.name, f.value]);
    expect(of({ command: ['/bin/sh', '-c'], args: [line] })).toEqual(want);
    expect(of({ command: ['/bin/sh', '-ec', line] })).toEqual(want);
    expect(of({ command: ['bash', '-e', '-x', '-c', line] })).toEqual(want);
    expect(parseCommandLine('kube-apiserver', { command: ['/bin/sh', '-c'], args: [line] }).flags[0]!.at).toBe('args[0]');
    // "$@" is the words after $0: the flags in args reach the binary.
    const viaArgs = parseCommandLine('kube-apiserver', { command: ['sh', '-c', 'exec kube-apiserver "$@"', '--'], args: ['--profiling=false', '--anonymous-auth', 'false'] });
    expect(viaArgs.flags.map((f) => [f.name, f.value, f.at])).toEqual([
      ['profiling', 'false', 'args[0]'],
      ['anonymous-auth', 'true', 'args[1]'],
    ]);
  });

  it('gives a value flag the next word even when it is - (standard output)', () => {
    const { flags } = parseCommandLine('kube-apiserver', { command: ['kube-apiserver', '--audit-log-path', '-', '--profiling=false'] });
    expect(flags.map((f) => [f.name, f.value])).toEqual([
      ['audit-log-path', '-'],
      ['profiling', 'false'],
    ]);
  });

  it('stops at a bare --', () => {
    const { flags, positional } = parseCommandLine('etcd', { command: ['etcd', '--name=a', '--', '--not-a-flag'] });
    expect(flags.map((f) => f.name)).toEqual(['name']);
    expect(positional).toEqual(['--not-a-flag']);
  });

  it('accepts single-dash long flags (etcd uses Go flag)', () => {
    const { flags } = parseCommandLine('etcd', { command: ['etcd', '-data-dir=/var/lib/etcd', '-client-cert-auth'] });
    expect(flags.map((f) => [f.name, f.value])).toEqual([
      ['data-dir', '/var/lib/etcd'],
      ['client-cert-auth', 'true'],
    ]);
  });
});

describe('ComponentFlags', () => {
  it('lets the last occurrence of a scalar flag win', () => {
    const f = new ComponentFlags('kube-apiserver', { command: ['kube-apiserver', '--profiling=false', '--profiling=true'] }, v137);
    expect(f.value('profiling')).toBe('true');
    expect(f.last('profiling')!.at).toBe('command[2]');
    expect(f.bool('profiling')).toBe(true);
  });

  it('accumulates repeated list flags and splits commas', () => {
    const f = new ComponentFlags('kube-apiserver', { command: ['kube-apiserver', '--enable-admission-plugins=NodeRestriction, EventRateLimit', '--enable-admission-plugins=AlwaysPullImages'] }, v137);
    expect(f.list('enable-admission-plugins')).toEqual(['NodeRestriction', 'EventRateLimit', 'AlwaysPullImages']);
    expect(f.list('disable-admission-plugins')).toBeUndefined();
  });

  it('gives an empty list for an empty list flag', () => {
    const f = new ComponentFlags('kube-apiserver', { command: ['kube-apiserver', '--disable-admission-plugins='] }, v137);
    expect(f.list('disable-admission-plugins')).toEqual([]);
  });

  it('applies defaults only when the flag is absent, and version-gated ones only where verified', () => {
    const f = new ComponentFlags('kube-apiserver', { command: ['kube-apiserver'] }, v137);
    expect(f.effective('anonymous-auth')).toEqual({ value: 'true', source: 'default' });
    expect(f.effective('audit-log-maxage')).toEqual({ value: '366', source: 'default' });
    const old = new ComponentFlags('kube-apiserver', { command: ['kube-apiserver'] }, { major: 1, minor: 30 });
    expect(old.effective('audit-log-maxage')).toEqual({ value: undefined, source: 'unset' });
    expect(old.effective('token-auth-file')).toEqual({ value: undefined, source: 'unset' });
  });

  it('reads ETCD_ environment variables for etcd flags not on the command line', () => {
    const f = new ComponentFlags('etcd', {
      command: ['etcd', '--client-cert-auth=false'],
      env: [
        { name: 'ETCD_CLIENT_CERT_AUTH', value: 'true' },
        { name: 'ETCD_PEER_AUTO_TLS', value: 'true' },
        { name: 'OTHER', value: 'x' },
      ],
    });
    expect(f.bool('client-cert-auth')).toBe(false);
    expect(f.effective('peer-auto-tls')).toEqual({ value: 'true', source: 'env', at: 'env[1].value' });
    expect(f.has('other')).toBe(false);
  });

  it('merges feature gates across occurrences and drops component prefixes', () => {
    const f = new ComponentFlags('kube-controller-manager', {
      command: ['kube-controller-manager', '--feature-gates=A=true,RotateKubeletServerCertificate=true', '--feature-gates', 'kube:RotateKubeletServerCertificate=false,B=nonsense'],
    });
    expect([...f.featureGates()]).toEqual([
      ['A', true],
      ['RotateKubeletServerCertificate', false],
    ]);
  });
});

describe('effectiveAdmissionPlugins', () => {
  const plugins = (...args: string[]) => effectiveAdmissionPlugins(new ComponentFlags('kube-apiserver', { command: ['kube-apiserver', ...args] }, v137));
  it('adds enabled plugins to the defaults and removes disabled ones', () => {
    const { plugins: p, legacy } = plugins('--enable-admission-plugins=NodeRestriction', '--disable-admission-plugins=ServiceAccount');
    expect(legacy).toBe(false);
    expect(p.has('NodeRestriction')).toBe(true);
    expect(p.has('NamespaceLifecycle')).toBe(true);
    expect(p.has('ServiceAccount')).toBe(false);
  });
  it('lets a disable win over an enable of the same plugin', () => {
    expect(plugins('--enable-admission-plugins=NodeRestriction', '--disable-admission-plugins=NodeRestriction').plugins.has('NodeRestriction')).toBe(false);
  });
  it('uses exactly the deprecated --admission-control list when given', () => {
    const { plugins: p, legacy } = plugins('--admission-control=NodeRestriction,ServiceAccount');
    expect(legacy).toBe(true);
    expect([...p].sort()).toEqual(['NodeRestriction', 'ServiceAccount']);
  });
});

describe('parseGoBool and parseVersion', () => {
  it('accepts exactly the spellings strconv.ParseBool accepts', () => {
    for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) expect(parseGoBool(t)).toBe(true);
    for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) expect(parseGoBool(f)).toBe(false);
    for (const x of ['yes', 'on', '', 'tRuE']) expect(parseGoBool(x)).toBeUndefined();
  });
  it('parses gitVersions and image tags', () => {
    expect(parseVersion('v1.37.2')).toEqual({ major: 1, minor: 37, patch: 2 });
    expect(parseVersion('v1.30.4-eks-1a2b3c4')).toEqual({ major: 1, minor: 30, patch: 4 });
    expect(parseVersion('1.36')).toEqual({ major: 1, minor: 36, patch: 0 });
    expect(parseVersion('latest')).toBeUndefined();
  });
});
