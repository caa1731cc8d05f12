import { describe, expect, it } from 'vitest';
import { admissionWarnings, impactAt, namespacePsa, psaPosture } from '../../src/model/psa-posture.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';
import { parseManifests, snapshotFromObjects } from '../../src/collect/manifests.ts';

const V137 = { serverVersion: { gitVersion: 'v1.37.2', major: '1', minor: '37' } };

describe('namespacePsa', () => {
  it('reads the labels as the admission plugin does', () => {
    const p = namespacePsa({
      'pod-security.kubernetes.io/enforce': 'restriced',
      'pod-security.kubernetes.io/enforce-version': 'v1.30',
      'pod-security.kubernetes.io/audit': 'bogus',
      'pod-security.kubernetes.io/warn': 'baseline',
      'pod-security.kubernetes.io/warn-version': '1.30',
    });
    expect(p.enforce).toMatchObject({ level: 'restriced', effectiveLevel: 'restricted', effectiveVersion: 'v1.30', invalid: ['level'] });
    expect(p.audit).toMatchObject({ effectiveLevel: 'privileged', effectiveVersion: 'latest', invalid: ['level'] });
    expect(p.warn).toMatchObject({ effectiveLevel: 'baseline', effectiveVersion: 'latest', invalid: ['version'] });
  });

  it('warns at the enforce level when no warn level is set, as PolicyToEvaluate defaults it', () => {
    // Reproduced on kube-apiserver v1.37.2: in a namespace labelled only enforce=baseline, enforce-version=v1.30,
    // creating a Deployment with hostNetwork is answered 'would violate PodSecurity "baseline:v1.30": host namespaces'.
    const p = namespacePsa({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.30' });
    expect(p.warn).toMatchObject({ effectiveLevel: 'baseline', effectiveVersion: 'v1.30', fromEnforce: true });
    expect(p.audit).toMatchObject({ effectiveLevel: 'privileged', effectiveVersion: 'latest' });
    // A warn-version label keeps its own version; a warn level label, an invalid enforce level, or enforce=privileged: no defaulting.
    expect(namespacePsa({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.30', 'pod-security.kubernetes.io/warn-version': 'v1.33' }).warn).toMatchObject({ effectiveLevel: 'restricted', effectiveVersion: 'v1.33' });
    expect(namespacePsa({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'baseline' }).warn.effectiveLevel).toBe('baseline');
    expect(namespacePsa({ 'pod-security.kubernetes.io/enforce': 'Restricted' }).warn.effectiveLevel).toBe('privileged');
    expect(namespacePsa({ 'pod-security.kubernetes.io/enforce': 'privileged' }).warn.fromEnforce).toBeUndefined();
    const posture = psaPosture(snapshotFromYaml('apiVersion: v1\nkind: Namespace\nmetadata: {name: wd, labels: {pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/enforce-version: v1.30}}\n', V137));
    expect(posture.namespaces[0]!.warn).toBe('unset (as enforce: baseline @v1.30)');
  });

  it('treats missing labels as privileged at latest', () => {
    const p = namespacePsa(undefined);
    for (const mode of ['enforce', 'audit', 'warn'] as const) {
      expect(p[mode]).toEqual({ effectiveLevel: 'privileged', effectiveVersion: 'latest', invalid: [] });
    }
  });
});

const cluster = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {pod-security.kubernetes.io/warn: restricted}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, uid: d1}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-7c9
  namespace: shop
  uid: r1
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d1, controller: true}]
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
---
apiVersion: v1
kind: Pod
metadata:
  name: web-7c9-bbbbb
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7c9, uid: r1, controller: true}]
spec:
  containers: [{name: web, image: nginx:1.27}]
---
apiVersion: v1
kind: Pod
metadata:
  name: web-7c9-aaaaa
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7c9, uid: r1, controller: true}]
spec:
  containers: [{name: web, image: nginx:1.27}]
---
apiVersion: v1
kind: Pod
metadata: {name: zz-debug, namespace: shop}
spec:
  containers: [{name: debug, image: busybox:1.36}]
