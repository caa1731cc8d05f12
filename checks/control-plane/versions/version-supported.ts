import { CLUSTER_SUBJECT } from '../../../src/engine/run.ts';
import { defineControl } from '../../../src/engine/types.ts';
import { managedControlPlane, managedUndecided } from '../../../src/model/managed.ts';
import { compareMinor, daysBetween, knownRange, minorKey, nowOf, releaseOf, RELEASES_AS_OF, serverVersionOf, VERSION_PERMISSION } from './_releases.ts';

export default defineControl({
  meta: {
    id: 'version-supported',
    title: 'The API server runs a Kubernetes minor release that still receives patches',
    area: 'versions',
    severity: 'high',
    description:
      "Compares the server's minor version with the end-of-life dates of Kubernetes releases (the dated release calendar in checks/control-plane/data/k8s-releases.json). On managed clusters the provider sets its own support window, so the upstream date is only reported.",
    rationale: 'After its end-of-life date a minor release gets no security fixes: every vulnerability published from then on stays open on this cluster.',
    remediation:
      'Plan an upgrade to a supported minor release, one minor at a time (control plane first, then nodes), reading the changelog of each for removed APIs. Supported minors and their end-of-life dates: https://kubernetes.io/releases/.',
    references: { links: ['https://kubernetes.io/releases/', 'https://kubernetes.io/releases/patch-releases/'] },
    static: { needsCluster: 'it needs the version of a running API server.' },
    messages: {
      endOfLife: 'Kubernetes {{minor}} reached end of life on {{endOfLife}} ({{days}} days before this scan); it no longer receives security fixes.',
      tooOld: 'Kubernetes {{minor}} is older than every release in the calendar (oldest: {{oldest}}), all long past end of life.',
    },
  },
  reads: ['nodes', 'pods'],
  evaluate(snapshot, report) {
    const v = serverVersionOf(snapshot);
    if (!v) return report.notAssessed(CLUSTER_SUBJECT, 'The server version is unknown: /version could not be read.', VERSION_PERMISSION);
    const managed = managedControlPlane(snapshot);
    const undecided = managedUndecided(snapshot);
    if (undecided) return report.notAssessed(CLUSTER_SUBJECT, `${undecided} A provider sets its own support window and patch stream; the upstream calendar applies only to a self-managed one.`);
    const release = releaseOf(v);
    if (managed) {
      const upstream = release ? ` Upstream, Kubernetes ${release.minor} ${new Date(release.endOfLife) < nowOf(snapshot) ? 'reached' : 'reaches'} end of life on ${release.endOfLife}.` : '';
      return report.notApplicable(CLUSTER_SUBJECT, `The control plane is managed by ${managed.provider.name}, which sets its own support window for each minor release; check the provider's version calendar.${upstream}`);
    }
    const { newest, oldest } = knownRange();
    if (!release) {
      if (compareMinor(v, newest) > 0) return report.notAssessed(CLUSTER_SUBJECT, `Kubernetes ${minorKey(v)} is newer than k8s-audit's release calendar (as of ${RELEASES_AS_OF}); update k8s-audit to judge it.`);
      return report.fail(CLUSTER_SUBJECT, { messageId: 'tooOld', data: { minor: minorKey(v), oldest: minorKey(oldest) }, path: 'serverVersion.gitVersion', observed: snapshot.serverVersion!.gitVersion, expected: 'a supported minor release' });
    }
    const now = nowOf(snapshot);
    const eol = new Date(`${release.endOfLife}T23:59:59Z`);
    if (eol < now) {
      return report.fail(CLUSTER_SUBJECT, {
        messageId: 'endOfLife',
        data: { minor: release.minor, endOfLife: release.endOfLife, days: daysBetween(eol, now) },
        path: 'serverVersion.gitVersion',
        observed: snapshot.serverVersion!.gitVersion,
        expected: 'a minor release before its end of life',
      });
    }
    report.pass(CLUSTER_SUBJECT, { path: 'serverVersion.gitVersion' });
  },
});
