/**
 * The PSS controls around the engine (checks/workloads/_pss.ts): how a finding's
 * remediation is chosen and rendered for each kind of subject, that cluster
 * values stay inert in the kubectl line, and which version a subject is judged at.
 */
import { describe, expect, it } from 'vitest';
import { PSS_CONTROLS } from '../../checks/workloads/index.ts';
import { PSS_CHECKS } from '../../src/model/pss.ts';
import { evaluate } from '../../src/engine/run.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';

const control = (id: string) => PSS_CONTROLS.find((c) => c.meta.id === id)!;

function run(id: string, yaml: string, serverMinor?: number) {
  const snapshot = snapshotFromYaml(yaml, serverMinor ? { serverVersion: { gitVersion: `v1.${serverMinor}.0`, major: '1', minor: String(serverMinor) } } : {});
  return evaluate(snapshot, [control(id)]).results;
}

const ape = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web:1}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: once, namespace: shop}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: task, image: task:1}]
---
apiVersion: v1
kind: Pod
metadata: {name: bare, namespace: shop}
spec:
  containers: [{name: c, image: c:1, securityContext: {allowPrivilegeEscalation: false}}]
  ephemeralContainers: [{name: dbg, image: busybox:1.36}]
`;

describe('PSS controls', () => {
  it('cover every admission check once', () => {
    const checks = PSS_CONTROLS.flatMap((c) => c.meta.references.pss ?? []);
    expect([...checks].sort()).toEqual(PSS_CHECKS.map((c) => c.id).sort());
    for (const c of PSS_CONTROLS) expect(c.reads).toContain('namespaces');
  });

  it('offers a kubectl patch for controllers, and says why not for Pods, Jobs and ephemeral containers', () => {
    const fails = run('pss-restricted-privilege-escalation', ape).filter((r) => r.status === 'fail');
    const by = (name: string) => fails.find((r) => r.subject.name === name)!;
    expect(by('web').remediation).toContain(
      `kubectl -n shop patch deployment web --type=strategic -p '{"spec":{"template":{"spec":{"containers":[{"name":"web","securityContext":{"allowPrivilegeEscalation":false}}]}}}}'`,
    );
    expect(by('web').remediation).toContain('containers:\n  - name: web\n    securityContext:\n      allowPrivilegeEscalation: false');
    expect(by('once').remediation).toContain("A Job's pod template cannot be changed in place");
    expect(by('once').remediation).not.toContain('kubectl');
    expect(by('bare').container).toBe('dbg');
    expect(by('bare').remediation).toContain('Ephemeral container dbg cannot be changed or removed');
    expect(by('bare').path).toBe('spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation');
  });

  it('guards removals with a JSON patch test of the value found', () => {
    const [f] = run(
      'pss-baseline-capabilities',
      `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: ops}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      initContainers: [{name: setup, image: s:1, securityContext: {capabilities: {add: [CHOWN, NET_RAW]}}}]
      containers: [{name: agent, image: a:1}]
`,
    ).filter((r) => r.status === 'fail');
    expect(f!.path).toBe('spec.template.spec.initContainers[0].securityContext.capabilities.add[1]');
    expect(f!.remediation).toContain(
      `--type=json -p '[{"op":"test","path":"/spec/template/spec/initContainers/0/securityContext/capabilities/add/1","value":"NET_RAW"},{"op":"remove","path":"/spec/template/spec/initContainers/0/securityContext/capabilities/add/1"}]'`,
    );
  });

  it('keeps hostile names inert: the patch is one single-quoted word', () => {
    const [f] = run(
      'pod-privileged',
      `
apiVersion: apps/v1
kind: Deployment
metadata: {name: "x$(id)", namespace: shop}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      containers: [{name: "it's$(reboot)", image: x:1, securityContext: {privileged: true}}]
`,
    ).filter((r) => r.status === 'fail');
    const line = f!.remediation!.split('\n').find((l) => l.startsWith('kubectl'))!;
    expect(line).toBe(
      `kubectl -n shop patch deployment 'x$(id)' --type=strategic -p '{"spec":{"template":{"spec":{"containers":[{"name":"it'\\''s$(reboot)","securityContext":{"privileged":false}}]}}}}'`,
    );
  });

  it("judges each subject at its namespace's enforce-version, else the cluster's version", () => {
    const yaml = `
apiVersion: v1
kind: Namespace
metadata: {name: old, labels: {pod-security.kubernetes.io/enforce-version: v1.22}}
---
apiVersion: v1
kind: Namespace
metadata: {name: new}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: old}
spec: {securityContext: {runAsUser: 0}, containers: [{name: c, image: c:1}]}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: new}
spec: {securityContext: {runAsUser: 0}, containers: [{name: c, image: c:1}]}
`;
    const results = run('pss-restricted-run-as-user', yaml, 30);
    // A pin before the check would hide the finding (and CIS 5.2.7 with it): judged at the cluster's version, the pin said.
    const old = results.find((r) => r.subject.namespace === 'old')!;
    expect(old.status).toBe('fail');
    expect(old.messageId).toBe('root-unpinned');
    expect(old.message).toMatch(/^The pod sets runAsUser=0\..* \(Judged at v1\.30, the cluster's version: namespace old pins v1\.22, and PodSecurity checks this only from v1\.23, so the namespace's admission does not refuse it until the pin is raised\.\)$/);
    expect(old.data).toMatchObject({ version: 'v1.30', pssPinned: 'v1.22', pssSince: 'v1.23', pssEvaluatedAt: 'v1.30' });
    // A pin at or after the check is followed as the admission follows it.
    const at23 = run('pss-restricted-run-as-user', yaml.replace('enforce-version: v1.22', 'enforce-version: v1.23'), 30).find((r) => r.subject.namespace === 'old')!;
    expect(at23).toMatchObject({ status: 'fail', messageId: 'root', data: { version: 'v1.23', pssVersionFrom: 'namespace label' } });
    const current = results.find((r) => r.subject.namespace === 'new')!;
    expect(current.status).toBe('fail');
    expect(current.data).toMatchObject({ version: 'v1.30', pssVersionFrom: 'cluster version', pssLevel: 'restricted' });
    // A cluster older than the check has no such check either.
    expect(run('pss-restricted-run-as-user', yaml, 22).every((r) => r.status === 'not-applicable')).toBe(true);
  });

  it('has a remediation template for every placement and apply mode it can pick', () => {
    for (const c of PSS_CONTROLS) {
      const ids = Object.keys(c.meta.remediations ?? {});
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) expect(id).toMatch(/-(patch|patch-live|pod|job|ephemeral|added|manual)$/);
      for (const t of Object.values(c.meta.remediations!)) expect(t).not.toMatch(/\{\{(snippet|apply|where)\}\}/);
    }
  });
});