---
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: shop}
spec:
  hostNetwork: true
  containers: [{name: agent, image: busybox:1.36}]
---
apiVersion: v1
kind: Pod
metadata: {name: restricted-ok, namespace: shop}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
    - name: app
      image: registry.example.com/app:1.0
      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`;

describe('impactAt', () => {
  const snapshot = snapshotFromYaml(cluster, V137);

  it('lists the workloads a level refuses, and the existing Pods with their owner', () => {
    const baseline = impactAt(snapshot, 'shop', 'baseline');
    expect(baseline.workloads.map((w) => `${w.subject.kind}/${w.subject.name}:${w.checks.join('+')}`)).toEqual(['Pod/agent:hostNamespaces']);
    expect(baseline.pods.map((p) => p.name)).toEqual(['agent']);

    const restricted = impactAt(snapshot, 'shop', 'restricted');
    expect(restricted.versionLabel).toBe('latest');
    expect(restricted.evaluatedAt).toBe('v1.37');
    expect(restricted.workloads.map((w) => `${w.subject.kind}/${w.subject.name}`).sort()).toEqual(['Deployment/web', 'Pod/agent', 'Pod/zz-debug']);
    expect(restricted.pods.map((p) => `${p.name}<${p.owner.kind}/${p.owner.name}`)).toEqual([
      'agent<Pod/agent',
      'web-7c9-aaaaa<Deployment/web',
      'web-7c9-bbbbb<Deployment/web',
      'zz-debug<Pod/zz-debug',
    ]);
    const web = restricted.pods.find((p) => p.name === 'web-7c9-aaaaa')!;
    expect(web.reasons).toBe('allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile');
  });

  it('writes the API server\'s namespace warnings: one line per reason list, first pod and count, sorted', () => {
    const w = admissionWarnings('shop', impactAt(snapshot, 'shop', 'restricted'));
    expect(w[0]).toBe('existing pods in namespace "shop" violate the new PodSecurity enforce level "restricted:latest"');
    expect(w.slice(1)).toEqual([
      'agent: host namespaces, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
      'web-7c9-aaaaa (and 2 other pods): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
    ]);
    expect(admissionWarnings('shop', { ...impactAt(snapshot, 'shop', 'restricted'), pods: [] })).toEqual([]);
  });

  it('uses the namespace\'s enforce-version pin', () => {
    const pinned = snapshotFromYaml(
      cluster.replace('{pod-security.kubernetes.io/warn: restricted}', '{pod-security.kubernetes.io/enforce-version: v1.22}'),
      V137,
    );
    const impact = impactAt(pinned, 'shop', 'restricted');
    expect(impact.versionLabel).toBe('v1.22');
    expect(impact.evaluatedAt).toBe('v1.22');
    expect(admissionWarnings('shop', impact)[0]).toContain('"restricted:v1.22"');
  });
});

describe('psaPosture insight', () => {
  it('covers every namespace, the current enforce level and the stricter ones, with a next step', () => {
    const snapshot = snapshotFromYaml(
      `${cluster}
