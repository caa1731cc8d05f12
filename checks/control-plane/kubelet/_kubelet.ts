/**
 * Kubelet controls (CIS 4.2.x) over each node's effective configuration, read
 * from /api/v1/nodes/<node>/proxy/configz by the opt-in extra collection
 * (`--kubelet`). /configz returns the configuration after defaulting, so an
 * absent field means the field's zero value (Go's omitempty), not "unknown".
 */
import { CLUSTER_SUBJECT } from '../../../src/engine/run.ts';
import { defineControl, type Control, type Reporter, type Severity } from '../../../src/engine/types.ts';
import type { K8sObject } from '../../../src/model/k8s.ts';
import { subjectOf } from '../../../src/model/workloads.ts';

export type KubeletConfig = Record<string, unknown>;

export type KubeletVerdict =
  | { status: 'pass'; field?: string }
  | { status: 'fail'; messageId: string; field: string; data?: Record<string, string | number | boolean>; observed?: unknown; expected?: unknown }
  | { status: 'not-assessed'; reason: string }
  | { status: 'not-applicable'; reason: string };

export interface KubeletRule {
  id: string;
  title: string;
  severity: Severity;
  cis: string[];
  description: string;
  rationale: string;
  /** `{{name}}` is the node; `{{field}}` the configuration field. */
  remediation: string;
  messages: Record<string, string>;
  /**
   * Set when the setting does nothing on a Windows node: why (the not-applicable message). The kubelet's
   * Windows build has no seccomp, no pod cgroups and no iptables, yet /configz shows such a field at its default.
   */
  linuxOnly?: string;
  check(config: KubeletConfig, node: K8sObject): KubeletVerdict;
}

/** A Windows node, by the OS its kubelet reports (status.nodeInfo.operatingSystem) or, failing that, its kubernetes.io/os label. */
export function isWindowsNode(node: K8sObject): boolean {
  const os = (node.status as { nodeInfo?: { operatingSystem?: unknown } } | undefined)?.nodeInfo?.operatingSystem;
  return (typeof os === 'string' && os !== '' ? os : node.metadata.labels?.['kubernetes.io/os']) === 'windows';
}

/** A field of the configuration by dotted path, e.g. `authentication.anonymous.enabled`. */
export function field(config: KubeletConfig, path: string): unknown {
  let cur: unknown = config;
  for (const part of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const PERMISSION = 'get nodes/proxy';

export function kubeletControl(rule: KubeletRule): Control {
  return defineControl({
    meta: {
      id: rule.id,
      title: rule.title,
      area: 'nodes',
      severity: rule.severity,
      description: `${rule.description} Read from each node's /configz through the API server (run with --kubelet; needs get nodes/proxy).`,
      rationale: rule.rationale,
      remediation: rule.remediation,
      references: {
        cis: rule.cis,
        links: ['https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/', 'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/'],
      },
      static: { needsCluster: "kubelet configuration is read from each node's /configz on a running cluster." },
      messages: rule.messages,
    },
    reads: ['nodes'],
    evaluate(snapshot, report) {
      const nodes = [...snapshot.list('nodes')].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
      if (nodes.length === 0) return report.notApplicable(CLUSTER_SUBJECT, 'The cluster has no nodes, so there is no kubelet to assess.');
      const configs = snapshot.extras?.kubeletConfigs;
      if (!configs || configs.state === 'not-collected') {
        return report.notAssessed(
          CLUSTER_SUBJECT,
          configs?.reason ?? 'Kubelet configuration was not collected: run the scan with --kubelet (it reads /configz through the API server and needs get nodes/proxy).',
          PERMISSION,
        );
      }
      if (configs.state !== 'ok') return report.notAssessed(CLUSTER_SUBJECT, `Kubelet configuration could not be read: ${configs.reason ?? configs.state}.`, configs.permission);
      for (const node of nodes) evaluateNode(rule, node, configs.nodes[node.metadata.name], report);
    },
  });
}

function evaluateNode(rule: KubeletRule, node: K8sObject, read: { state: string; reason?: string; permission?: string; config?: KubeletConfig } | undefined, report: Reporter): void {
  const subject = subjectOf(node);
  if (rule.linuxOnly && isWindowsNode(node)) return report.notApplicable(subject, rule.linuxOnly);
  if (!read) return report.notAssessed(subject, 'This node\'s kubelet configuration was not read (the node appeared after collection started).');
  if (read.state !== 'ok' || !read.config) return report.notAssessed(subject, `This node's kubelet configuration could not be read: ${read.reason ?? read.state}.`, read.permission);
  const v = rule.check(read.config, node);
  switch (v.status) {
    case 'pass':
      return report.pass(subject, v.field ? { path: `kubeletconfig.${v.field}` } : {});
    case 'fail': {
      const f: Parameters<Reporter['fail']>[1] = { messageId: v.messageId, path: `kubeletconfig.${v.field}`, data: { field: v.field, ...v.data } };
      if (v.observed !== undefined) f.observed = v.observed;
      if (v.expected !== undefined) f.expected = v.expected;
      return report.fail(subject, f);
    }
    case 'not-assessed':
      return report.notAssessed(subject, v.reason);
    case 'not-applicable':
      return report.notApplicable(subject, v.reason);
  }
}

/** A boolean field that must have one value; `absent` is its value when /configz omits it. Message `wrongValue` ({{field}}, {{value}}, {{expected}}). */
export function boolField(config: KubeletConfig, path: string, expected: boolean, absent: boolean | undefined): KubeletVerdict {
  const raw = field(config, path);
  const value = raw === undefined ? absent : raw;
  if (typeof value !== 'boolean') return { status: 'not-assessed', reason: `The kubelet configuration does not report ${path}.` };
  if (value === expected) return { status: 'pass', field: path };
  return { status: 'fail', messageId: 'wrongValue', field: path, data: { value: raw === undefined ? `${value} (omitted, the default)` : String(value), expected: String(expected) }, observed: value, expected };
}
