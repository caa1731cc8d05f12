import { DEFAULT_ADMISSION_PLUGINS, effectiveAdmissionPlugins, type ComponentFlags } from '../../../src/model/flags.ts';
import type { Verdict } from '../_shared.ts';

/**
 * A rule over one admission plugin: it must run (`enabled`) or must not
 * (`disabled`). Messages: `notEnabled` / `enabled`, each with {{plugin}} and {{how}}.
 */
export function admissionRule(flags: ComponentFlags, plugin: string, want: 'enabled' | 'disabled'): Verdict {
  const { plugins, legacy } = effectiveAdmissionPlugins(flags);
  const running = plugins.has(plugin);
  const isDefault = DEFAULT_ADMISSION_PLUGINS.includes(plugin);
  const disabledExplicitly = !legacy && (flags.list('disable-admission-plugins') ?? []).includes(plugin);
  const enabledExplicitly = !legacy && (flags.list('enable-admission-plugins') ?? []).includes(plugin);
  if (want === 'enabled') {
    if (running) return { status: 'pass', flag: legacy ? 'admission-control' : isDefault ? 'disable-admission-plugins' : 'enable-admission-plugins' };
    const how = legacy
      ? 'it is not in the deprecated --admission-control list, which replaces the defaults'
      : disabledExplicitly
        ? '--disable-admission-plugins turns it off'
        : 'it is not a default plugin and --enable-admission-plugins does not name it';
    const flag = legacy ? 'admission-control' : disabledExplicitly ? 'disable-admission-plugins' : 'enable-admission-plugins';
    return { status: 'fail', messageId: 'notEnabled', flag, data: { plugin, how }, observed: [...plugins].sort(), expected: `includes ${plugin}` };
  }
  if (!running) return { status: 'pass', flag: legacy ? 'admission-control' : 'enable-admission-plugins' };
  const how = legacy ? 'the deprecated --admission-control list names it' : enabledExplicitly ? '--enable-admission-plugins names it' : 'it is enabled by default';
  return { status: 'fail', messageId: 'enabled', flag: legacy ? 'admission-control' : 'enable-admission-plugins', data: { plugin, how }, observed: [...plugins].sort(), expected: `excludes ${plugin}` };
}