---
apiVersion: v1
kind: Namespace
metadata: {name: payments, labels: {pod-security.kubernetes.io/enforce: restricted}}
---
apiVersion: v1
kind: Namespace
metadata: {name: web, labels: {pod-security.kubernetes.io/enforce: baseline}}
---
apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
`,
      V137,
    );
    const insight = psaPosture(snapshot);
    expect(insight.clusterVersion).toBe('v1.37');
    expect(insight.namespaces.map((n) => n.namespace)).toEqual(['kube-system', 'payments', 'shop', 'web']);
    const byName = Object.fromEntries(insight.namespaces.map((n) => [n.namespace, n]));
    expect(byName['kube-system']!.system).toBe(true);
    expect(byName['kube-system']!.nextStep).toMatch(/Nothing in the namespace violates restricted/);
    expect(byName['payments']!.levels.map((l) => `${l.level}:${l.current}`)).toEqual(['restricted:true']);
    expect(byName['payments']!.nextStep).toBeUndefined();
    expect(byName['web']!.levels.map((l) => `${l.level}:${l.current}`)).toEqual(['baseline:true', 'restricted:false']);
    const shop = byName['shop']!;
    expect(shop.levels.map((l) => `${l.level}:${l.current}`)).toEqual(['baseline:false', 'restricted:false']);
    expect(shop.workloads).toBe(4);
    expect(shop.pods).toBe(5);
    // warn=restricted already reports violations; baseline is the next level and one workload blocks it.
    expect(shop.nextStep).toBe('Fix the 1 workload listed for baseline, then enforce it.');
    const unwatched = psaPosture(snapshotFromYaml(cluster.replace('{pod-security.kubernetes.io/warn: restricted}', '{}'), V137));
    expect(unwatched.namespaces[0]!.nextStep).toBe('Set warn and audit to baseline so that new violations are reported as they are created, then fix those listed here.');
  });
});

describe('psaPosture summary columns', () => {
  it('says each mode and each level in words', () => {
    const snapshot = snapshotFromYaml(
      `${cluster.replace('{pod-security.kubernetes.io/warn: restricted}', '{pod-security.kubernetes.io/warn: restricted, pod-security.kubernetes.io/audit: bogus, pod-security.kubernetes.io/enforce-version: v1.30}')}
---
apiVersion: v1
kind: Namespace
metadata: {name: web, labels: {pod-security.kubernetes.io/enforce: baseline}}
---
apiVersion: v1
kind: Pod
metadata: {name: host, namespace: web}
spec:
  hostPID: true
  containers: [{name: c, image: busybox:1.36}]
`,
      V137,
    );
    const [shop, web] = psaPosture(snapshot).namespaces;
    expect(shop).toMatchObject({
      enforce: 'unset (default: privileged unless configured) @v1.30',
      audit: '"bogus" (invalid: privileged)',
      warn: 'restricted',
      baseline: '1 workload, 1 pod refused',
      restricted: '3 workloads, 4 pods refused',
    });
    expect(web).toMatchObject({ enforce: 'baseline', baseline: 'enforced, violated by 1 workload (1 pod)', restricted: '1 workload, 1 pod refused' });
  });
});

describe('psaPosture without an API server', () => {
  // A sysctl allowed at baseline only from v1.32: what "latest" allows depends on the cluster's version.
  const manifests = `
apiVersion: v1
kind: Namespace
metadata: {name: api}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: tuned, namespace: api}
spec:
  selector: {matchLabels: {app: tuned}}
  template:
    metadata: {labels: {app: tuned}}
    spec:
      securityContext: {sysctls: [{name: net.ipv4.tcp_rmem, value: "4096 87380 6291456"}]}
      containers: [{name: app, image: registry.example.com/app:1.0}]
`;

  it('says which version "latest" was taken as, and that an older cluster may refuse what it allows', () => {
    const staticScan = psaPosture(snapshotFromYaml(manifests));
    expect(staticScan.clusterVersion).toBeUndefined();
    expect(staticScan.assumedVersion).toBe('v1.37');
    expect(staticScan.note).toMatch(/"latest" is taken as v1\.37/);
    // A live scan refused /version is not a scan without an API server.
    expect(staticScan.note).toMatch(/^The cluster's version could not be read \(\/version\): "latest" is taken as v1\.37/);
    expect(psaPosture(snapshotFromObjects(parseManifests(manifests, 'm.yaml'))).note).toMatch(/^No API server was read: "latest" is taken as v1\.37/);
    const api = staticScan.namespaces.find((n) => n.namespace === 'api')!;
    expect(api.baseline).toBe('nothing breaks');
    expect(api.nextStep).toMatch(/^Nothing in the namespace violates baseline: enforce it now.*\(Judged at v1\.37: check on the cluster first, see the note\.\)$/);
    // Against a v1.31 API server the same Deployment is refused at baseline; against v1.37, no caveat.
    const old = psaPosture(snapshotFromYaml(manifests, { serverVersion: { gitVersion: 'v1.31.4', major: '1', minor: '31' } })).namespaces.find((n) => n.namespace === 'api')!;
    expect(old.baseline).toMatch(/^1 workload, 0 pods refused$/);
    const live = psaPosture(snapshotFromYaml(manifests, V137));
    expect(live.assumedVersion).toBeUndefined();
    expect(live.note).not.toMatch(/"latest" is taken as/);
    expect(live.namespaces.find((n) => n.namespace === 'api')!.nextStep).not.toContain('Judged at');
  });
});

describe('psaPosture of a namespace whose Namespace object was not scanned', () => {
  it('judges it anyway, its labels unknown', () => {
    const posture = psaPosture(
      snapshotFromYaml(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: agent, namespace: shop}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostNetwork: true
      containers: [{name: agent, image: registry.example.com/agent:1.0}]
`),
    );
    const shop = posture.namespaces.find((n) => n.namespace === 'shop')!;
    expect(shop.enforce).toBe('unknown: no Namespace object scanned');
    expect(shop.baseline).toBe('1 workload, 0 pods refused');
  });
});

