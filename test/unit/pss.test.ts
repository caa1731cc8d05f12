/**
 * src/model/pss.ts: the check table per level and version, the version a
 * namespace is evaluated at, the admission's wording (cases from the plugin's
 * own unit tests and from a real API server's denial), violation paths, and
 * purity.
 */
import { describe, expect, it } from 'vitest';
import type { ObjectMeta, PodSpec } from '../../src/model/k8s.ts';
import {
  PSS_CHECKS,
  admissionDenial,
  evaluatePss,
  evaluatePssCheck,
  evaluatePssLevel,
  goQuote,
  metadataPathFor,
  parsePssVersion,
  pssChecksAt,
  pssVersionFor,
  resolvePssVersion,
} from '../../src/model/pss.ts';
import { deepFreeze } from '../../src/model/snapshot.ts';

const meta = (annotations?: Record<string, string>): ObjectMeta => ({ name: 'p', ...(annotations ? { annotations } : {}) });
const spec = (s: Partial<PodSpec> & Record<string, unknown>): PodSpec => ({ containers: [], ...s }) as PodSpec;

/** A pod that passes restricted at every version. */
const restrictedPod = (): PodSpec =>
  spec({
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'c', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  });

function detail(s: PodSpec, level: 'baseline' | 'restricted' = 'baseline', version = 'latest', m: ObjectMeta = meta()): string {
  return evaluatePssLevel(m, s, 'spec', level, version).admissionDetail;
}

describe('check table', () => {
  it('lists baseline checks sorted, then restricted checks sorted, as the admission orders them', () => {
    expect(PSS_CHECKS.map((c) => c.id)).toEqual([
      'appArmorProfile',
      'capabilities_baseline',
      'hostNamespaces',
      'hostPathVolumes',
      'hostPorts',
      'hostProbesAndHostLifecycle',
      'privileged',
      'procMount',
      'seLinuxOptions',
      'seccompProfile_baseline',
      'sysctls',
      'windowsHostProcess',
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'procMount_restricted',
      'restrictedVolumes',
      'runAsNonRoot',
      'runAsUser',
      'seccompProfile_restricted',
    ]);
  });

  it('drops the baseline checks a restricted check overrides, from the version the override starts', () => {
    const at = (v: string) => pssChecksAt('restricted', v);
    expect(at('v1.21')).toContain('capabilities_baseline');
    expect(at('v1.21')).not.toContain('capabilities_restricted');
    expect(at('v1.22')).not.toContain('capabilities_baseline');
    expect(at('v1.22')).toContain('capabilities_restricted');
    expect(at('v1.18')).toContain('seccompProfile_baseline');
    expect(at('v1.19')).not.toContain('seccompProfile_baseline');
    expect(at('v1.34')).toContain('procMount');
    expect(at('v1.35')).not.toContain('procMount');
    expect(at('v1.35')).toContain('procMount_restricted');
    for (const v of ['v1.0', 'v1.37']) expect(at(v)).not.toContain('hostPathVolumes');
    expect(pssChecksAt('baseline', 'v1.37')).toContain('hostPathVolumes');
  });

  it('adds checks at the versions that introduced them', () => {
    expect(pssChecksAt('restricted', 'v1.7')).not.toContain('allowPrivilegeEscalation');
    expect(pssChecksAt('restricted', 'v1.8')).toContain('allowPrivilegeEscalation');
    expect(pssChecksAt('restricted', 'v1.22')).not.toContain('runAsUser');
    expect(pssChecksAt('restricted', 'v1.23')).toContain('runAsUser');
    expect(pssChecksAt('baseline', 'v1.33')).not.toContain('hostProbesAndHostLifecycle');
    expect(pssChecksAt('baseline', 'v1.34')).toContain('hostProbesAndHostLifecycle');
    expect(pssChecksAt('privileged', 'latest')).toEqual([]);
  });
});

