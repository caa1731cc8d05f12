import { capability, type RuleMatch } from '../../src/model/rbac.ts';
import { serverAtLeast, type Snapshot } from '../../src/model/snapshot.ts';
import { RBAC_GOOD_PRACTICES, grantControl, replaceRemediation } from './_grants.ts';

const probes = [...capability('exec').probes, ...capability('attach').probes, ...capability('port-forward').probes];

/** Servers from 1.35 require create for WebSocket exec/attach/port-forward (AuthorizePodWebsocketUpgradeCreatePermission, on by default). */
function createRequired(snapshot: Snapshot): boolean {
  return serverAtLeast(snapshot.serverVersion, 35);
}

const getOnly = (matches: readonly RuleMatch[]) => matches.every((m) => m.matches.every((p) => !p.verbs.includes('create')));

export default grantControl(
  {
    id: 'rbac-pod-exec',
    title: 'exec, attach and port-forward into pods are minimal',
    area: 'rbac',
    severity: 'high',
    description:
      'Flags every binding subject that may exec into, attach to or port-forward to pods (pods/exec, pods/attach, pods/portforward). create is what servers from 1.35 require; get alone is flagged as well — it sufficed before 1.35 and still does where the AuthorizePodWebsocketUpgradeCreatePermission feature gate is off — at low severity on servers from 1.35.',
    rationale:
      'exec and attach run commands inside a running container with its ServiceAccount token, mounted Secrets and network position; port-forward reaches any port of a pod past Services and ingress NetworkPolicies. Each is a way around admission policy that reviews only the pod spec.',
    remediation: replaceRemediation('Keep interactive access to break-glass roles and the namespaces people operate.'),
    references: { links: [RBAC_GOOD_PRACTICES, 'https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb'] },
    messages: {
      granted: '{{grantee}} can {{verbs}} {{resources}}{{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
      getOnly:
        '{{grantee}} can get {{resources}}{{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}): enough for exec, attach or port-forward over WebSockets on servers before 1.35 or with AuthorizePodWebsocketUpgradeCreatePermission disabled.',
    },
  },
  {
    probes,
    messageId: (matches) => (getOnly(matches) ? 'getOnly' : 'granted'),
    severity: (matches, _limited, snapshot) => (getOnly(matches) && createRequired(snapshot) ? 'low' : undefined),
  },
);
