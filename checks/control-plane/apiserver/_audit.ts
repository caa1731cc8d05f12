import type { ComponentFlags } from '../../../src/model/flags.ts';
import { sourceText, type Verdict } from '../_shared.ts';

/**
 * A retention flag of the audit log file (--audit-log-maxage/maxbackup/maxsize)
 * that must be at least `min`. Only meaningful with an audit log file; with
 * --audit-log-path unset or `-` (stdout) there is nothing to rotate.
 * Messages: `tooLow` ({{value}}, {{source}}, {{min}}), `notSet` ({{min}}).
 */
export function auditRetention(flags: ComponentFlags, flag: string, min: number): Verdict {
  const path = flags.value('audit-log-path');
  if (!path) return { status: 'not-applicable', reason: 'No audit log file: --audit-log-path is not set (see apiserver-audit-log-path), so there is nothing to retain or rotate.' };
  if (path === '-') return { status: 'not-applicable', reason: 'The audit log goes to standard output (--audit-log-path=-); retention is up to whatever collects it.' };
  const e = flags.effective(flag);
  if (e.value === undefined) {
    return { status: 'fail', messageId: 'notSet', flag, data: { min }, observed: null, expected: `>= ${min}` };
  }
  const n = Number(e.value);
  if (Number.isInteger(n) && n >= min) return { status: 'pass', flag };
  return { status: 'fail', messageId: 'tooLow', flag, data: { value: e.value, source: sourceText(e), min }, observed: e.value, expected: `>= ${min}` };
}
