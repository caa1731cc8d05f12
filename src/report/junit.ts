import type { PassTally, Result, ScanResult } from '../engine/result.ts';
import { escapeXml, escapeXmlAttr } from './escape.ts';
import { formatValue, subjectLabel, waiverOf } from './view.ts';

/**
 * JUnit XML for CI systems (Jenkins, GitLab, Azure DevOps, GitHub test
 * reporters): one <testsuite> per control, one <testcase> per checked subject.
 *
 *   fail            → <failure type="<severity>">, the evidence and remediation as its text
 *   not-assessed    → <error type="not-assessed">: the check could not run, and is never a pass
 *   waived          → <skipped>, with the waiver's owner, expiry and reason
 *   not-applicable  → <skipped>
 *   pass            → an empty <testcase>
 *
 * When the scan counted its passes instead of listing them (ScanResult.passes,
 * the default without --include-passes), each control's passes in one
 * namespace are one empty <testcase> named `<n> passing subjects in namespace
 * <ns>` (or `… cluster-scoped`): `tests` counts test cases, as always.
 *
 * Every string is escaped for XML (escapeXml / escapeXmlAttr), and characters
 * XML 1.0 cannot carry at all are replaced by visible escapes.
 */

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${escapeXmlAttr(String(v))}"`)
    .join('');
}

function caseName(r: Result): string {
  const where = [r.path, r.container ? `container ${r.container}` : ''].filter(Boolean).join(', ');
  return where ? `${subjectLabel(r)} (${where})` : subjectLabel(r);
}

function evidence(r: Result): string {
  return [
    r.message,
    `subject: ${subjectLabel(r)}`,
    r.path ? `path: ${r.path}` : '',
    r.container ? `container: ${r.container}` : '',
    r.observed !== undefined ? `observed: ${formatValue(r.observed)}` : '',
    r.expected !== undefined ? `expected: ${formatValue(r.expected)}` : '',
    r.remediation ? `\nremediation:\n${r.remediation}` : '',
    `fingerprint: ${r.fingerprint}`,
  ]
    .filter(Boolean)
    .join('\n');
}

function passCase(t: PassTally, classname: string): string {
  const what = `${t.count} passing ${t.count === 1 ? 'subject' : 'subjects'}`;
  return `    <testcase${attrs({ name: t.namespace ? `${what} in namespace ${t.namespace}` : `${what}, cluster-scoped`, classname, time: '0' })}/>`;
}

function testcase(r: Result, classname: string): string {
  const head = `    <testcase${attrs({ name: caseName(r), classname, time: '0' })}`;
  switch (r.status) {
    case 'pass':
      return `${head}/>`;
    case 'fail':
      return `${head}>\n      <failure${attrs({ message: r.message, type: r.severity })}>${escapeXml(evidence(r))}</failure>\n    </testcase>`;
    case 'not-assessed':
      return `${head}>\n      <error${attrs({ message: r.message, type: 'not-assessed' })}>${escapeXml([r.message, r.permission ? `needs: ${r.permission}` : ''].filter(Boolean).join('\n'))}</error>\n    </testcase>`;
    case 'waived': {
      const w = waiverOf(r);
      const msg = w ? `waived by ${w.owner}${w.expires ? ` until ${w.expires}` : ''}: ${w.reason}` : 'waived';
      return `${head}>\n      <skipped${attrs({ message: msg })}/>\n      <system-out>${escapeXml(evidence(r))}</system-out>\n    </testcase>`;
    }
    case 'not-applicable':
      return `${head}>\n      <skipped${attrs({ message: `not applicable: ${r.message}` })}/>\n    </testcase>`;
  }
}

export function renderJunit(result: ScanResult): string {
  return [...renderJunitChunks(result)].join('');
}

/** renderJunit's text in pieces, a test suite (control) at a time: the counts come first, so they are taken in a first pass. */
export function* renderJunitChunks(result: ScanResult): Generator<string> {
  const byControl = new Map<string, Result[]>();
  for (const r of result.results) {
    let list = byControl.get(r.controlId);
    if (!list) byControl.set(r.controlId, (list = []));
    list.push(r);
  }
  const passesOf = new Map<string, PassTally[]>();
  for (const t of result.passes ?? []) {
    let list = passesOf.get(t.controlId);
    if (!list) passesOf.set(t.controlId, (list = []));
    list.push(t);
  }
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = { tests: 0, failures: 0, errors: 0 };
  const counts = result.controls.map((c) => {
    const rs = byControl.get(c.id) ?? [];
    const counted = passesOf.get(c.id) ?? [];
    const n = {
      tests: rs.length + counted.length,
      failures: rs.filter((r) => r.status === 'fail').length,
      errors: rs.filter((r) => r.status === 'not-assessed').length,
      skipped: rs.filter((r) => r.status === 'waived' || r.status === 'not-applicable').length,
    };
    total.tests += n.tests;
    total.failures += n.failures;
    total.errors += n.errors;
    return n;
  });
  const name = `k8s-audit ${result.scan.context ?? result.scan.cluster ?? result.scan.source}`;
  yield '<?xml version="1.0" encoding="UTF-8"?>\n';
  // No `skipped` on <testsuites>: the JUnit schema Jenkins' xUnit plugin validates against allows it only on each
  // <testsuite>, and refuses the whole file otherwise; every other consumer counts the test cases.
  yield `<testsuites${attrs({ name, tests: total.tests, failures: total.failures, errors: total.errors, time: seconds(result.scan.durationMs) })}>\n`;
  for (let i = 0; i < result.controls.length; i++) {
    const c = result.controls[i]!;
    const n = counts[i]!;
    const rs = byControl.get(c.id) ?? [];
    const counted = passesOf.get(c.id) ?? [];
    const classname = `k8s-audit.${c.area}.${c.id}`;
    const props = [
      ['title', c.title],
      ['severity', c.severity],
      ['area', c.area],
      ['status', c.status],
      ...(c.references.cis?.length ? [['cis', c.references.cis.join(', ')]] : []),
      ...(c.references.pss?.length ? [['pss', c.references.pss.join(', ')]] : []),
    ]
      .map(([name, value]) => `      <property${attrs({ name: name!, value: value! })}/>`)
      .join('\n');
    yield [
      `  <testsuite${attrs({ name: c.id, tests: n.tests, failures: n.failures, errors: n.errors, skipped: n.skipped, time: '0', timestamp: result.scan.startedAt.replace(/Z$/, '').replace(/\.\d+$/, '') })}>`,
      `    <properties>\n${props}\n    </properties>`,
      ...rs.map((r) => testcase(r, classname)),
      ...counted.map((t) => passCase(t, classname)),
      '  </testsuite>',
    ].join('\n') + '\n';
  }
  yield '</testsuites>\n';
}
