import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/engine/result.ts';
import { placeholdersShown } from '../../src/engine/interpolate.ts';
import { allControls } from '../../src/engine/registry.ts';
import { renderSarif, renderSarifChunks, subjectUri } from '../../src/report/sarif.ts';
import { PAYLOADS, REPO, findingCount, hostileResult, scenarioResult, workflowResult } from '../fixtures/report/results.ts';

/**
 * The official OASIS SARIF 2.1.0 schema (errata01), as shipped in
 * test/fixtures. It is a draft-04 schema; Ajv 8 reads draft-07, which is the
 * same for every keyword this schema uses once `id` is spelled `$id`.
 */
function validator() {
  const schema = JSON.parse(readFileSync(`${REPO}test/fixtures/sarif-2.1.0.schema.json`, 'utf8')) as Record<string, unknown>;
  expect(schema.title).toBe('Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema');
  const { $schema: _draft, id, ...rest } = schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS; its default export is the plugin function.
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv.compile({ ...rest, $id: id as string });
}

const validate = validator();

function check(result: ScanResult) {
  const text = renderSarif(result);
  const log = JSON.parse(text) as { runs: { tool: { driver: { rules: { id: string; helpUri?: string; help: { text: string }; properties: { tags: string[] } }[] } }; results: Record<string, unknown>[]; invocations: { toolExecutionNotifications: { associatedRule: { id: string } }[] }[] }[] };
  const ok = validate(log);
  expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
  expect(ok).toBe(true);
  return { text, log, run: log.runs[0]! };
}

