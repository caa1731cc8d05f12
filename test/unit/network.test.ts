import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../src/model/k8s.ts';
import { cidrContains, isWholeSpace, parseCidr, parseIp, wholeSpaceFamilies } from '../../src/model/ip.ts';
import {
  coversEveryPort,
  allowsAll,
  cniComponents,
  imageRepository,
  metadataReach,
  namespaceLabels,
  networkAnalysis,
  networkIsolationInsight,
  policyApis,
  policyTypes,
  portAdmits,
  rulesOf,
  type Rule,
} from '../../src/model/network.ts';
import { Snapshot } from '../../src/model/snapshot.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';

function np(spec: Record<string, unknown>, name = 'p', namespace = 'ns'): K8sObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

function rule(spec: Record<string, unknown>, index = 0, direction: 'ingress' | 'egress' = 'egress'): Rule {
  return rulesOf(np(spec)).filter((r) => r.direction.toLowerCase() === direction)[index]!;
}

describe('policyTypes', () => {
  it('defaults to Ingress, plus Egress only when there is an egress rule', () => {
    expect(policyTypes(np({ podSelector: {} }))).toEqual(['Ingress']);
    expect(policyTypes(np({ podSelector: {}, egress: [] }))).toEqual(['Ingress']);
    expect(policyTypes(np({ podSelector: {}, egress: [{}] }))).toEqual(['Ingress', 'Egress']);
    expect(policyTypes(np({ podSelector: {}, ingress: [{}] }))).toEqual(['Ingress']);
    expect(policyTypes(np({ podSelector: {}, policyTypes: [] }))).toEqual(['Ingress']);
    expect(policyTypes(np({ podSelector: {}, policyTypes: ['Egress'], ingress: [{}] }))).toEqual(['Egress']);
  });
});

describe('rulesOf', () => {
  it('reads empty and absent peer and port lists as "every"', () => {
    for (const r of [{}, { to: [] }, { ports: [] }, { to: [], ports: [] }, { to: null, ports: null }]) {
      const x = rule({ egress: [r] });
      expect(x.peers).toBeNull();
      expect(x.ports).toBeNull();
      expect(allowsAll(x)).toBe(true);
    }
    expect(allowsAll(rule({ egress: [{ ports: [{ port: 53 }] }] }))).toBe(false);
    expect(allowsAll(rule({ egress: [{ to: [{ podSelector: {} }] }] }))).toBe(false);
  });

  it('normalises peers as the API reads them', () => {
    const r = rule(
      {
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: { app: 'web' } } },
              { namespaceSelector: {} },
              { namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: {} },
              { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
              {},
              { ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} },
            ],
          },
        ],
      },
      0,
      'ingress',
    );
    expect(r.peers).toEqual([
      { type: 'pods', path: 'spec.ingress[0].from[0]', namespaces: 'own', pods: { matchLabels: { app: 'web' } } },
      { type: 'pods', path: 'spec.ingress[0].from[1]', namespaces: 'all', pods: 'all' },
      { type: 'pods', path: 'spec.ingress[0].from[2]', namespaces: { matchLabels: { team: 'a' } }, pods: 'all' },
      { type: 'ipBlock', path: 'spec.ingress[0].from[3].ipBlock', cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] },
      { type: 'invalid', path: 'spec.ingress[0].from[4]', reason: expect.any(String) },
      { type: 'invalid', path: 'spec.ingress[0].from[5]', reason: expect.any(String) },
    ]);
  });

  it('marks rules of a direction the policy types leave out as not effective', () => {
    const rules = rulesOf(np({ policyTypes: ['Ingress'], ingress: [{}], egress: [{}] }));
    expect(rules.map((r) => [r.path, r.effective])).toEqual([
      ['spec.ingress[0]', true],
      ['spec.egress[0]', false],
    ]);
  });

  it('defaults a port protocol to TCP', () => {
    expect(rule({ egress: [{ ports: [{ port: 53 }, { protocol: 'UDP', port: 53 }, { protocol: 'SCTP' }] }] }).ports).toEqual([
      { path: 'spec.egress[0].ports[0]', protocol: 'TCP', port: 53 },
      { path: 'spec.egress[0].ports[1]', protocol: 'UDP', port: 53 },
      { path: 'spec.egress[0].ports[2]', protocol: 'SCTP' },
    ]);
  });
});

