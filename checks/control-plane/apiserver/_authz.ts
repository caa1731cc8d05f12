import type { ComponentFlags } from '../../../src/model/flags.ts';
import type { Verdict } from '../_shared.ts';

/**
 * The API server's authorizer chain: --authorization-mode, or AlwaysAllow when
 * neither it nor --authorization-config is given. With --authorization-config
 * the chain lives in a file the API cannot show.
 */
export function authorizationModes(flags: ComponentFlags): { modes: string[]; source: string } | { unknown: Verdict } {
  const modes = flags.list('authorization-mode');
  if (modes && modes.length > 0) return { modes, source: 'set on the command line' };
  const config = flags.value('authorization-config');
  if (config) {
    return { unknown: { status: 'not-assessed', reason: `The authorizer chain is configured in --authorization-config=${config}, which the API cannot show.` } };
  }
  return { modes: ['AlwaysAllow'], source: 'the default when neither --authorization-mode nor --authorization-config is given' };
}

/** A rule over the authorizer chain: `include` must be present, or `exclude` absent. Messages: `missing` / `present` with {{modes}}, {{source}}. */
export function authorizationRule(flags: ComponentFlags, want: { include?: string; exclude?: string }): Verdict {
  const a = authorizationModes(flags);
  if ('unknown' in a) return a.unknown;
  const data = { modes: a.modes.join(','), source: a.source };
  if (want.include && !a.modes.includes(want.include)) {
    return { status: 'fail', messageId: 'missing', flag: 'authorization-mode', data, observed: a.modes, expected: `includes ${want.include}` };
  }
  if (want.exclude && a.modes.includes(want.exclude)) {
    return { status: 'fail', messageId: 'present', flag: 'authorization-mode', data, observed: a.modes, expected: `excludes ${want.exclude}` };
  }
  return { status: 'pass', flag: 'authorization-mode' };
}

/**
 * Whether the API server really accepts anonymous requests, from its flags:
 * --anonymous-auth (default true), except that the API server resets it to
 * false when AlwaysAllow is in the authorizer chain ("AnonymousAuth is not
 * allowed with the AlwaysAllow authorizer"). Undefined when a file decides.
 */
export function anonymousEnabled(flags: ComponentFlags): { enabled: boolean | undefined; resetByAlwaysAllow: boolean } {
  const flag = flags.bool('anonymous-auth');
  if (flag !== false && !flags.has('anonymous-auth') && flags.value('authentication-config')) return { enabled: undefined, resetByAlwaysAllow: false };
  if (flag !== true) return { enabled: flag, resetByAlwaysAllow: false };
  const a = authorizationModes(flags);
  if (!('unknown' in a) && a.modes.includes('AlwaysAllow')) return { enabled: false, resetByAlwaysAllow: true };
  return { enabled: true, resetByAlwaysAllow: false };
}
