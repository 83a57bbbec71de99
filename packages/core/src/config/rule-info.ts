import type { AnyRule } from '../engine/types.js';
import type { RuleInfo } from './load.js';

/** What configuration needs to know of a rule. */
export function ruleInfo(rule: AnyRule): RuleInfo {
  return {
    id: rule.meta.id,
    defaultSeverity: rule.meta.severity,
    optionsSchema: rule.options?.schema,
    defaultOptions: rule.options?.defaults,
    sources: rule.meta.sources,
    presets: rule.meta.severity !== 'off' ? ['recommended', 'all'] : ['all'],
    allPresetOptions: rule.meta.presetOptions?.all,
  };
}