describe('portAdmits', () => {
  const ports = rule({ egress: [{ ports: [{ port: 80 }, { port: 9000, endPort: 9100 }, { protocol: 'UDP' }, { port: 'metrics' }] }] }).ports;
  it('matches numbers, ranges, port-less protocols and resolved names', () => {
    expect(portAdmits(ports, 'TCP', 80)).toBe(true);
    expect(portAdmits(ports, 'UDP', 80)).toBe(true); // every UDP port
    expect(portAdmits(ports, 'TCP', 9000)).toBe(true);
    expect(portAdmits(ports, 'TCP', 9100)).toBe(true);
    expect(portAdmits(ports, 'TCP', 9101)).toBe(false);
    expect(portAdmits(ports, 'SCTP', 80)).toBe(false);
    expect(portAdmits(ports, 'TCP', 8443)).toBe(false);
    expect(portAdmits(ports, 'TCP', 8443, [{ name: 'metrics', port: 8443, protocol: 'TCP' }])).toBe(true);
    expect(portAdmits(ports, 'TCP', 8443, [{ name: 'metrics', port: 8443, protocol: 'UDP' }])).toBe(false);
    expect(portAdmits(null, 'SCTP', 1)).toBe(true);
  });
});

describe('metadataReach', () => {
  const reach = (egress: unknown[]) => metadataReach(rule({ egress }));
  it('finds the metadata addresses an egress rule opens on TCP 80', () => {
    expect(reach([{}]).map((m) => m.address)).toEqual(['169.254.169.254', 'fd00:ec2::254']);
    expect(reach([{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }]).map((m) => m.address)).toEqual(['169.254.169.254']);
    expect(reach([{ to: [{ ipBlock: { cidr: '::/0' } }] }]).map((m) => m.address)).toEqual(['fd00:ec2::254']);
    expect(reach([{ to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [{ port: 1, endPort: 100 }] }])).toHaveLength(1);
  });
  it('respects except, ports, named ports and pod peers', () => {
    expect(reach([{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] }])).toEqual([]);
    expect(reach([{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] } }] }])).toEqual([]);
    expect(reach([{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.0/30'] } }] }])).toHaveLength(1);
    expect(reach([{ ports: [{ port: 443 }] }])).toEqual([]);
    expect(reach([{ ports: [{ protocol: 'UDP' }] }])).toEqual([]);
    expect(reach([{ to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [{ port: 'http' }] }])).toEqual([]);
    expect(reach([{ to: [{ namespaceSelector: {} }] }])).toEqual([]);
    expect(metadataReach(rule({ ingress: [{}] }, 0, 'ingress'))).toEqual([]);
  });
});

describe('ip', () => {
  it('parses IPv4 and IPv6 forms', () => {
    expect(parseIp('169.254.169.254')).toEqual({ family: 4, value: 0xa9fea9fen });
    expect(parseIp('::')).toEqual({ family: 6, value: 0n });
    expect(parseIp('::1')).toEqual({ family: 6, value: 1n });
    expect(parseIp('fd00:ec2::254')!.value).toBe((0xfd00n << 112n) | (0xec2n << 96n) | 0x254n);
    expect(parseIp('::ffff:10.0.0.1')!.value).toBe((0xffffn << 32n) | 0x0a000001n);
    for (const bad of ['256.0.0.1', '1.2.3', '1::2::3', 'g::1', '1:2:3:4:5:6:7:8:9', '']) expect(parseIp(bad), bad).toBeUndefined();
  });
  it('clears host bits, keeps families apart', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ family: 4, network: 0x0a000000n, prefix: 8 });
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('10.0.0.0')).toBeUndefined();
    expect(cidrContains(parseCidr('10.0.0.0/8')!, parseIp('10.255.0.1')!)).toBe(true);
    expect(cidrContains(parseCidr('10.0.0.0/8')!, parseIp('11.0.0.1')!)).toBe(false);
    expect(cidrContains(parseCidr('::/0')!, parseIp('169.254.169.254')!)).toBe(false);
    expect(cidrContains(parseCidr('0.0.0.0/0')!, parseIp('fd00:ec2::254')!)).toBe(false);
  });
  it('reads IPv4-mapped IPv6 blocks as their IPv4 block, as Go does', () => {
    expect(cidrContains(parseCidr('::ffff:0.0.0.0/96')!, parseIp('169.254.169.254')!)).toBe(true);
    expect(cidrContains(parseCidr('::ffff:169.254.0.0/112')!, parseIp('169.254.169.254')!)).toBe(true);
    expect(cidrContains(parseCidr('::ffff:10.0.0.0/104')!, parseIp('169.254.169.254')!)).toBe(false);
    expect(isWholeSpace(parseCidr('::ffff:0:0/96')!)).toBe(true);
    expect(isWholeSpace(parseCidr('::ffff:0:0/97')!)).toBe(false);
    expect(isWholeSpace(parseCidr('::/1')!)).toBe(false);
    expect(metadataReach(rule({ egress: [{ to: [{ ipBlock: { cidr: '::ffff:0.0.0.0/96' } }] }] })).map((m) => m.address)).toEqual(['169.254.169.254']);
  });
});

