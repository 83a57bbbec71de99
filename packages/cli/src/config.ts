import { ConfigLoader, ruleInfo, type AnyRule, type EnabledRule, type ResolvedConfig } from '@stowage/core';
import type { EnabledBuildRule } from '@stowage/builds';
import { allRules, buildRules, buildRulesById, dockerfileRulesById } from '@stowage/rules';
import type { Severity } from './args.js';

/** How configuration is found for every linted file. */
export interface ConfigSettings {
  cwd: string;
  configPath?: string;
  noConfig?: boolean;
  /** `--rule` settings; ids may be hadolint/BuildKit codes. */
  cliRules?: Record<string, Severity>;
}

export function createLoader(cwd: string): ConfigLoader {
  // Build rules are configured like any rule (same `rules` keys, presets and `--rule`).
  const infos = [...allRules, ...(buildRules as unknown as AnyRule[])].map(ruleInfo);
  return new ConfigLoader(infos, { cwd });
}

/** Resolves the config of one file (throws ConfigError). */
export function configFor(loader: ConfigLoader, filePath: string, settings: ConfigSettings): ResolvedConfig {
  return loader.forFile(filePath, { configPath: settings.configPath, noConfig: settings.noConfig, cliRules: settings.cliRules });
}

// The loader shares ResolvedConfig objects between files that resolve alike.
const enabledCache = new WeakMap<ResolvedConfig, EnabledRule[]>();
const enabledBuildCache = new WeakMap<ResolvedConfig, EnabledBuildRule[]>();

/** The Dockerfile rules a config turns on. */
export function enabledRules(config: ResolvedConfig): EnabledRule[] {
  return enabledFrom(config, dockerfileRulesById, enabledCache);
}

/** The build rules (run on invocation files) a config turns on. */
export function enabledBuildRules(config: ResolvedConfig): EnabledBuildRule[] {
  return enabledFrom(config, buildRulesById, enabledBuildCache);
}

function enabledFrom<R>(
  config: ResolvedConfig,
  byId: ReadonlyMap<string, R>,
  cache: WeakMap<ResolvedConfig, Array<{ rule: R; severity: Exclude<Severity, 'off'>; options?: unknown }>>,
): Array<{ rule: R; severity: Exclude<Severity, 'off'>; options?: unknown }> {
  let enabled = cache.get(config);
  if (!enabled) {
    enabled = [];
    for (const [id, { severity, options }] of config.rules) {
      const rule = byId.get(id);
      if (rule && severity !== 'off') enabled.push({ rule, severity, options });
    }
    cache.set(config, enabled);
  }
  return enabled;
}

/** The resolved config in the config file's own shape, for --print-config. */
export function printableConfig(config: ResolvedConfig, reportUnused: Severity): Record<string, unknown> {
  const rules: Record<string, unknown> = {};
  for (const id of [...config.rules.keys()].sort()) {
    const { severity, options } = config.rules.get(id)!;
    rules[id] = Object.keys(options).length > 0 ? [severity, options] : severity;
  }
  return {
    filePath: config.filePath,
    rules,
    include: config.include,
    exclude: config.exclude,
    reportUnusedDisableDirectives: reportUnused,
  };
}