describe('versions', () => {
  it('parses label values as the admission does', () => {
    expect(parsePssVersion('latest')).toBe('latest');
    expect(parsePssVersion('v1.30')).toEqual({ major: 1, minor: 30 });
    expect(parsePssVersion('v1.0')).toEqual({ major: 1, minor: 0 });
    for (const bad of ['1.30', 'v1.030', 'v2.1', 'v1.', 'v1.30.1', 'Latest', '']) expect(parsePssVersion(bad)).toBeUndefined();
  });

  it('clamps latest and future versions to the newest known', () => {
    expect(resolvePssVersion('latest')).toEqual({ major: 1, minor: 37 });
    expect(resolvePssVersion('v1.99')).toEqual({ major: 1, minor: 37 });
    expect(resolvePssVersion('garbage')).toEqual({ major: 1, minor: 37 });
    expect(resolvePssVersion({ major: 1, minor: 20 })).toEqual({ major: 1, minor: 20 });
  });

  it("uses the namespace's enforce-version, capped at the cluster's version; else the cluster's version", () => {
    const server = { major: '1', minor: '31+' };
    const label = (v: string) => ({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': v });
    expect(pssVersionFor(label('v1.25'), server)).toEqual({ version: { major: 1, minor: 25 }, source: 'label', label: 'v1.25' });
    expect(pssVersionFor(label('v1.34'), server)).toEqual({ version: { major: 1, minor: 31 }, source: 'label', label: 'v1.34', clampedFrom: 'v1.34' });
    expect(pssVersionFor(label('latest'), server)).toEqual({ version: { major: 1, minor: 31 }, source: 'label-latest', label: 'latest' });
    expect(pssVersionFor(label('1.25'), server)).toEqual({ version: { major: 1, minor: 31 }, source: 'label-invalid', label: '1.25' });
    expect(pssVersionFor({}, server)).toEqual({ version: { major: 1, minor: 31 }, source: 'server' });
    expect(pssVersionFor(undefined, undefined)).toEqual({ version: { major: 1, minor: 37 }, source: 'server' });
    expect(pssVersionFor(undefined, { major: '1', minor: '40' }).version).toEqual({ major: 1, minor: 37 });
  });
});

describe("the admission's wording", () => {
  it('reproduces a real API server denial (v1.37.2, restricted:latest) byte for byte', () => {
    // The stored form of a pod denied by a kube-apiserver v1.37.2: the API server had
    // copied the AppArmor annotation into container "c"'s securityContext.
    const m = meta({ 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' });
    const s = spec({
      securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] },
      initContainers: [{ name: 'i', image: 'busybox', securityContext: { privileged: true, capabilities: { add: ['NET_RAW', 'SYS_ADMIN'] } } }],
      containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80, hostPort: 8080 }], securityContext: { appArmorProfile: { type: 'Unconfined' } } }],
      volumes: [
        { name: 'h', hostPath: { path: '/etc' } },
        { name: 'nf', nfs: { server: 'x', path: '/' } },
      ],
    });
    expect(admissionDenial('restricted', 'latest', evaluatePssLevel(m, s, 'spec', 'restricted', 'latest'))).toBe(
      'violates PodSecurity "restricted:latest": forbidden AppArmor profiles (container "c" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/c="unconfined""), hostPort (container "c" uses hostPort 8080), privileged (container "i" must not set securityContext.privileged=true), forbidden sysctls (kernel.msgmax), allowPrivilegeEscalation != false (containers "i", "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (containers "i", "c" must set securityContext.capabilities.drop=["ALL"]; container "i" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add), restricted volume types (volumes "h", "nf" use restricted volume types "hostPath", "nfs"), runAsNonRoot != true (pod or containers "i", "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or containers "i", "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  it('seLinuxOptions: setters, sorted types, user and role (policy/check_seLinuxOptions_test.go)', () => {
    const c = (name: string, o: Record<string, string>) => ({ name, securityContext: { seLinuxOptions: o } });
    const s = spec({
      securityContext: { seLinuxOptions: { type: 'foo', user: 'bar', role: 'baz' } },
      containers: [
        c('a', { type: 'container_t' }),
        c('b', { type: 'container_init_t' }),
        c('c', { type: 'container_kvm_t' }),
        c('d', { type: 'container_engine_t' }),
        c('e', { type: 'bar' }),
        c('f', { user: 'bar' }),
        c('g', { role: 'baz' }),
      ],
    });
    expect(detail(s)).toBe(
      'seLinuxOptions (pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set)',
    );
    // container_engine_t joined the allowed types in v1.31
    expect(detail(s, 'baseline', 'v1.30')).toContain('containers "d", "e", "f", "g"');
  });

  it('AppArmor annotations: sorted, %q-quoted, counted in the reason (policy/check_appArmorProfile_test.go)', () => {
    const p = 'container.apparmor.security.beta.kubernetes.io/';
    const m = meta({ [p]: 'bogus', [`${p}a`]: '', [`${p}b`]: 'runtime/default', [`${p}c`]: 'localhost/', [`${p}d`]: 'localhost/foo', [`${p}e`]: 'unconfined', [`${p}f`]: 'unknown' });
    expect(detail(spec({}), 'baseline', 'latest', m)).toBe(
      `forbidden AppArmor profiles (annotations must not set AppArmor profile type to "${p}="bogus"", "${p}e="unconfined"", "${p}f="unknown"")`,
    );
  });

  it('hostPorts: containers in visit order, ports as a sorted set (policy/check_hostPorts_test.go)', () => {
    const s = spec({
      containers: [
        { name: 'a', ports: [{ containerPort: 1 }] },
        { name: 'b', ports: [{ containerPort: 1, hostPort: 20 }, { containerPort: 2, hostPort: 10 }] },
        { name: 'c', ports: [{ containerPort: 3, hostPort: 30 }, { containerPort: 4, hostPort: 10 }] },
      ],
    } as never);
    expect(detail(s)).toBe('hostPort (containers "b", "c" use hostPorts 10, 20, 30)');
  });

  it('probe and lifecycle hosts: container and host names as sorted sets', () => {
    const s = spec({
      containers: [
        { name: 'invalid2', livenessProbe: { httpGet: { host: 'b.com', port: 80 } } },
        { name: 'invalid1', readinessProbe: { tcpSocket: { host: 'a.com', port: 80 } }, lifecycle: { preStop: { httpGet: { host: 'b.com', port: 1 } } } },
      ],
    } as never);
    expect(detail(s)).toBe('probe or lifecycle host (containers "invalid1", "invalid2" use probe or lifecycle hosts "a.com", "b.com")');
    expect(detail(s, 'baseline', 'v1.33')).toBe('');
  });

  it('seccomp before v1.19: annotations only, for existing containers', () => {
    const m = meta({
      'seccomp.security.alpha.kubernetes.io/pod': 'unconfined',
      'container.seccomp.security.alpha.kubernetes.io/a': '',
      'container.seccomp.security.alpha.kubernetes.io/b': 'docker/default',
      'container.seccomp.security.alpha.kubernetes.io/gone': 'unconfined',
    });
    const s = spec({ containers: [{ name: 'a' }, { name: 'b', securityContext: { seccompProfile: { type: 'Unconfined' } } }] } as never);
    expect(detail(s, 'baseline', 'v1.18', m)).toBe(
      'seccompProfile (forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="", seccomp.security.alpha.kubernetes.io/pod="unconfined")',
    );
    expect(detail(s, 'baseline', 'v1.19', m)).toBe('seccompProfile (container "b" must not set securityContext.seccompProfile.type to "Unconfined")');
  });

  it('runAsNonRoot: explicit false is reported instead of the containers that inherit it', () => {
    const s = spec({
      securityContext: { runAsNonRoot: false },
      containers: [{ name: 'a' }, { name: 'b', securityContext: { runAsNonRoot: false } }, { name: 'c', securityContext: { runAsNonRoot: true } }],
    } as never);
    const ev = evaluatePssLevel(meta(), s, 'spec', 'restricted', 'latest');
    expect(ev.checks.find((c) => c.check === 'runAsNonRoot')?.detail).toBe('pod and container "b" must not set securityContext.runAsNonRoot=false');
    expect(ev.violations.filter((v) => v.check === 'runAsNonRoot').map((v) => [v.path, v.rule, v.observed])).toEqual([
      ['spec.securityContext.runAsNonRoot', 'explicit', false],
      ['spec.containers[1].securityContext.runAsNonRoot', 'explicit', false],
    ]);
  });

  it("quotes like Go's %q", () => {
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('tab\there\n')).toBe('"tab\\there\\n"');
    expect(goQuote('\x01\x7f')).toBe('"\\x01\\x7f"');
    expect(goQuote('héllo')).toBe('"héllo"');
  });
});

