import { ALL_UNAUTHENTICATED, ANONYMOUS_USER, type BindingInfo, type PolicyRule } from '../../src/model/rbac.ts';
import { PUBLIC_INFO_URLS, RBAC_GOOD_PRACTICES, allRules, grantControl, onlyGetsUrls } from './_grants.ts';

export default grantControl(
  {
    id: 'rbac-anonymous-access',
    title: 'Nothing is granted to anonymous requests',
    area: 'rbac',
    severity: 'critical',
    description:
      'Flags every binding that grants anything to the user system:anonymous or the group system:unauthenticated. Kubernetes\' own binding of system:public-info-viewer (health and version endpoints) is shown apart as built-in while its role grants only those, and so is kubeadm\'s kube-public/kubeadm:bootstrap-signer-clusterinfo while it grants only get on the ConfigMap cluster-info (the CA certificate and API server address joining nodes read before they have credentials).',
    rationale:
      'Where anonymous authentication is on (the default), anyone who reaches the API server is system:anonymous in system:unauthenticated: whatever they are granted is granted to the network.',
    remediation:
      'Remove {{granteeKind}} {{granteeName}} from {{kind}} {{name}}; grant {{roleKind}} {{role}} to the authenticated identities that need it instead, and consider --anonymous-auth=false or an AuthenticationConfiguration that limits anonymous access to health endpoints:\n\nkubectl edit {{kindLower}} {{name}}   # delete subjects entry {{path}}',
    references: { links: [RBAC_GOOD_PRACTICES, 'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests'] },
    messages: {
      granted: '{{kind}} "{{name}}" grants {{grantee}} — every unauthenticated caller — {{verbs}} on {{resources}}{{names}} {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
    },
  },
  {
    match: (binding) => allRules(binding),
    grantee: (s) => (s.kind === 'User' && s.name === ANONYMOUS_USER) || (s.kind === 'Group' && s.name === ALL_UNAUTHENTICATED),
    apart: (binding, _s, matches) =>
      (binding.builtIn && matches.every((m) => onlyGetsUrls(m.rule, PUBLIC_INFO_URLS))) || (isKubeadmClusterInfo(binding) && matches.every((m) => onlyGetsClusterInfo(m.rule))),
  },
);

/** kubeadm's binding that lets nodes joining the cluster read cluster-info anonymously (`kubeadm join` discovery). */
function isKubeadmClusterInfo(binding: BindingInfo): boolean {
  return binding.kind === 'RoleBinding' && binding.namespace === 'kube-public' && binding.name === 'kubeadm:bootstrap-signer-clusterinfo';
}

/** A rule that gets the ConfigMap cluster-info and nothing else. */
function onlyGetsClusterInfo(rule: PolicyRule): boolean {
  const only = (xs: readonly string[] | undefined, value: string) => !!xs?.length && xs.every((x) => x === value);
  return only(rule.verbs, 'get') && only(rule.apiGroups, '') && only(rule.resources, 'configmaps') && only(rule.resourceNames, 'cluster-info') && !rule.nonResourceURLs?.length;
}