describe('SARIF', () => {
  it('rejects what the schema rejects (the validator is live)', () => {
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(validate({ version: '2.0.0', runs: [] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] })).toBe(false);
  });

  it('validates for the demo scan, with rule metadata from the registry', () => {
    const result = scenarioResult('demo');
    const { run } = check(result);
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(result.controls.map((c) => c.id));
    for (const rule of run.tool.driver.rules) {
      const meta = allControls().find((c) => c.meta.id === rule.id)!.meta;
      expect(rule.help.text).toContain(placeholdersShown(meta.remediation));
      expect(rule.help.text, 'no template placeholder left for GitHub to show').not.toMatch(/\{\{/);
      expect(rule.properties.tags).toContain(meta.area);
      for (const cis of meta.references.cis ?? []) expect(rule.properties.tags).toContain(`CIS-${cis}`);
      if (meta.references.links?.[0]) expect(rule.helpUri).toBe(meta.references.links[0]);
    }
    expect(run.results).toHaveLength(findingCount(result));
    // No automationDetails.id: upload-sarif's `category` input applies only to a run without one.
    expect(run).not.toHaveProperty('automationDetails');
    const notAssessed = result.controls.filter((c) => c.status === 'not-assessed').map((c) => c.id);
    expect(run.invocations[0]!.toolExecutionNotifications.map((n) => n.associatedRule.id)).toEqual(notAssessed);
  });

  it('validates with hostile strings, keeps them verbatim, and marks waivers as accepted suppressions', () => {
    const result = hostileResult();
    const { run, text } = check(result);
    expect(JSON.parse(text)).toBeTruthy();
    const waived = run.results.filter((r) => Array.isArray(r.suppressions));
    expect(waived).toHaveLength(1);
    expect(waived[0]!.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: `reason ${PAYLOADS[8]}`, properties: { owner: `owner ${PAYLOADS[0]}`, expires: `2027-01-01 ${PAYLOADS[1]}` } },
    ]);
    const first = result.results.find((r) => r.status === 'fail')!;
    const out = run.results.find((r) => (r.partialFingerprints as Record<string, string>)['k8sAuditFingerprint/v1'] === first.fingerprint)!;
    expect((out.message as { text: string }).text).toContain(first.message);
    expect(out.locations).toEqual([
      expect.objectContaining({ logicalLocations: [{ name: first.subject.name, fullyQualifiedName: `${first.subject.namespace}/Deployment/${first.subject.name}`, kind: 'resource' }] }),
    ]);
  });

  it('lets no text from the cluster form an embedded link ([text](destination), SARIF 3.11.6) in a message', () => {
    const result = hostileResult();
    const link = '[approved exception](https://evil.example/sso-login)';
    result.results = result.results.map((r) => ({ ...r, message: `${r.message} ${link}`, subject: { ...r.subject, name: `${r.subject.name}${link}` } }));
    const { run } = check(result);
    const texts = [...run.results.map((r) => (r.message as { text: string }).text), ...run.invocations[0]!.toolExecutionNotifications.map((n) => (n as unknown as { message: { text: string } }).message.text)];
    expect(texts.some((t) => t.includes('evil.example/sso-login'))).toBe(true);
    for (const t of texts) expect(t).not.toMatch(/\[[^\]]*\]\(/);
  });

  it('places a static scan\'s findings in their manifest file and line; live and standard-input ones under CLUSTER', () => {
    const result = scenarioResult('demo');
    const failing = result.results.filter((r) => r.status === 'fail' && r.subject.namespace);
    const key = (r: (typeof failing)[number]) => `${r.subject.kind}/${r.subject.namespace ?? ''}/${r.subject.name}`;
    const byName = [...new Map(failing.map((r) => [r.subject.name, r])).values()];
    const [a, b, c] = byName as [(typeof failing)[number], (typeof failing)[number], (typeof failing)[number]];
    result.scan.sources = { [key(a)]: { file: './k8s/base dir/app.yaml', line: 12 }, [key(b)]: { file: '/abs/k8s/b.yaml', line: 3 }, [key(c)]: { file: '<stdin>', line: 7 } };
    const { run } = check(result);
    const at = (r: typeof a) =>
      (run.results.find((x) => key({ subject: (x.properties as { subject: typeof a.subject }).subject } as typeof a) === key(r)) as { locations: { physicalLocation: unknown }[] }).locations[0]!
        .physicalLocation;
    expect(at(a)).toEqual({ artifactLocation: { uri: 'k8s/base%20dir/app.yaml' }, region: { startLine: 12 } });
    expect(at(b)).toEqual({ artifactLocation: { uri: 'file:///abs/k8s/b.yaml' }, region: { startLine: 3 } });
    expect(at(c)).toEqual({ artifactLocation: { uri: subjectUri(c), uriBaseId: 'CLUSTER' } });
  });

  it('gives each result its own severity, which may differ from its rule\'s', () => {
    const result = scenarioResult('demo');
    const { run } = check(result);
    const bySeverity = new Map(result.results.map((r) => [r.fingerprint, r.severity]));
    for (const r of run.results) expect((r.properties as { severity: string }).severity).toBe(bySeverity.get((r.partialFingerprints as Record<string, string>)['k8sAuditFingerprint/v1']!));
    const rules = new Map(run.tool.driver.rules.map((x) => [x.id, (x.properties as unknown as { severity: string }).severity]));
    expect(run.results.some((r) => (r.properties as { severity: string }).severity !== rules.get(r.ruleId as string))).toBe(true);
  });

  it('carries waivers as suppressions and the baseline as baselineState', () => {
    const result = workflowResult();
    const { run } = check(result);
    const waived = result.results.filter((r) => r.status === 'waived');
    expect(waived.length).toBeGreaterThan(0);
    expect(run.results.filter((r) => Array.isArray(r.suppressions))).toHaveLength(waived.length);
    expect(run.results.filter((r) => r.baselineState === 'new')).toHaveLength(result.results.filter((r) => r.change === 'new').length);
    expect(run.results.every((r) => r.baselineState === 'new' || r.baselineState === 'unchanged')).toBe(true);
  });

    it('builds artifact URIs that stay one path segment per name', () => {
    const uri = subjectUri({ subject: { apiVersion: 'v1', kind: 'Pod', namespace: 'a/b', name: '../x y?#' } });
    expect(uri).toBe('k8s/a%2Fb/Pod/..%2Fx%20y%3F%23');
    expect(subjectUri({ subject: { apiVersion: 'v1', kind: 'Node', name: 'n1' } })).toBe('k8s/_cluster/Node/n1');
  });

  it('is deterministic', () => {
    const result = hostileResult();
    expect(renderSarif(result)).toBe(renderSarif(structuredClone(result)));
  });

  it('is written in pieces that join to the same bytes, the results a batch at a time', () => {
    const big = structuredClone(hostileResult());
    const fail = big.results.find((r) => r.status === 'fail')!;
    for (let i = 0; i < 1200; i++) big.results.push({ ...fail, subject: { ...fail.subject, name: `copy-${i}` }, fingerprint: `copy${i}` });
    const pieces = [...renderSarifChunks(big)];
    expect(pieces.join('')).toBe(renderSarif(big));
    expect(pieces.length).toBeGreaterThan(3);
  });
});
