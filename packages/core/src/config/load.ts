/**
 * Configuration files: discovery, parsing, validation and per-file resolution.
 *
 * The nearest config file (searching upward from the linted file's directory) applies; files in
 * different directories are not merged. A config file that has no `extends` key extends "recommended";
 * `extends: []` starts from every rule off. Layers apply in this order: `extends` entries, the file's
 * `rules`, its matching `overrides` (in order), then `--rule` settings.
 *
 * `yaml` and `ajv` are loaded on first use: a run without config files or rule options never pays for them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import picomatch from 'picomatch';
import { distance } from 'fastest-levenshtein';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { foreignCode } from './foreign-codes.js';

const require = createRequire(import.meta.url);

export type SeverityName = 'off' | 'info' | 'warn' | 'error';
export type PresetName = 'recommended' | 'all';

export interface RuleInfo {
  id: string;
  defaultSeverity: SeverityName;
  optionsSchema?: object;
  defaultOptions?: Record<string, unknown>;
  sources: { tool: 'hadolint' | 'buildkit'; code: string }[];
  presets: PresetName[];
  /** Options the `all` preset sets over the defaults. */
  allPresetOptions?: Record<string, unknown>;
}

export interface ResolvedRuleConfig {
  severity: SeverityName;
  options: Record<string, unknown>;
}

/** Shared between files that resolve alike: treat as read-only. */
export interface ResolvedConfig {
  /** The config file used, or null for the defaults. */
  filePath: string | null;
  /** Every known rule, including those turned off. */
  rules: Map<string, ResolvedRuleConfig>;
  /** Globs relative to the directory of `filePath` (or the working directory). */
  include: string[];
  exclude: string[];
  reportUnusedDisableDirectives: SeverityName;
}

export interface RuleSetting {
  id: string;
  severity: SeverityName;
  /** Given only by the `[severity, options]` form: defaults merged in and validated. */
  options?: Record<string, unknown>;
}

export interface LoadedConfig {
  filePath: string;
  extends: (PresetName | LoadedConfig)[];
  rules: RuleSetting[];
  overrides: { files: string[]; matches: (relativePath: string) => boolean; rules: RuleSetting[] }[];
  include?: string[];
  exclude?: string[];
  reportUnusedDisableDirectives?: SeverityName;
}

export const CONFIG_FILE_NAMES = [
  'stowage.config.json',
  'stowage.config.yaml',
  'stowage.config.yml',
  '.stowagerc',
  '.stowagerc.json',
  '.stowagerc.yaml',
  '.stowagerc.yml',
] as const;

export const DEFAULT_INCLUDE = ['**/*Dockerfile*', '**/*Containerfile*', '**/*.dockerfile'];

const PRESETS: readonly string[] = ['recommended', 'all'];
const TOP_LEVEL_KEYS = ['$schema', 'extends', 'rules', 'overrides', 'include', 'exclude', 'reportUnusedDisableDirectives'];
const SEVERITIES: readonly unknown[] = ['off', 'info', 'warn', 'error'];
const EXPECTED_SEVERITY = 'expected one of "off", "info", "warn", "error", 0, 1, 2';
const EXPECTED_RULE_SETTING = `${EXPECTED_SEVERITY}, or [severity, options]`;

/**
 * An invalid or unreadable config. `message` is complete and meant to be shown as is (no stack):
 * `<file>: <key>: <expected>`, or `<file>:<line>:<column>: <parser message>` for syntax errors.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    /** Absolute path of the offending file ('' for `--rule`). */
    readonly filePath: string,
    /** JSON-path-like location, e.g. `rules.copy-from-index` or `overrides[0].files`; '' for the whole file. */
    readonly key: string,
    /** What was expected (or what is wrong), e.g. `expected one of ...; got "wrn"`. */
    readonly expected: string,
    /** How the file is named in the message (path relative to the working directory, or `--rule`). */
    where: string = filePath,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(`${where}${line === undefined ? '' : `:${line}:${column}`}${key ? `: ${key}` : ''}: ${expected}`);
  }
}

/** 'off'|'info'|'warn'|'error'|0|1|2 to a severity name; undefined for anything else. */
export function parseSeverity(value: unknown): SeverityName | undefined {
  if (SEVERITIES.includes(value)) return value as SeverityName;
  if (value === 0 || value === 1 || value === 2) return (['off', 'warn', 'error'] as const)[value];
  return undefined;
}

