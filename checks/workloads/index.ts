import type { Control } from '../../src/engine/types.ts';
import podHostNamespaces from './pod-host-namespaces.ts';
import podPrivileged from './pod-privileged.ts';
import pssBaselineApparmor from './pss-baseline-apparmor.ts';
import pssBaselineCapabilities from './pss-baseline-capabilities.ts';
import pssBaselineHostPathVolumes from './pss-baseline-host-path-volumes.ts';
import pssBaselineHostPorts from './pss-baseline-host-ports.ts';
import pssBaselineHostProcess from './pss-baseline-host-process.ts';
import pssBaselineProbeHost from './pss-baseline-probe-host.ts';
import pssBaselineProcMount from './pss-baseline-proc-mount.ts';
import pssBaselineSeccomp from './pss-baseline-seccomp.ts';
import pssBaselineSelinux from './pss-baseline-selinux.ts';
import pssBaselineSysctls from './pss-baseline-sysctls.ts';
import pssRestrictedCapabilities from './pss-restricted-capabilities.ts';
import pssRestrictedPrivilegeEscalation from './pss-restricted-privilege-escalation.ts';
import pssRestrictedProcMount from './pss-restricted-proc-mount.ts';
import pssRestrictedRunAsNonRoot from './pss-restricted-run-as-non-root.ts';
import pssRestrictedRunAsUser from './pss-restricted-run-as-user.ts';
import pssRestrictedSeccomp from './pss-restricted-seccomp.ts';
import pssRestrictedVolumeTypes from './pss-restricted-volume-types.ts';

/** Pod Security Standards: one control per PodSecurity admission check (see _pss.ts and src/model/pss.ts). */
export const PSS_CONTROLS: readonly Control[] = [
  podPrivileged,
  podHostNamespaces,
  pssBaselineHostPorts,
  pssBaselineHostPathVolumes,
  pssBaselineCapabilities,
  pssBaselineHostProcess,
  pssBaselineProcMount,
  pssBaselineApparmor,
  pssBaselineSelinux,
  pssBaselineSeccomp,
  pssBaselineSysctls,
  pssBaselineProbeHost,
  pssRestrictedVolumeTypes,
  pssRestrictedPrivilegeEscalation,
  pssRestrictedRunAsNonRoot,
  pssRestrictedRunAsUser,
  pssRestrictedCapabilities,
  pssRestrictedSeccomp,
  pssRestrictedProcMount,
];

export const WORKLOAD_CONTROLS: readonly Control[] = [...PSS_CONTROLS];
