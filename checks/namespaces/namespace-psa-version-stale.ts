import { defineControl } from '../../src/engine/types.ts';
import { PSA_MODES, namespacePsa, pinnedMinor, versionLabel } from '../../src/model/psa-posture.ts';
import { newestRuleVersion, serverPssVersion } from '../../src/model/pss.ts';
import { isTerminating, terminatingReason } from '../../src/model/namespaces.ts';
import { subjectOf } from '../../src/model/workloads.ts';
import { VERSION_PERMISSION } from '../control-plane/versions/_releases.ts';

export default defineControl({
  meta: {
    id: 'namespace-psa-version-stale',
    title: 'Pod Security version pins are not older than the cluster',
    area: 'namespaces',
    severity: 'medium',
    description:
      'For every namespace and mode (enforce, audit, warn), flags a `pod-security.kubernetes.io/<mode>-version` label that pins a version older than the last change to the checks the cluster\'s version runs (what `latest` evaluates at: a v1.35 pin on a 1.36 cluster enforces the same checks), and a value that is neither `latest` nor `v1.<minor>` (the admission plugin then uses latest). `latest`, no pin, and pins at or above that version pass. Not assessed when the cluster\'s version is unknown and a namespace pins one; not applicable to a namespace being deleted (Terminating), which admits no new pod.',
    rationale:
      'A pinned version freezes the standard at that release: checks added or tightened since (runAsUser=0 in 1.23, probe and lifecycle hosts in 1.34, new sysctls) are not enforced, audited or warned about, although the cluster would support them. Pins are meant for the upgrade window, then moved forward.',
    remediation:
      'Move the {{mode}} version of namespace {{name}} forward, to the cluster\'s version or to latest, checking first with a server-side dry run:\n\nkubectl label --dry-run=server --overwrite ns {{name}} {{label}}={{target}}\nkubectl label --overwrite ns {{name}} {{label}}={{target}}',
    references: {
      links: ['https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces'],
    },
    static: { needsCluster: "it compares pinned Pod Security versions with a running cluster's version." },
    messages: {
      stale: 'Namespace "{{name}}" pins its {{mode}} level to Pod Security Standards {{pinned}}, older than {{latest}}, the last change to the checks the cluster\'s {{cluster}} runs.',
      invalid: 'Namespace "{{name}}" has {{mode}}-version "{{pinned}}", which is not "latest" or "v1.<minor>"; the admission plugin evaluates it as latest.',
    },
  },
  reads: ['namespaces'],
  evaluate(snapshot, report) {
    const server = serverPssVersion(snapshot.serverVersion);
    const cluster = server ? `v1.${server.minor}` : 'unknown';
    for (const ns of snapshot.list('namespaces')) {
      const subject = subjectOf(ns);
      const name = ns.metadata.name;
      if (isTerminating(ns)) {
        report.notApplicable(subject, terminatingReason(name));
        continue;
      }
      const psa = namespacePsa(ns.metadata.labels);
      let failed = false;
      let unknown = false;
      for (const mode of PSA_MODES) {
        const setting = psa[mode];
        if (setting.version === undefined) continue;
        const label = versionLabel(mode);
        const path = `metadata.labels["${label}"]`;
        const fix = { label, target: server ? cluster : 'latest' };
        if (setting.invalid.includes('version')) {
          failed = true;
          report.fail(subject, { messageId: 'invalid', data: { mode, pinned: setting.version, cluster, ...fix }, path, observed: setting.version, expected: 'latest or v1.<minor>' });
          continue;
        }
        const minor = pinnedMinor(setting.effectiveVersion);
        if (minor === undefined) continue;
        if (!server) {
          unknown = true;
          continue;
        }
        // Stale when a check changed after the pin, up to the cluster's version: a pin at or above the newest
        // change enforces what latest does. (A cluster newer than k8s-audit's checks: compared with its version.)
        const latest = newestRuleVersion(server.minor) ?? server.minor;
        if (minor < latest) {
          failed = true;
          report.fail(subject, { messageId: 'stale', data: { mode, pinned: setting.version, cluster, latest: `v1.${latest}`, ...fix }, path, observed: setting.version, expected: `v1.${latest} or later, or latest` });
        }
      }
      if (failed) continue;
      if (unknown) report.notAssessed(subject, "The cluster's version is unknown (/version could not be read), so a pinned Pod Security version cannot be compared with it", VERSION_PERMISSION);
      else report.pass(subject);
    }
  },
});