/** A value in an error message: strings quoted, containers named. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

/** ` (did you mean "x"?)` for the closest candidate, or ''. */
function didYouMean(name: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/** Builds the error for a key of the file being read. */
export type Fail = (key: string, expected: string) => ConfigError;

/** One step of resolution, flattened out of a config and what it extends. */
type Layer =
  | { preset: PresetName }
  | { rules: RuleSetting[] }
  | { rules: RuleSetting[]; dir: string; matches: (relativePath: string) => boolean };

interface Flattened {
  layers: Layer[];
  include?: string[];
  exclude?: string[];
  reportUnusedDisableDirectives?: SeverityName;
}

export class ConfigLoader {
  private readonly cwd: string;
  private readonly byId = new Map<string, RuleInfo>();
  private readonly byCode = new Map<string, string[]>();
  private readonly dirCache = new Map<string, string | null>();
  private readonly loaded = new Map<string, LoadedConfig | ConfigError>();
  private readonly flattened = new Map<LoadedConfig | null, Flattened>();
  private readonly resolved = new Map<string, ResolvedConfig>();
  private readonly validators = new Map<string, ValidateFunction>();
  private ajv: Ajv | undefined;

  constructor(
    private readonly ruleList: RuleInfo[],
    opts: { cwd?: string } = {},
  ) {
    this.cwd = path.resolve(opts.cwd ?? process.cwd());
    for (const rule of ruleList) {
      this.byId.set(rule.id, rule);
      for (const { code } of rule.sources) this.byCode.set(code, [...(this.byCode.get(code) ?? []), rule.id]);
    }
  }

  /** The config file that applies to files in `dir`: the nearest one upward, or null. */
  findConfigFile(dir: string): string | null {
    const abs = path.resolve(this.cwd, dir);
    const cached = this.dirCache.get(abs);
    if (cached !== undefined) return cached;
    let found: string | null = null;
    for (const name of CONFIG_FILE_NAMES) {
      if (isFile(path.join(abs, name))) {
        found = path.join(abs, name);
        break;
      }
    }
    if (found === null) {
      const parent = path.dirname(abs);
      if (parent !== abs) found = this.findConfigFile(parent);
    }
    this.dirCache.set(abs, found);
    return found;
  }

  /** Parses and validates a config file (and what it extends). Cached by path, errors included. */
  load(filePath: string): LoadedConfig {
    const abs = path.resolve(this.cwd, filePath);
    let result = this.loaded.get(abs);
    if (result === undefined) {
      try {
        result = this.loadFile(abs, []);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        result = error;
      }
      this.loaded.set(abs, result);
    }
    if (result instanceof ConfigError) throw result;
    return result;
  }

  /** The configuration for one linted file (which need not exist: stdin uses a virtual path). */
  forFile(
    lintedFilePath: string,
    opts: { configPath?: string; noConfig?: boolean; cliRules?: Record<string, SeverityName> } = {},
  ): ResolvedConfig {
    const file = path.resolve(this.cwd, lintedFilePath);
    const configPath = opts.noConfig
      ? null
      : opts.configPath !== undefined
        ? path.resolve(this.cwd, opts.configPath)
        : this.findConfigFile(path.dirname(file));
    const config = configPath === null ? null : this.load(configPath);

    let flat = this.flattened.get(config);
    if (flat === undefined) {
      flat = config === null ? { layers: [{ preset: 'recommended' }] } : this.flatten(config);
      this.flattened.set(config, flat);
    }
    const all = flat.layers;
    const layers = all.filter(
      (layer) => !('matches' in layer) || layer.matches(path.relative(layer.dir, file).split(path.sep).join('/')),
    );
    const key = `${configPath}\0${layers.map((layer) => all.indexOf(layer)).join(',')}\0${JSON.stringify(opts.cliRules ?? {})}`;
    let result = this.resolved.get(key);
    if (result === undefined) {
      const cliRules = this.parseCliRules(opts.cliRules ?? {});
      const rules = new Map<string, ResolvedRuleConfig>();
      for (const rule of this.ruleList) rules.set(rule.id, { severity: 'off', options: { ...rule.defaultOptions } });
      for (const layer of [...layers, { rules: cliRules }]) {
        if ('preset' in layer) this.applyPreset(rules, layer.preset);
        else for (const s of layer.rules) rules.set(s.id, { severity: s.severity, options: s.options ?? rules.get(s.id)!.options });
      }
      result = {
        filePath: configPath,
        rules,
        include: flat.include ?? DEFAULT_INCLUDE,
        exclude: flat.exclude ?? [],
        reportUnusedDisableDirectives: flat.reportUnusedDisableDirectives ?? 'off',
      };
      this.resolved.set(key, result);
    }
    return result;
  }

  private applyPreset(rules: Map<string, ResolvedRuleConfig>, preset: PresetName): void {
    for (const rule of this.ruleList) {
      const current = rules.get(rule.id)!;
      if (preset === 'all') {
        const severity = rule.defaultSeverity === 'off' ? 'warn' : rule.defaultSeverity;
        const options = rule.allPresetOptions ? { ...current.options, ...rule.allPresetOptions } : current.options;
        rules.set(rule.id, { severity, options });
      }
      else if (rule.presets.includes('recommended')) rules.set(rule.id, { ...current, severity: rule.defaultSeverity });
    }
  }

  private flatten(config: LoadedConfig): Flattened {
    const out: Flattened = { layers: [] };
    for (const base of config.extends) {
      if (typeof base === 'string') {
        out.layers.push({ preset: base });
      } else {
        const inner = this.flatten(base);
        out.layers.push(...inner.layers);
        out.include = inner.include ?? out.include;
        out.exclude = inner.exclude ?? out.exclude;
        out.reportUnusedDisableDirectives = inner.reportUnusedDisableDirectives ?? out.reportUnusedDisableDirectives;
      }
    }
    out.layers.push({ rules: config.rules });
    const dir = path.dirname(config.filePath);
    for (const o of config.overrides) out.layers.push({ rules: o.rules, dir, matches: o.matches });
    out.include = config.include ?? out.include;
    out.exclude = config.exclude ?? out.exclude;
    out.reportUnusedDisableDirectives = config.reportUnusedDisableDirectives ?? out.reportUnusedDisableDirectives;
    return out;
  }

  private parseCliRules(cliRules: Record<string, unknown>): RuleSetting[] {
    const fail: Fail = (key, expected) => new ConfigError('', key, expected, '--rule');
    return Object.entries(cliRules).flatMap(([name, value]) => {
      const severity = parseSeverity(value);
      if (severity === undefined) throw fail(name, `${EXPECTED_SEVERITY}; got ${describe(value)}`);
      return this.ruleIds(name, name, fail).map((id) => ({ id, severity }));
    });
  }

  /** The rule ids a config key names: itself, or every rule that lists it as a source code. */
  private ruleIds(name: string, key: string, fail: Fail): string[] {
    if (this.byId.has(name)) return [name];
    const ids = this.byCode.get(name);
    if (ids) return ids;
    const known = [...this.byId.keys(), ...this.byCode.keys()];
    const foreign = foreignCode(name);
    // A known code in other letter case (dl3006) gets the did-you-mean; others' codes, no near guess.
    if (foreign && !known.some((k) => k.toLowerCase() === name.toLowerCase())) {
      throw fail(key, `unknown rule: ${name} is ${foreign} that no stowage rule covers; remove it`);
    }
    throw fail(key, `unknown rule${didYouMean(name, known)}`);
  }

  private display(filePath: string): string {
    const rel = path.relative(this.cwd, filePath);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : filePath;
  }

  private loadFile(filePath: string, stack: string[]): LoadedConfig {
    const cached = this.loaded.get(filePath);
    if (cached !== undefined && !(cached instanceof ConfigError)) return cached;
    const where = this.display(filePath);
    const fail: Fail = (key, expected) => new ConfigError(filePath, key, expected, where);
    const raw = this.parseFile(filePath, where) ?? {};
    if (!isObject(raw)) throw fail('', `expected an object at the top level; got ${describe(raw)}`);

    for (const key of Object.keys(raw)) {
      if (!TOP_LEVEL_KEYS.includes(key)) {
        const hint = didYouMean(key, TOP_LEVEL_KEYS) || ` (expected one of ${TOP_LEVEL_KEYS.map((k) => `"${k}"`).join(', ')})`;
        throw fail(key, `unknown key${hint}`);
      }
    }
    if ('$schema' in raw && typeof raw.$schema !== 'string') throw fail('$schema', `expected a string; got ${describe(raw.$schema)}`);

    const config: LoadedConfig = {
      filePath,
      extends: this.parseExtends(raw.extends ?? 'recommended', filePath, [...stack, filePath], fail),
      rules: raw.rules === undefined ? [] : this.parseRules(raw.rules, 'rules', fail),
      overrides: [],
    };
    if (raw.overrides !== undefined) {
      if (!Array.isArray(raw.overrides)) throw fail('overrides', `expected a list of { files, rules } objects; got ${describe(raw.overrides)}`);
      config.overrides = raw.overrides.map((o: unknown, i) => {
        const key = `overrides[${i}]`;
        if (!isObject(o)) throw fail(key, `expected an object with "files" and "rules"; got ${describe(o)}`);
        for (const k of Object.keys(o)) {
          if (k !== 'files' && k !== 'rules') throw fail(`${key}.${k}`, 'unknown key (expected "files" or "rules")');
        }
        if (o.files === undefined) throw fail(`${key}.files`, 'missing (expected a glob string or a list of glob strings)');
        const files = this.parseGlobs(o.files, `${key}.files`, fail);
        const rules = o.rules === undefined ? [] : this.parseRules(o.rules, `${key}.rules`, fail);
        return { files, matches: picomatch(files, { dot: true }), rules };
      });
    }
    if (raw.include !== undefined) config.include = this.parseGlobs(raw.include, 'include', fail);
    if (raw.exclude !== undefined) config.exclude = this.parseGlobs(raw.exclude, 'exclude', fail);
    if (raw.reportUnusedDisableDirectives !== undefined) {
      const severity = parseSeverity(raw.reportUnusedDisableDirectives);
      if (severity === undefined) {
        throw fail('reportUnusedDisableDirectives', `${EXPECTED_SEVERITY}; got ${describe(raw.reportUnusedDisableDirectives)}`);
      }
      config.reportUnusedDisableDirectives = severity;
    }
    this.loaded.set(filePath, config);
    return config;
  }

  /** File text to a plain value; syntax errors as `file:line:col: message`. */
  private parseFile(filePath: string, where: string): unknown {
    let text: string;
    try {
      text = fs.readFileSync(filePath, 'utf8').replace(/^\uFEFF/, '');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
      throw new ConfigError(filePath, '', `cannot read config file (${reason})`, where);
    }
    if (filePath.endsWith('.json')) {
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        const message = (error as Error).message;
        const offset = Number(/at position (\d+)/.exec(message)?.[1] ?? text.length);
        const before = text.slice(0, offset).split('\n');
        const reason = message.replace(/ (in JSON )?at position \d+[\s\S]*$/, '').replace(/^JSON\.parse: /, '');
        throw new ConfigError(filePath, '', reason, where, before.length, before[before.length - 1].length + 1);
      }
    }
    const YAML = require('yaml') as typeof import('yaml');
    const doc = YAML.parseDocument(text);
    const error = doc.errors[0];
    if (error) {
      const pos = error.linePos?.[0];
      const reason = error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
      throw new ConfigError(filePath, '', reason, where, pos?.line ?? 1, pos?.col ?? 1);
    }
    return doc.toJS() as unknown;
  }

  private parseExtends(value: unknown, filePath: string, stack: string[], fail: Fail): LoadedConfig['extends'] {
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || !list.every((entry) => typeof entry === 'string')) {
      throw fail('extends', `expected "recommended", "all", a relative path, or a list of them; got ${describe(value)}`);
    }
    return list.map((entry: string, i) => {
      const key = Array.isArray(value) ? `extends[${i}]` : 'extends';
      if (PRESETS.includes(entry)) return entry as PresetName;
      if (!entry.startsWith('./') && !entry.startsWith('../') && !path.isAbsolute(entry)) {
        throw fail(key, `unknown preset "${entry}"${didYouMean(entry, PRESETS)}; expected "recommended", "all", or a path starting with "./" or "../"`);
      }
      const target = path.resolve(path.dirname(filePath), entry);
      if (stack.includes(target)) {
        const cycle = [...stack.slice(stack.indexOf(target)), target].map((p) => this.display(p));
        throw fail(key, `circular extends: ${cycle.join(' -> ')}`);
      }
      if (!isFile(target)) throw fail(key, `cannot find config file "${entry}"`);
      return this.loadFile(target, stack);
    });
  }

  private parseGlobs(value: unknown, key: string, fail: Fail): string[] {
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || !list.every((g) => typeof g === 'string' && g !== '')) {
      throw fail(key, `expected a glob string or a list of glob strings; got ${describe(value)}`);
    }
    return list as string[];
  }

  private parseRules(value: unknown, prefix: string, fail: Fail): RuleSetting[] {
    if (!isObject(value)) throw fail(prefix, `expected an object mapping rule ids to settings; got ${describe(value)}`);
    return Object.entries(value).flatMap(([name, setting]) => {
      const key = `${prefix}.${name}`;
      const ids = this.ruleIds(name, key, fail);
      const { severity, options } = parseRuleSetting(setting, key, fail);
      return ids.map((id) => ({ id, severity, options: options && this.ruleOptions(id, options, key, fail) }));
    });
  }

  /** Defaults merged with the given options, validated against the rule's schema (filling schema defaults). */
  private ruleOptions(id: string, given: Record<string, unknown>, key: string, fail: Fail): Record<string, unknown> {
    const rule = this.byId.get(id)!;
    const options = { ...structuredClone(rule.defaultOptions ?? {}), ...structuredClone(given) };
    if (!rule.optionsSchema) {
      if (!rule.defaultOptions && Object.keys(given).length > 0) throw fail(key, `rule "${id}" takes no options`);
      return options;
    }
    let validate = this.validators.get(id);
    if (!validate) {
      if (!this.ajv) {
        const { Ajv } = require('ajv') as typeof import('ajv');
        this.ajv = new Ajv({ strict: false, useDefaults: true, verbose: true });
      }
      validate = this.ajv.compile(rule.optionsSchema);
      this.validators.set(id, validate);
    }
    if (!validate(options)) {
      const [where, expected] = describeAjvError(validate.errors![0]);
      throw fail(key + where, expected);
    }
    return options;
  }
}

