import { boolField, kubeletControl } from './_kubelet.ts';

export default kubeletControl({
  id: 'kubelet-iptables-util-chains',
  title: 'Kubelets manage their iptables utility chains (makeIPTablesUtilChains)',
  severity: 'low',
  cis: ['4.2.6'],
  description: 'makeIPTablesUtilChains in each kubelet\'s effective configuration must not be false (omitted means the default, true); Windows nodes, where the kubelet manages no iptables, are not applicable.',
  rationale: 'The kubelet keeps the iptables chains pods rely on consistent with their networking options; turning this off leaves the rules to drift out of step with pods.',
  remediation: 'Remove `makeIPTablesUtilChains: false` from the KubeletConfiguration of node {{name}} and restart the kubelet.',
  messages: {
    wrongValue: 'The kubelet does not manage its iptables chains: {{field}} is {{value}}; expected {{expected}}.',
  },
  linuxOnly: 'A Windows kubelet manages no iptables chains, whatever makeIPTablesUtilChains says.',
  check: (c) => boolField(c, 'makeIPTablesUtilChains', true, true),
});
