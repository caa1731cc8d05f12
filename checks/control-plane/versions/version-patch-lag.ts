import { CLUSTER_SUBJECT } from '../../../src/engine/run.ts';
import { defineControl } from '../../../src/engine/types.ts';
import { parseVersion } from '../../../src/model/flags.ts';
import { managedControlPlane, managedUndecided } from '../../../src/model/managed.ts';
import { daysBetween, nowOf, PATCH_CADENCE_DAYS, releaseOf, RELEASES_AS_OF, serverVersionOf, VERSION_PERMISSION } from './_releases.ts';

export default defineControl({
  meta: {
    id: 'version-patch-lag',
    title: 'The API server runs the latest patch release of its minor version',
    area: 'versions',
    severity: 'medium',
    description:
      "Compares the server's patch version with the newest patch of its minor release in k8s-audit's release calendar (checks/control-plane/data/k8s-releases.json, dated). A cluster behind the newest patch the calendar knows fails. One at (or past) it passes only while the calendar can still vouch for it: for a minor release still receiving patches, until a month after the newest patch it knows (patches come out about monthly); later, a newer patch has probably been published, and the result is not assessed. Managed control planes follow the provider's patch stream: not applicable.",
    rationale: 'Patch releases carry the security fixes of a minor release; each patch skipped is a set of published, fixed vulnerabilities left open.',
    remediation:
      'Upgrade the control plane (then the kubelets) to Kubernetes {{latest}}, the newest patch of {{minor}}; patch upgrades within a minor need no API migration. Patch notes: https://kubernetes.io/releases/patch-releases/.',
    references: { links: ['https://kubernetes.io/releases/patch-releases/'] },
    static: { needsCluster: 'it needs the version of a running API server.' },
    messages: {
      behind: 'The API server runs {{current}}, {{behind}} patch release(s) behind {{latest}} (the newest {{minor}} patch known on {{asOf}}).',
    },
  },
  reads: ['nodes', 'pods'],
  evaluate(snapshot, report) {
    const v = serverVersionOf(snapshot);
    if (!v) return report.notAssessed(CLUSTER_SUBJECT, 'The server version is unknown: /version could not be read.', VERSION_PERMISSION);
    const managed = managedControlPlane(snapshot);
    const undecided = managedUndecided(snapshot);
    if (undecided) return report.notAssessed(CLUSTER_SUBJECT, `${undecided} A provider sets its own support window and patch stream; the upstream calendar applies only to a self-managed one.`);
    if (managed) return report.notApplicable(CLUSTER_SUBJECT, `The control plane is managed by ${managed.provider.name}, whose versions follow its own patch stream (${snapshot.serverVersion!.gitVersion}); the provider applies control-plane patches.`);
    const release = releaseOf(v);
    if (!release) return report.notAssessed(CLUSTER_SUBJECT, `Kubernetes ${v.major}.${v.minor} is not in k8s-audit's release calendar (as of ${RELEASES_AS_OF}).`);
    const latest = parseVersion(release.latestPatch)!;
    if (v.patch >= latest.patch) {
      const known = release.latestPatchDate ?? RELEASES_AS_OF;
      const age = daysBetween(new Date(`${known}T00:00:00Z`), nowOf(snapshot));
      // A final patch stays the newest; otherwise, a month after the newest one known, the next has probably come out.
      if (!release.final && age > PATCH_CADENCE_DAYS) {
        return report.notAssessed(
          CLUSTER_SUBJECT,
          `The API server runs ${v.major}.${v.minor}.${v.patch}; the newest ${release.minor} patch k8s-audit's release calendar knows is ${release.latestPatch}, as of ${known} (${age} days before this scan). ${release.minor} patches come out about monthly, so a newer one has probably been published since: compare with https://kubernetes.io/releases/patch-releases/, or update k8s-audit.`,
        );
      }
      return report.pass(CLUSTER_SUBJECT, { path: 'serverVersion.gitVersion' });
    }
    report.fail(CLUSTER_SUBJECT, {
      messageId: 'behind',
      data: {
        current: `${v.major}.${v.minor}.${v.patch}`,
        latest: release.latestPatch,
        behind: latest.patch - v.patch,
        minor: release.minor,
        asOf: release.latestPatchDate ?? RELEASES_AS_OF,
      },
      path: 'serverVersion.gitVersion',
      observed: snapshot.serverVersion!.gitVersion,
      expected: `>= ${release.latestPatch}`,
    });
  },
});
