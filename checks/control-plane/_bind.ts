import type { ComponentFlags } from '../../src/model/flags.ts';
import { isLoopback, sourceText, type Verdict } from './_shared.ts';

/**
 * The component's secure port must listen on loopback only. With `--secure-port=0` it serves nothing at all, and
 * where it would bind does not matter. Message `exposed` with {{value}}, {{source}}.
 */
export function loopbackBind(flags: ComponentFlags): Verdict {
  if (flags.value('secure-port') === '0') return { status: 'pass', flag: 'secure-port' };
  const e = flags.effective('bind-address');
  const value = e.value ?? '0.0.0.0';
  if (isLoopback(value)) return { status: 'pass', flag: 'bind-address' };
  return { status: 'fail', messageId: 'exposed', flag: 'bind-address', data: { value: value === '' ? '(empty: all interfaces)' : value, source: sourceText(e) }, observed: value, expected: '127.0.0.1' };
}
