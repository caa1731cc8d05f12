import { isAbsolute, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sourceKey, type Result, type ScanResult } from '../engine/result.ts';
import { placeholdersShown } from '../engine/interpolate.ts';
import { prettyJsonChunks } from './json-chunks.ts';
import { allControls } from '../engine/registry.ts';
import type { ControlMeta, Severity } from '../engine/types.ts';
import { formatValue, subjectLabel, waiverOf } from './view.ts';

/**
 * SARIF 2.1.0 (OASIS), for code-scanning dashboards and CI. One run; one rule
 * per control of the scan with its metadata from the registry (help text,
 * references, CIS/PSS tags); one result per failed or waived subject. A
 * Kubernetes object has no file, so each result locates its subject as a
 * logical location (`namespace/Kind/name`, kind `resource`) and as an
 * artifact URI relative to the cluster (`k8s/<namespace>/<kind>/<name>`,
 * every segment percent-encoded). Waived results carry an accepted external
 * suppression; controls that could not be assessed become tool execution
 * notifications, never results that look like passes.
 *
 * Strings go into JSON through JSON.stringify, and no `markdown` property
 * ever holds cluster data. Plain `text` is not quite plain: SARIF (§3.11.6)
 * reads `[text](destination)` in it as an embedded link, which viewers show
 * as one. A word joiner (U+2060, invisible) goes between every `]` and `(`
 * of a message, so text from the cluster never forms such a link.
 */

function inertText(text: string): string {
  return text.replace(/\]\(/g, ']\u2060(');
}

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning reads `security-severity` (0.0–10.0) to rank alerts. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