/**
 * A rule's value: a severity, `[severity]` or `[severity, options]`.
 * `options` is undefined when not given (the current options are then kept).
 */
export function parseRuleSetting(
  value: unknown,
  key: string,
  fail: Fail,
): { severity: SeverityName; options?: Record<string, unknown> } {
  if (!Array.isArray(value)) {
    const severity = parseSeverity(value);
    if (severity === undefined) throw fail(key, `${EXPECTED_RULE_SETTING}; got ${describe(value)}`);
    return { severity };
  }
  const severity = parseSeverity(value[0]);
  if (severity === undefined || value.length > 2) {
    const got = value.length > 2 ? `an array of ${value.length} items` : describe(value[0]);
    throw fail(key, `${EXPECTED_RULE_SETTING}; got ${got}`);
  }
  if (value.length === 1) return { severity };
  if (!isObject(value[1])) throw fail(key, `expected options to be an object; got ${describe(value[1])}`);
  return { severity, options: value[1] };
}

/** An ajv error to [key suffix, message], e.g. ['.max', 'expected integer; got "3"']. */
function describeAjvError(error: ErrorObject): [string, string] {
  const where = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('');
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      const list = known.length ? ` (expected one of ${known.map((k) => `"${k}"`).join(', ')})` : '';
      return [`${where}.${name}`, `unknown option${didYouMean(name, known) || list}`];
    }
    case 'required':
      return [`${where}.${String(params.missingProperty)}`, 'missing required option'];
    case 'type':
      return [where, `expected ${String(params.type)}; got ${describe(error.data)}`];
    case 'enum':
      return [where, `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}; got ${describe(error.data)}`];
    case 'const':
      return [where, `expected ${JSON.stringify(params.allowedValue)}; got ${describe(error.data)}`];
    default:
      return [where, `${error.message ?? 'does not match the schema'}; got ${describe(error.data)}`];
  }
}