describe('psaPosture: what the API server answers', () => {
  it('gives each stricter level the warning lines of the label change', () => {
    const posture = psaPosture(
      snapshotFromYaml(
        `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: b-agent, namespace: shop}
spec: {hostNetwork: true, containers: [{name: c, image: registry.example.com/agent:1.0}]}
---
apiVersion: v1
kind: Pod
metadata: {name: a-agent, namespace: shop}
spec: {hostNetwork: true, containers: [{name: c, image: registry.example.com/agent:1.0}]}
`,
        V137,
      ),
    );
    const baseline = posture.namespaces.find((n) => n.namespace === 'shop')!.levels.find((l) => l.level === 'baseline')!;
    expect(baseline.warnings).toEqual(['existing pods in namespace "shop" violate the new PodSecurity enforce level "baseline:latest"', 'a-agent (and 1 other pod): host namespaces']);
    expect(baseline.partialCheck).toBeUndefined();
  });
});

describe('psaPosture of a namespace being deleted', () => {
  it('proposes no rollout step: the API server admits no new pod into it', () => {
    const posture = psaPosture(
      snapshotFromYaml(
        `
apiVersion: v1
kind: Namespace
metadata: {name: dying, deletionTimestamp: "2026-12-05T20:32:57Z"}
status: {phase: Terminating}
`,
        V137,
      ),
    );
    const dying = posture.namespaces.find((n) => n.namespace === 'dying')!;
    expect(dying.nextStep).toBe('None: the namespace is being deleted (Terminating), and the API server admits no new pod into it.');
  });
});

describe('psaPosture: the API server\'s PodSecurity configuration', () => {
  // Reproduced on kube-apiserver v1.37.2 with `defaults: {enforce: baseline}` and `exemptions: {namespaces: [exempt-ns],
  // runtimeClasses: [kata-exempt]}`: an unlabelled namespace refuses a privileged Pod; `enforce=baseline` on it is
  // answered without warning; in exempt-ns, or for a Pod of runtime class kata-exempt, no level is checked.
  it('does not say an unlabelled mode is privileged, and says the defaults and exemptions are not visible', () => {
    const posture = psaPosture(snapshotFromYaml('apiVersion: v1\nkind: Namespace\nmetadata: {name: plain}\n', V137));
    const plain = posture.namespaces.find((n) => n.namespace === 'plain')!;
    expect(plain.enforce).toBe('unset (default: privileged unless configured)');
    expect(posture.note).toMatch(/PodSecurity configuration is not visible through the API/);
    expect(posture.note).toMatch(/exempts/);
    // Without /version the version caveat comes first, the configuration's after it.
    const offline = psaPosture(snapshotFromYaml('apiVersion: v1\nkind: Namespace\nmetadata: {name: plain}\n'));
    expect(offline.note).toMatch(/^The cluster's version could not be read .* The API server's PodSecurity configuration is not visible/);
  });
});
