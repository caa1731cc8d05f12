import type { ComponentFlags } from '../../../src/model/flags.ts';
import { sourceText, type Verdict } from '../_shared.ts';

/** The retention flags of the audit log file, and the file they manage. */
export type AuditRetentionFlag = 'audit-log-maxage' | 'audit-log-maxbackup' | 'audit-log-maxsize';

/**
 * Whether --audit-log-maxsize=0 turns rotation off. From v1.37 the API server then appends to the file itself, without
 * its rotating writer (lumberjack): nothing is rotated, so nothing is ever removed. Earlier releases handed 0 to
 * lumberjack, which reads it as its own default (100 MB): the file rotates at 100 MB (see zeroMeansLumberjackDefault).
 */
function rotationOff(flags: ComponentFlags): boolean {
  const v = flags.version;
  const atLeast137 = !!v && (v.major > 1 || (v.major === 1 && v.minor >= 37));
  return atLeast137 && flags.effective('audit-log-maxsize').value?.trim() === '0';
}

/** lumberjack's own size limit, in MB, used when it is handed a MaxSize of 0 (gopkg.in/natefinch/lumberjack.v2 defaultMaxSize). */
const LUMBERJACK_DEFAULT_MAX_SIZE = 100;

/** Whether the API server is known to be older than v1.37, which hands --audit-log-maxsize=0 to lumberjack (its 100 MB default). */
function zeroMeansLumberjackDefault(flags: ComponentFlags): boolean {
  const v = flags.version;
  return !!v && v.major === 1 && v.minor < 37;
}

/**
 * A retention flag of the audit log file (--audit-log-maxage/maxbackup/maxsize)
 * that must be at least `min`. Only meaningful with an audit log file; with
 * --audit-log-path unset or `-` (stdout) there is nothing to rotate.
 * 0 means no limit for --audit-log-maxage (no file removed for its age) and --audit-log-maxbackup (every rotated
 * file kept); for --audit-log-maxsize it turns rotation off (v1.37), and the other two then have nothing to act on.
 * Messages: `tooLow` ({{value}}, {{source}}, {{min}}), `notSet` ({{min}}), and for maxsize `rotationOff` ({{source}}).
 */
export function auditRetention(flags: ComponentFlags, flag: AuditRetentionFlag, min: number): Verdict {
  const path = flags.value('audit-log-path');
  if (!path) return { status: 'not-applicable', reason: 'No audit log file: --audit-log-path is not set (see apiserver-audit-log-path), so there is nothing to retain or rotate.' };
  if (path === '-') return { status: 'not-applicable', reason: 'The audit log goes to standard output (--audit-log-path=-); retention is up to whatever collects it.' };
  if (flag !== 'audit-log-maxsize' && rotationOff(flags)) {
    return {
      status: 'not-applicable',
      reason: `--audit-log-maxsize=0 turns rotation off: the API server appends to ${path} and never rotates or removes it, so --${flag} has nothing to act on (see apiserver-audit-log-maxsize).`,
    };
  }
  const e = flags.effective(flag);
  if (e.value === undefined) {
    return { status: 'fail', messageId: 'notSet', flag, data: { min }, observed: null, expected: `>= ${min}` };
  }
  const n = Number(e.value);
  if (Number.isInteger(n) && n >= min) return { status: 'pass', flag };
  // 0: no file is removed for its age / every rotated file is kept (the v1.37 --help says so for both).
  if (n === 0 && flag !== 'audit-log-maxsize' && e.value.trim() !== '') return { status: 'pass', flag };
  // Before v1.37, 0 is lumberjack's default size (100 MB): the file rotates at that size.
  if (n === 0 && flag === 'audit-log-maxsize' && e.value.trim() !== '' && zeroMeansLumberjackDefault(flags) && LUMBERJACK_DEFAULT_MAX_SIZE >= min) return { status: 'pass', flag };
  if (n === 0 && flag === 'audit-log-maxsize' && rotationOff(flags)) {
    return { status: 'fail', messageId: 'rotationOff', flag, data: { source: sourceText(e), min }, observed: e.value, expected: `>= ${min}` };
  }
  // The version unknown (neither the server's nor the image's tag says it), 0 is either 100 MB or no rotation at all.
  if (n === 0 && flag === 'audit-log-maxsize' && e.value.trim() !== '' && !flags.version) {
    return { status: 'fail', messageId: 'zeroUnknownVersion', flag, data: { source: sourceText(e), min }, observed: e.value, expected: `>= ${min}` };
  }
  return { status: 'fail', messageId: 'tooLow', flag, data: { value: e.value, source: sourceText(e), min }, observed: e.value, expected: `>= ${min}` };
}
