import { describe, expect, it } from 'vitest';
import { allowedBy, defaultPullPolicy, effectiveTag, parseImage, parseRegistryPattern, type RegistryPattern } from '../../src/model/images.ts';

const D = 'sha256:' + '0123456789abcdef'.repeat(4);

describe('parseImage', () => {
  it.each([
    ['nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['nginx:1.27', 'docker.io', 'library/nginx', '1.27', undefined],
    ['bitnami/redis:7', 'docker.io', 'bitnami/redis', '7', undefined],
    ['docker.io/nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['index.docker.io/library/nginx:latest', 'docker.io', 'library/nginx', 'latest', undefined],
    ['localhost/app', 'localhost', 'app', undefined, undefined],
    ['localhost:5000/app:1.0', 'localhost:5000', 'app', '1.0', undefined],
    ['registry.example.com:5000/team/app', 'registry.example.com:5000', 'team/app', undefined, undefined],
    ['Registry.Example.com/team/app:v1', 'registry.example.com', 'team/app', 'v1', undefined],
    ['ghcr.io/acme/app@' + D, 'ghcr.io', 'acme/app', undefined, D],
    ['ghcr.io/acme/app:1.2@' + D, 'ghcr.io', 'acme/app', '1.2', D],
    ['[::1]:5000/app:dev', '[::1]:5000', 'app', 'dev', undefined],
    ['quay.io/a/b/c/d:x_y-z.1', 'quay.io', 'a/b/c/d', 'x_y-z.1', undefined],
  ])('%s', (raw, registry, repository, tag, digest) => {
    const ref = parseImage(raw);
    expect(ref).toBeDefined();
    expect(ref!.registry).toBe(registry);
    expect(ref!.repository).toBe(repository);
    expect(ref!.tag).toBe(tag);
    expect(ref!.digest).toBe(digest);
    expect(ref!.name).toBe(`${registry}/${repository}`);
  });

  it.each([
    '',
    ' nginx',
    'nginx ',
    'Nginx',
    'team/App:1',
    'nginx:',
    'nginx:-bad',
    'nginx@sha256:abc',
    'nginx@' + D.slice(0, 20),
    'registry.example.com/',
    'a//b',
    'nginx:1.0:2.0',
    "x';rm -rf /'",
  ])('rejects %j', (raw) => {
    expect(parseImage(raw)).toBeUndefined();
  });

  it('rejects a missing image', () => {
    expect(parseImage(undefined)).toBeUndefined();
  });

  it('resolves the tag the runtime pulls', () => {
    expect(effectiveTag(parseImage('nginx')!)).toBe('latest');
    expect(effectiveTag(parseImage('nginx:1.27')!)).toBe('1.27');
    expect(effectiveTag(parseImage('nginx:latest@' + D)!)).toBeUndefined();
  });
});

describe('defaultPullPolicy (the API server defaulting)', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['nginx@' + D, 'IfNotPresent'],
    ['nginx:latest@' + D, 'Always'],
    ['localhost:5000/app', 'Always'],
  ])('%s → %s', (raw, policy) => {
    expect(defaultPullPolicy(parseImage(raw))).toBe(policy);
  });
});

describe('registry allowlist', () => {
  const patterns = ['registry.example.com', 'ghcr.io/acme', '*.dkr.ecr.eu-west-1.amazonaws.com', 'index.docker.io/library', 'localhost:5000']
    .map(parseRegistryPattern) as RegistryPattern[];

  it('parses every entry', () => {
    expect(patterns.every(Boolean)).toBe(true);
    expect(patterns[3]).toMatchObject({ host: 'docker.io', path: 'library' });
  });

  it.each([
    ['registry.example.com/app:1', true],
    ['REGISTRY.EXAMPLE.COM/app:1', true],
    ['registry.example.com:443/app:1', false],
    ['evil-registry.example.com/app:1', false],
    ['registry.example.com.evil.io/app:1', false],
    ['ghcr.io/acme/app', true],
    ['ghcr.io/acme/team/app', true],
    ['ghcr.io/acme-evil/app', false],
    ['ghcr.io/acmeapp', false],
    ['1234.dkr.ecr.eu-west-1.amazonaws.com/x:1', true],
    ['dkr.ecr.eu-west-1.amazonaws.com/x:1', false],
    ['nginx:1.27', true],
    ['bitnami/redis:7', false],
    ['localhost:5000/app', true],
    ['localhost/app', false],
  ])('%s allowed: %s', (raw, allowed) => {
    expect(!!allowedBy(parseImage(raw)!, patterns)).toBe(allowed);
  });

  it.each(['', 'bad host/x', 'ghcr.io/UPPER'])('rejects pattern %j', (raw) => {
    expect(parseRegistryPattern(raw)).toBeUndefined();
  });
});