describe('namespaceLabels', () => {
  it('adds the automatic name label, which nothing overrides', () => {
    const ns: K8sObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { team: 'x', 'kubernetes.io/metadata.name': 'forged' } } };
    expect(namespaceLabels('a', ns)).toEqual({ team: 'x', 'kubernetes.io/metadata.name': 'a' });
    expect(namespaceLabels('b')).toEqual({ 'kubernetes.io/metadata.name': 'b' });
  });
});

const CLUSTER = `
apiVersion: v1
kind: Namespace
metadata: {name: none}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: none, labels: {app: p}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: locked}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: locked}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-in, namespace: locked}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {team: edge}}}], ports: [{port: http}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: locked}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: edge, labels: {team: edge}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: in-only, namespace: edge}
spec: {podSelector: {}}
---
apiVersion: v1
kind: Pod
metadata: {name: lb, namespace: edge}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: cancelled}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: cancelled}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: cancelled}
spec: {podSelector: {}, egress: [{}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: hostnet}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: hostnet}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: hostnet}
spec: {hostNetwork: true, containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: nothing}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: typo, namespace: nothing}
spec: {podSelector: {matchLabels: {ap: web}}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: nothing, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
`;

describe('networkAnalysis', () => {
  const snapshot = snapshotFromYaml(CLUSTER);
  const a = networkAnalysis(snapshot);
  const ns = (name: string) => a.namespaces.get(name)!;

  it('gives each namespace its verdict', () => {
    expect(Object.fromEntries([...a.namespaces.values()].map((n) => [n.name, n.verdict]))).toEqual({
      cancelled: 'partial',
      edge: 'partial',
      hostnet: 'partial',
      locked: 'default-deny',
      none: 'no-policy',
      nothing: 'open',
    });
    expect(ns('locked').reasons).toEqual([]);
    expect(ns('edge').reasons).toEqual([expect.stringMatching(/^Egress: no NetworkPolicy selecting every pod isolates egress traffic \(0 of 1/)]);
    expect(ns('cancelled').egress.status).toBe('cancelled');
    expect(ns('cancelled').ingress.status).toBe('isolated');
    expect(ns('cancelled').reasons).toEqual([expect.stringContaining('rule spec.egress[0] of NetworkPolicy allow-all')]);
    expect(ns('hostnet').reasons).toEqual([expect.stringContaining('Pod agent uses the host network')]);
  });

  it('lists default-deny and all-pods policies per direction', () => {
    expect(ns('locked').ingress.defaultDenyPolicies.map((p) => p.metadata.name)).toEqual(['deny']);
    expect(ns('cancelled').egress.allPodsPolicies.map((p) => p.metadata.name)).toEqual(['allow-all', 'deny']);
    expect(ns('cancelled').egress.defaultDenyPolicies.map((p) => p.metadata.name)).toEqual(['deny']);
  });

  it('is computed once per snapshot', () => {
    expect(networkAnalysis(snapshot)).toBe(a);
  });
});

describe('networkIsolationInsight', () => {
  const snapshot = snapshotFromYaml(CLUSTER);
  const insight = networkIsolationInsight(snapshot);

  it('is plain JSON data', () => {
    expect(JSON.parse(JSON.stringify(insight))).toEqual(insight);
  });

  it('summarises what each workload may receive and send', () => {
    const locked = insight.namespaces.find((n) => n.namespace === 'locked')!;
    const web = locked.workloads[0]!;
    expect(web).toMatchObject({ kind: 'Deployment', name: 'web', hostNetwork: false });
    expect(web.ingress).toMatchObject({ isolated: 'yes', policies: ['deny', 'web-in'], allowed: 'restricted', anyPeer: false });
    expect(web.ingress.allows).toEqual([
      {
        policy: 'web-in',
        path: 'spec.ingress[0]',
        peers: [{ type: 'pods', text: 'all pods in namespaces team=edge', namespaces: 'team=edge', matchedNamespaces: ['edge'], pods: 'all' }],
        ports: [{ protocol: 'TCP', port: 'http', text: 'TCP http' }],
        text: 'TCP http from all pods in namespaces team=edge',
      },
    ]);
    expect(web.egress).toMatchObject({ isolated: 'yes', allowed: 'nothing', allows: [], metadataReachable: [] });

    const edge = insight.namespaces.find((n) => n.namespace === 'edge')!;
    expect(edge.workloads[0]!.egress).toMatchObject({ isolated: 'no', allowed: 'everything', anyPeer: true, metadataReachable: ['169.254.169.254', 'fd00:ec2::254'] });
    const agent = insight.namespaces.find((n) => n.namespace === 'hostnet')!.workloads[0]!;
    expect(agent).toMatchObject({ hostNetwork: true, ingress: { isolated: 'no', allowed: 'everything', policies: [] } });
  });

  it('says what it could not see about the network plugin', () => {
    expect(insight.cni.plugins).toEqual([]);
    expect(insight.cni.policyApis).toEqual([]);
    expect(insight.cni.caveats).toEqual([expect.stringContaining('No known network plugin')]);
    const partial = new Snapshot({ source: 'cluster', objects: { namespaces: [], networkpolicies: [] } });
    const cni = networkIsolationInsight(partial).cni;
    expect(cni.plugins).toBeNull();
    expect(cni.policyApis).toBeNull();
    expect(cni.caveats).toHaveLength(2);
  });
});

describe('CNI detection', () => {
  it('takes the repository part of an image', () => {
    expect(imageRepository('docker.io/calico/node:v3.28.0')).toBe('docker.io/calico/node');
    expect(imageRepository('localhost:5000/flannel/flannel@sha256:abc')).toBe('localhost:5000/flannel/flannel');
    expect(imageRepository('localhost:5000/cilium/cilium:v1')).toBe('localhost:5000/cilium/cilium');
    expect(imageRepository('flannel')).toBe('flannel');
  });

  it('recognises plugins by image and policy kinds by CRD', () => {
    const ds = (name: string, images: string[]) => `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ${name}, namespace: kube-system}
spec:
  selector: {matchLabels: {a: b}}
  template:
    spec:
      containers: [${images.map((image, i) => `{name: c${i}, image: "${image}"}`).join(', ')}]
---`;
    const crd = (group: string, kind: string, plural: string) => `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${plural}.${group}}
spec: {group: ${group}, names: {kind: ${kind}, plural: ${plural}}, scope: Namespaced}
---`;
    const snapshot = snapshotFromYaml(
      [
        ds('calico-node', ['quay.io/calico/node:v3.27.0']),
        ds('cilium', ['quay.io/cilium/cilium:v1.15.0', 'quay.io/cilium/operator-generic:v1.15.0']),
        ds('antrea-agent', ['antrea/antrea-agent-ubuntu:v2.0.0']),
        ds('kube-router', ['docker.io/cloudnativelabs/kube-router:v2.1.0']),
        ds('flannel', ['docker.io/flannel/flannel:v0.25.6', 'docker.io/flannel/flannel-cni-plugin:v1.5.1']),
        ds('other', ['registry.example/nodeagent:1', 'registry.example/calico-node-exporter:1']),
        crd('crd.projectcalico.org', 'GlobalNetworkPolicy', 'globalnetworkpolicies'),
        crd('crd.projectcalico.org', 'IPPool', 'ippools'),
        crd('cilium.io', 'CiliumClusterwideNetworkPolicy', 'ciliumclusterwidenetworkpolicies'),
        crd('crd.antrea.io', 'ClusterNetworkPolicy', 'clusternetworkpolicies'),
        crd('policy.networking.k8s.io', 'AdminNetworkPolicy', 'adminnetworkpolicies'),
        crd('example.com', 'NetworkPolicy', 'networkpolicies'),
      ].join('\n'),
    );
    expect(cniComponents(snapshot).map((c) => `${c.object.metadata.name}:${c.signature.id}`)).toEqual([
      'antrea-agent:antrea',
      'calico-node:calico',
      'cilium:cilium',
      'flannel:flannel',
      'kube-router:kube-router',
    ]);
    const expected = [
      'Kubernetes network policy API (sig-network):adminnetworkpolicies.policy.networking.k8s.io',
      'Cilium:ciliumclusterwidenetworkpolicies.cilium.io',
      'Antrea:clusternetworkpolicies.crd.antrea.io',
      'Calico:globalnetworkpolicies.crd.projectcalico.org',
    ];
    expect(policyApis(snapshot).map((p) => `${p.provider}:${p.resource}.${p.group}`)).toEqual(expected);
    expect(policyApis(snapshot).map((p) => `${p.provider}:${p.crd}`)).toEqual(expected);
    // A live scan lists CRDs as metadata only: the name alone must tell the same.
    const names = snapshot.list('customresourcedefinitions').map((c) => ({ apiVersion: c.apiVersion, kind: c.kind, metadata: { name: c.metadata.name } }));
    expect(names).toHaveLength(6);
    const listed = new Snapshot({ source: 'cluster', objects: { customresourcedefinitions: names } });
    expect(policyApis(listed)).toEqual(policyApis(snapshot));
    const caveats = networkIsolationInsight(snapshot).cni.caveats;
    expect(caveats).toEqual([expect.stringContaining('Policy kinds outside the standard API are installed')]);
  });
});

describe('every address, every port: however a rule spells them', () => {
  const b = (cidr: string, ...except: string[]) => ({ cidr, except });
  it('ipBlocks that together cover a family, an except counting against its own block only', () => {
    expect([...wholeSpaceFamilies([b('0.0.0.0/0')])]).toEqual([4]);
    expect([...wholeSpaceFamilies([b('0.0.0.0/1'), b('128.0.0.0/1')])]).toEqual([4]);
    expect([...wholeSpaceFamilies([b('0.0.0.0/1'), b('128.0.0.0/2')])]).toEqual([]);
    expect([...wholeSpaceFamilies([b('0.0.0.0/0', '10.0.0.0/8')])]).toEqual([]);
    // The except is covered again by another block.
    expect([...wholeSpaceFamilies([b('0.0.0.0/0', '10.0.0.0/8'), b('10.0.0.0/8')])]).toEqual([4]);
    expect([...wholeSpaceFamilies([b('::/1'), b('8000::/1'), b('0.0.0.0/0')])]).toEqual([4, 6]);
    // Go reads ::ffff:0.0.0.0/96 as every IPv4 address.
    expect([...wholeSpaceFamilies([b('::ffff:0.0.0.0/97'), b('128.0.0.0/1')])]).toEqual([4]);
    expect([...wholeSpaceFamilies([b('not a cidr')])]).toEqual([]);
  });

  it('ports: every port of TCP, UDP and SCTP, port-less or by ranges; named ports open only what they name', () => {
    const p = (protocol: string, port?: number | string, endPort?: number) => ({ path: 'x', protocol, ...(port !== undefined ? { port } : {}), ...(endPort ? { endPort } : {}) });
    expect(coversEveryPort(null)).toBe(true);
    expect(coversEveryPort([p('TCP'), p('UDP'), p('SCTP')])).toBe(true);
    expect(coversEveryPort([p('TCP', 1, 32767), p('TCP', 32768, 65535), p('UDP'), p('SCTP')])).toBe(true);
    expect(coversEveryPort([p('TCP'), p('UDP')])).toBe(false);
    expect(coversEveryPort([p('TCP', 1, 65534), p('UDP'), p('SCTP')])).toBe(false);
    expect(coversEveryPort([p('TCP', 'http'), p('UDP'), p('SCTP')])).toBe(false);
  });
});