describe('violations', () => {
  it('names the field path inside the object, the container and observed/expected values', () => {
    const s = spec({
      initContainers: [{ name: 'init', securityContext: { allowPrivilegeEscalation: true } }],
      containers: [{ name: 'app' }],
    } as never);
    const vs = evaluatePss(meta(), s, 'spec.template.spec', 'restricted', 'latest').filter((v) => v.check === 'allowPrivilegeEscalation');
    expect(vs.map(({ path, container, containerType, observed, expected, rule }) => ({ path, container, containerType, observed, expected, rule }))).toEqual([
      {
        path: 'spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation',
        container: 'init',
        containerType: 'initContainers',
        observed: true,
        expected: false,
        rule: 'explicit',
      },
      {
        path: 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation',
        container: 'app',
        containerType: 'containers',
        observed: null,
        expected: false,
        rule: 'missing',
      },
    ]);
    expect(vs[1]!.message).toBe('Container "app" does not set securityContext.allowPrivilegeEscalation (it defaults to true).');
  });

  it("puts annotation paths under the template's metadata", () => {
    expect(metadataPathFor('spec')).toBe('metadata');
    expect(metadataPathFor('spec.template.spec')).toBe('spec.template.metadata');
    expect(metadataPathFor('spec.jobTemplate.spec.template.spec')).toBe('spec.jobTemplate.spec.template.metadata');
    const m = meta({ 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' });
    const [v] = evaluatePss(m, spec({ containers: [{ name: 'app' }] } as never), 'spec.template.spec', 'baseline', 'latest');
    expect(v?.path).toBe('spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]');
  });

  it('visits ephemeral containers, and pod-level settings reach them', () => {
    const s = spec({
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'c', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      ephemeralContainers: [{ name: 'dbg', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsUser: 0 } }],
    } as never);
    const vs = evaluatePss(meta(), s, 'spec', 'restricted', 'latest');
    expect(vs.map((v) => [v.check, v.path])).toEqual([['runAsUser', 'spec.ephemeralContainers[0].securityContext.runAsUser']]);
  });

  it('applies the API server defaults that change a verdict', () => {
    const s = spec({ hostNetwork: true, containers: [{ name: 'c', ports: [{ containerPort: 9100 }] }], volumes: [{ name: 'v' }] } as never);
    const ev = evaluatePssLevel(meta(), s, 'spec', 'restricted', 'latest');
    expect(ev.checks.find((c) => c.check === 'hostPorts')?.detail).toBe('container "c" uses hostPort 9100');
    expect(ev.checks.find((c) => c.check === 'restrictedVolumes')?.status).toBe('pass');
  });

  it('reports Windows and user-namespace exemptions as such', () => {
    const win = spec({ os: { name: 'windows' }, containers: [{ name: 'c' }] } as never);
    expect(evaluatePssCheck('allowPrivilegeEscalation', meta(), win, 'spec', 'v1.25')?.status).toBe('exempt');
    expect(evaluatePssCheck('allowPrivilegeEscalation', meta(), win, 'spec', 'v1.24')?.status).toBe('fail');
    expect(evaluatePssCheck('runAsUser', meta(), win, 'spec', 'v1.22')).toBeUndefined();
    const userns = spec({ hostUsers: false, securityContext: { runAsUser: 0 }, containers: [{ name: 'c' }] } as never);
    expect(evaluatePssCheck('runAsUser', meta(), userns, 'spec', 'v1.35')?.status).toBe('exempt');
    expect(evaluatePssCheck('runAsUser', meta(), userns, 'spec', 'v1.34')?.status).toBe('fail');
  });

  it('passes a restricted pod at every version and never modifies its input', () => {
    const s = deepFreeze(restrictedPod());
    const m = deepFreeze(meta({ a: 'b' }));
    for (let minor = 0; minor <= 40; minor++) {
      expect(evaluatePss(m, s, 'spec', 'restricted', `v1.${minor}`)).toEqual([]);
      expect(evaluatePss(m, s, 'spec', 'baseline', `v1.${minor}`)).toEqual([]);
    }
    expect(evaluatePss(m, s, 'spec', 'privileged', 'latest')).toEqual([]);
  });

  it('tolerates malformed input the way Go decoding would (null fields are unset)', () => {
    const s = { containers: [{ name: 'c', securityContext: null, ports: null }], volumes: [{ name: 'v', emptyDir: null }], securityContext: null } as unknown as PodSpec;
    const ev = evaluatePssLevel(undefined, s, 'spec', 'baseline', 'latest');
    expect(ev.allowed).toBe(true);
  });
});
