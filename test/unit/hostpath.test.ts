import { describe, expect, it } from 'vitest';
import { normalizeHostPath, sensitivity } from '../../checks/hardening/_hostpath.ts';
import { tlsCovers } from '../../checks/hardening/ingress-tls-missing.ts';

describe('host path sensitivity', () => {
  it('normalises slashes and /var/run', () => {
    expect(normalizeHostPath('//etc//kubernetes/')).toBe('/etc/kubernetes');
    expect(normalizeHostPath('/var/run/docker.sock')).toBe('/run/docker.sock');
    expect(normalizeHostPath('/var/run')).toBe('/run');
    expect(normalizeHostPath('/var/running')).toBe('/var/running');
    expect(normalizeHostPath('/')).toBe('/');
  });

  it.each([
    ['/', true],
    ['/etc', true],
    ['/etc/kubernetes/pki', true],
    ['/etcetera', false],
    ['/proc', true],
    ['/proc/sys/kernel', true],
    ['/var', true],
    ['/var/lib', true],
    ['/var/lib/kubelet/pods', true],
    ['/var/lib/mysql', false],
    ['/var/log', false],
    ['/run', true],
    ['/run/containerd', true],
    ['/run/containerd/containerd.sock', true],
    ['/run/containerd/io.containerd.runtime.v2.task', false],
    ['/run/docker.sock', true],
    ['/run/xtables.lock', false],
    ['/home/ubuntu/.aws', true],
    ['/root', true],
    ['/opt/cni/bin', false],
    ['/tmp', false],
    ['C:\\ProgramData', false],
    // Distributions that run their runtime elsewhere: k0s, MicroK8s (a snap), and Podman's socket.
    ['/run/k0s/containerd.sock', true],
    ['/run/k0s', true],
    ['/var/lib/k0s/pki', true],
    ['/var/snap/microk8s/common/run/containerd.sock', true],
    ['/var/snap/microk8s/common/run', true],
    ['/var/snap/microk8s/current/credentials/client.config', true],
    // `current` links to the snap's revision directory, which a manifest may name instead.
    ['/var/snap/microk8s/7229/credentials', true],
    ['/var/snap/microk8s/x1/certs/ca.key', true],
    ['/var/snap/microk8s/7229/args', false],
    ['/var/snap/microk8s/common/var/lib/kubelet/pods', true],
    ['/var/snap/microk8s/common/var/log', false],
    // MicroK8s's datastore (k8s-dqlite, and its kine socket) and containerd's root: its /var/lib/etcd and /var/lib/containerd.
    ['/var/snap/microk8s/current/var/kubernetes/backend', true],
    ['/var/snap/microk8s/7229/var/kubernetes/backend/kine.sock', true],
    ['/var/snap/microk8s/current/var', true],
    ['/var/snap/microk8s/common/var/lib/containerd', true],
    ['/var/snap/microk8s/common/var/lib/containerd/io.containerd.content.v1.content', true],
    ['/run/podman/podman.sock', true],
  ])('%s sensitive: %s', (p, expected) => {
    expect(!!sensitivity(p)).toBe(expected);
  });
});

describe('Ingress TLS host coverage', () => {
  it.each([
    ['shop.example.com', 'shop.example.com', true],
    ['Shop.Example.com', 'shop.example.com', true],
    ['*.example.com', 'shop.example.com', true],
    ['*.example.com', 'a.shop.example.com', false],
    ['*.example.com', 'example.com', false],
    ['*.example.com', '*.example.com', true],
    ['shop.example.com', '*.example.com', false],
  ])('%s covers %s: %s', (tls, rule, expected) => {
    expect(tlsCovers(tls, rule)).toBe(expected);
  });
});