/** An http(s) URL in the normalised form the schema's `uri` format accepts (the URL parser percent-encodes what must be), or undefined. */
function absoluteUrl(s: string): string | undefined {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** A URI path segment. A lone UTF-16 surrogate (possible in a manifest's JSON) has no UTF-8 form: it becomes U+FFFD first. */
function seg(s: string): string {
  return encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
}

/**
 * Where a result is. A static scan's object is in a file: its path as given (relative to where the scan ran, which
 * in CI is the repository root that code scanning resolves it against) and the line its document starts on, so the
 * alert lands on the manifest. Otherwise (a live cluster, or standard input) a URI of the object under CLUSTER.
 */
function physicalLocation(r: Pick<Result, 'subject'>, sources: ScanResult['scan']['sources']): Record<string, unknown> {
  const at = sources?.[sourceKey(r.subject)];
  if (at && at.file !== '<stdin>') {
    // Relative to where the scan ran, normalised (`./k8s/a.yaml` is `k8s/a.yaml`): code scanning resolves it against the checkout.
    const uri = isAbsolute(at.file) ? pathToFileURL(at.file).href : normalize(at.file).split(sep).map(seg).join('/');
    return { artifactLocation: { uri }, region: { startLine: at.line } };
  }
  return { artifactLocation: { uri: subjectUri(r), uriBaseId: 'CLUSTER' } };
}

export function subjectUri(r: Pick<Result, 'subject'>): string {
  const s = r.subject;
  return ['k8s', seg(s.namespace ?? '_cluster'), seg(s.kind), seg(s.name)].join('/');
}

function fullyQualified(r: Pick<Result, 'subject'>): string {
  const s = r.subject;
  return s.namespace ? `${s.namespace}/${s.kind}/${s.name}` : `${s.kind}/${s.name}`;
}

function helpText(meta: Pick<ControlMeta, 'description' | 'rationale' | 'remediation' | 'references'>): string {
  const refs = [
    meta.references.cis?.length ? `CIS Kubernetes Benchmark v1.12: ${meta.references.cis.join(', ')}` : '',
    meta.references.pss?.length ? `Pod Security Standards: ${meta.references.pss.join(', ')}` : '',
    ...(meta.references.links ?? []),
  ].filter(Boolean);
  return [meta.description, '', `Why: ${meta.rationale}`, '', 'Remediation:', placeholdersShown(meta.remediation), ...(refs.length ? ['', 'References:', ...refs.map((r) => `- ${r}`)] : [])].join('\n');
}

/**
 * GitHub code scanning refuses a SARIF run with more results than this ("rejecting SARIF, as there are
 * more results per run than allowed"), and of those it takes it shows the 5,000 most severe. A live
 * cluster of 10,000 Pods gives about 70,000.
 */
export const GITHUB_RESULTS_PER_RUN = 25_000;

/** What becomes a SARIF result: a failed or waived subject. */
const inLog = (r: Result): boolean => r.status === 'fail' || r.status === 'waived';

/** The results a SARIF log of this scan holds. */
export function sarifResultCount(result: ScanResult): number {
  let n = 0;
  for (const r of result.results) if (inLog(r)) n++;
  return n;
}

export function renderSarif(result: ScanResult): string {
  return JSON.stringify(sarifLog(result), null, 2) + '\n';
}

/** renderSarif's text in pieces (the results a batch at a time): at 10,000 Pods it is over 100 MB. */
export function* renderSarifChunks(result: ScanResult): Generator<string> {
  yield* prettyJsonChunks(sarifLog(result));
  yield '\n';
}

function sarifLog(result: ScanResult): Record<string, unknown> {
  const registry = new Map(allControls().map((c) => [c.meta.id, c.meta]));
  const ruleIndex = new Map(result.controls.map((c, i) => [c.id, i]));
  const rules = result.controls.map((c) => {
    const meta = registry.get(c.id);
    const link = c.references.links?.map(absoluteUrl).find((l) => l !== undefined);
    const rule: Record<string, unknown> = {
      id: c.id,
      name: c.id.replace(/(^|-)([a-z0-9])/g, (_m, _d, ch: string) => ch.toUpperCase()),
      shortDescription: { text: c.title },
      fullDescription: { text: c.description },
      help: { text: helpText({ description: c.description, rationale: c.rationale, remediation: meta?.remediation ?? '', references: c.references }) },
      defaultConfiguration: { level: LEVEL[c.severity] },
      properties: {
        tags: ['security', 'kubernetes', c.area, ...(c.references.cis ?? []).map((x) => `CIS-${x}`), ...(c.references.pss ?? []).map((x) => `PSS-${x}`)],
        severity: c.severity,
        'security-severity': SECURITY_SEVERITY[c.severity],
        ...(meta?.manual ? { manual: meta.manual } : {}),
      },
    };
    if (link) rule.helpUri = link;
    return rule;
  });

  const sources = result.scan.sources;
  const results = result.results
    .filter(inLog)
    .map((r) => {
      const out: Record<string, unknown> = {
        ruleId: r.controlId,
        ruleIndex: ruleIndex.get(r.controlId) ?? -1,
        kind: 'fail',
        level: LEVEL[r.severity],
        message: { text: inertText(`${subjectLabel(r)}: ${r.message}`) },
        locations: [
          {
            physicalLocation: physicalLocation(r, sources),
            logicalLocations: [{ name: r.subject.name, fullyQualifiedName: fullyQualified(r), kind: 'resource' }],
          },
        ],
        partialFingerprints: { 'k8sAuditFingerprint/v1': r.fingerprint },
        properties: {
          // The finding's own severity: a finding may be raised or lowered from its rule's (critical and high are both `error`).
          severity: r.severity,
          subject: { ...r.subject },
          ...(r.path ? { path: r.path } : {}),
          ...(r.container ? { container: r.container } : {}),
          ...(r.observed !== undefined ? { observed: formatValue(r.observed) } : {}),
          ...(r.expected !== undefined ? { expected: formatValue(r.expected) } : {}),
          ...(r.remediation ? { remediation: r.remediation } : {}),
        },
      };
      if (ruleIndex.get(r.controlId) === undefined) delete out.ruleIndex;
      if (r.change === 'new' || r.change === 'unchanged') out.baselineState = r.change;
      if (r.status === 'waived') {
        const w = waiverOf(r, { raw: true });
        out.suppressions = [
          {
            kind: 'external',
            status: 'accepted',
            ...(w?.reason ? { justification: w.reason } : {}),
            ...(w ? { properties: { owner: w.owner, expires: w.expires } } : {}),
          },
        ];
      }
      return out;
    });

  const notifications = result.controls
    .filter((c) => c.status === 'not-assessed')
    .map((c) => ({
      level: 'warning',
      message: { text: inertText(`${c.id} not assessed: ${c.reason ?? 'some subjects could not be read'}${c.permissions?.length ? ` (needs ${c.permissions.join('; ')})` : ''}`) },
      associatedRule: { id: c.id, index: ruleIndex.get(c.id)! },
    }));

  const scan = result.scan;
  const start = new Date(scan.startedAt);
  const invocation: Record<string, unknown> = {
    executionSuccessful: true,
    toolExecutionNotifications: notifications,
    properties: {
      source: scan.source,
      ...(scan.context ? { context: scan.context } : {}),
      ...(scan.cluster ? { cluster: scan.cluster } : {}),
      ...(scan.serverVersion ? { serverVersion: scan.serverVersion.gitVersion } : {}),
      ...(scan.identity ? { identity: scan.identity.username } : {}),
    },
  };
  if (!Number.isNaN(start.getTime())) {
    invocation.startTimeUtc = start.toISOString();
    invocation.endTimeUtc = new Date(start.getTime() + scan.durationMs).toISOString();
  }

  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: result.tool.name,
            version: result.tool.version,
            semanticVersion: result.tool.version,
            rules,
          },
        },
        invocations: [invocation],
        originalUriBaseIds: {
          CLUSTER: {
            description: { text: `The scanned cluster${scan.context ? ` (context ${scan.context})` : ''}: k8s/<namespace or _cluster>/<kind>/<name>` },
          },
        },
        // No automationDetails.id: github/codeql-action's upload-sarif applies its `category` input only to a run
        // without one, so an id of ours would silently override the category that keeps two uploads apart.
        columnKind: 'unicodeCodePoints',
        results,
        properties: {
          score: result.summary.score,
          grade: result.summary.grade,
          failedBySeverity: result.summary.failedBySeverity,
          controls: result.summary.controls,
          schemaVersion: result.schemaVersion,
        },
      },
    ],
  };
  return log;
}
