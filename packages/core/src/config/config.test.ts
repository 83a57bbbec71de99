import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { CONFIG_FILE_NAMES, ConfigError, ConfigLoader, type RuleInfo } from './load.js';
import { configJsonSchema, configSchema } from './schema.js';

const RULES: RuleInfo[] = [
  { id: 'copy-from-index', defaultSeverity: 'warn', sources: [{ tool: 'hadolint', code: 'DL3022' }], presets: ['recommended'] },
  {
    id: 'stage-name-duplicate',
    defaultSeverity: 'error',
    sources: [{ tool: 'buildkit', code: 'DuplicateStageName' }],
    presets: ['recommended'],
    optionsSchema: {
      type: 'object',
      properties: {
        ignoreCase: { type: 'boolean', default: false },
        max: { type: 'integer', minimum: 1 },
        mode: { enum: ['strict', 'loose'] },
      },
      additionalProperties: false,
    },
    defaultOptions: { max: 3 },
  },
  {
    id: 'pin-base-image',
    defaultSeverity: 'off',
    sources: [
      { tool: 'hadolint', code: 'DL3006' },
      { tool: 'hadolint', code: 'DL3007' },
    ],
    presets: [],
  },
  { id: 'latest-tag', defaultSeverity: 'warn', sources: [{ tool: 'hadolint', code: 'DL3007' }], presets: ['recommended'] },
];

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A temp directory with the given files (relative path to content). */
function project(files: Record<string, string> = {}): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'stowage-config-')));
  dirs.push(root);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  return root;
}

/** `id: severity` for every rule. */
function severities(loader: ConfigLoader, file: string, opts?: Parameters<ConfigLoader['forFile']>[1]) {
  return Object.fromEntries([...loader.forFile(file, opts).rules].map(([id, r]) => [id, r.severity]));
}

/** The ConfigError thrown by `fn`. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const RECOMMENDED = { 'copy-from-index': 'warn', 'stage-name-duplicate': 'error', 'pin-base-image': 'off', 'latest-tag': 'warn' };

describe('discovery', () => {
  it('uses the recommended preset when there is no config file', () => {
    const root = project();
    const loader = new ConfigLoader(RULES, { cwd: root });
    const config = loader.forFile('Dockerfile');
    expect(config.filePath).toBeNull();
    expect(severities(loader, 'Dockerfile')).toEqual(RECOMMENDED);
    expect(config.rules.get('stage-name-duplicate')!.options).toEqual({ max: 3 });
    expect(config.include).toEqual(['**/*Dockerfile*', '**/*Containerfile*', '**/*.dockerfile']);
    expect(config.exclude).toEqual([]);
    expect(config.reportUnusedDisableDirectives).toBe('off');
  });

  it('searches upward from the linted file and caches per directory', () => {
    const root = project({ 'stowage.config.yaml': 'rules: { copy-from-index: error }\n', 'a/b/c/Dockerfile': '' });
    const loader = new ConfigLoader(RULES, { cwd: root });
    const file = path.join(root, 'a/b/c/Dockerfile');
    expect(loader.forFile(file).filePath).toBe(path.join(root, 'stowage.config.yaml'));
    expect(severities(loader, file)['copy-from-index']).toBe('error');
    fs.rmSync(path.join(root, 'stowage.config.yaml'));
    expect(loader.findConfigFile(path.join(root, 'a/b'))).toBe(path.join(root, 'stowage.config.yaml'));
    expect(new ConfigLoader(RULES).findConfigFile(path.join(root, 'a/b'))).toBeNull();
  });

  it('uses the nearest config only, without merging parent configs', () => {
    const root = project({
      'stowage.config.yaml': 'rules: { copy-from-index: error }\n',
      'sub/.stowagerc.yml': 'rules: { latest-tag: off }\n',
    });
    const loader = new ConfigLoader(RULES, { cwd: root });
    expect(loader.forFile('sub/Dockerfile').filePath).toBe(path.join(root, 'sub/.stowagerc.yml'));
    expect(severities(loader, 'sub/Dockerfile')).toEqual({ ...RECOMMENDED, 'latest-tag': 'off' });
    expect(severities(loader, 'Dockerfile')).toEqual({ ...RECOMMENDED, 'copy-from-index': 'error' });
  });

  it('finds every file name, in priority order', () => {
    const root = project();
    for (const name of CONFIG_FILE_NAMES) fs.writeFileSync(path.join(root, name), '{}');
    for (const name of CONFIG_FILE_NAMES) {
      expect(new ConfigLoader(RULES).findConfigFile(root)).toBe(path.join(root, name));
      fs.rmSync(path.join(root, name));
    }
    expect(new ConfigLoader(RULES).findConfigFile(root)).toBeNull();
  });

  it.each(CONFIG_FILE_NAMES)('reads %s', (name) => {
    const json = name.endsWith('.json') || name === '.stowagerc';
    const root = project({ [name]: json ? '{ "rules": { "copy-from-index": "off" } }' : 'rules:\n  copy-from-index: off\n' });
    expect(severities(new ConfigLoader(RULES, { cwd: root }), 'Dockerfile')['copy-from-index']).toBe('off');
  });

  it('reads YAML from an extension-less .stowagerc, and an empty file as {}', () => {
    const root = project({ '.stowagerc': 'rules:\n  latest-tag: error\n', 'empty/stowage.config.yaml': '' });
    const loader = new ConfigLoader(RULES, { cwd: root });
    expect(severities(loader, 'Dockerfile')['latest-tag']).toBe('error');
    expect(severities(loader, 'empty/Dockerfile')).toEqual(RECOMMENDED);
  });

  it('resolves a virtual path (stdin) like a real one', () => {
    const root = project({ 'ci/stowage.config.json': '{ "rules": { "DL3022": 2 } }' });
    const loader = new ConfigLoader(RULES, { cwd: root });
    expect(severities(loader, 'ci/not-there/Dockerfile')['copy-from-index']).toBe('error');
  });
});

describe('extends', () => {
  it('defaults to recommended; [] starts from everything off; all turns every rule on', () => {
    const root = project({
      'rec/stowage.config.yaml': 'extends: recommended\n',
      'none/stowage.config.yaml': 'extends: []\nrules: { latest-tag: error }\n',
      'all/stowage.config.yaml': 'extends: [all]\n',
    });
    const loader = new ConfigLoader(RULES, { cwd: root });
    expect(severities(loader, 'rec/Dockerfile')).toEqual(RECOMMENDED);
    expect(severities(loader, 'none/Dockerfile')).toEqual({
      'copy-from-index': 'off',
      'stage-name-duplicate': 'off',
      'pin-base-image': 'off',
      'latest-tag': 'error',
    });
    expect(severities(loader, 'all/Dockerfile')).toEqual({ ...RECOMMENDED, 'pin-base-image': 'warn' });
  });

  it('the all preset applies the options a rule asks for there; info is a severity', () => {
    const rules: RuleInfo[] = [
      { id: 'cache-hint', defaultSeverity: 'warn', sources: [], presets: ['recommended'], defaultOptions: { scope: 'buildkit' }, allPresetOptions: { scope: 'everywhere' } },
    ];
    const root = project({ 'all/stowage.config.yaml': 'extends: all\n', 'info/stowage.config.yaml': 'rules: { cache-hint: info }\n' });
    const loader = new ConfigLoader(rules, { cwd: root });
    expect(loader.forFile(path.join(root, 'Dockerfile')).rules.get('cache-hint')).toEqual({ severity: 'warn', options: { scope: 'buildkit' } });
    expect(loader.forFile(path.join(root, 'all/Dockerfile')).rules.get('cache-hint')).toEqual({ severity: 'warn', options: { scope: 'everywhere' } });
    expect(loader.forFile(path.join(root, 'info/Dockerfile')).rules.get('cache-hint')?.severity).toBe('info');
  });

  it('applies a config file path, then own rules, with its overrides relative to itself', () => {
    const root = project({
      'shared/base.yaml': [
        'extends: all',
        'rules: { copy-from-index: error, latest-tag: error }',
        'overrides: [{ files: "app/**", rules: { pin-base-image: error } }]',
        'reportUnusedDisableDirectives: warn',
        'exclude: [vendor/**]',
      ].join('\n'),
      'shared/app/stowage.config.yaml': 'extends: ../base.yaml\nrules: { latest-tag: off }\n',
    });
    const loader = new ConfigLoader(RULES, { cwd: root });
    const config = loader.forFile('shared/app/Dockerfile');
    expect(severities(loader, 'shared/app/Dockerfile')).toEqual({
      'copy-from-index': 'error',
      'stage-name-duplicate': 'error',
      'pin-base-image': 'error',
      'latest-tag': 'off',
    });
    expect(config.reportUnusedDisableDirectives).toBe('warn');
    expect(config.exclude).toEqual(['vendor/**']);
  });

  it('reports a cycle', () => {
    const root = project({
      'stowage.config.yaml': 'extends: [recommended, ./a.yaml]\n',
      'a.yaml': 'extends: ./b.yaml\n',
      'b.yaml': 'extends: [./a.yaml]\n',
    });
    const error = configError(() => new ConfigLoader(RULES, { cwd: root }).forFile('Dockerfile'));
    expect(error.message).toBe('b.yaml: extends[0]: circular extends: a.yaml -> b.yaml -> a.yaml');
    expect(error.filePath).toBe(path.join(root, 'b.yaml'));
    expect(error.key).toBe('extends[0]');
  });

  it('reports a self-extending file', () => {
    const root = project({ 'stowage.config.yaml': 'extends: ./stowage.config.yaml\n' });
    expect(configError(() => new ConfigLoader(RULES, { cwd: root }).forFile('Dockerfile')).message).toBe(
      'stowage.config.yaml: extends: circular extends: stowage.config.yaml -> stowage.config.yaml',
    );
  });

  it('reports a missing file and an unknown preset', () => {
    const root = project({ 'a/stowage.config.yaml': 'extends: ./nope.yaml\n', 'b/stowage.config.yaml': 'extends: [recomended]\n' });
    const loader = new ConfigLoader(RULES, { cwd: root });
    expect(configError(() => loader.forFile('a/Dockerfile')).message).toBe(
      path.join('a', 'stowage.config.yaml') + ': extends: cannot find config file "./nope.yaml"',
    );
    expect(configError(() => loader.forFile('b/Dockerfile')).message).toBe(
      path.join('b', 'stowage.config.yaml') +
        ': extends[0]: unknown preset "recomended" (did you mean "recommended"?); expected "recommended", "all", or a path starting with "./" or "../"',
    );
  });
});

describe('rules', () => {
  it('accepts numeric severities and hadolint/BuildKit codes as aliases', () => {
    const root = project({
      'stowage.config.yaml': 'rules:\n  DL3007: off\n  DL3022: 2\n  DuplicateStageName: 1\n  DL3006: warn\n',
    });
    expect(severities(new ConfigLoader(RULES, { cwd: root }), 'Dockerfile')).toEqual({
      'copy-from-index': 'error',
      'stage-name-duplicate': 'warn',
      'pin-base-image': 'warn', // DL3007 turned it off, DL3006 (later) on
      'latest-tag': 'off',
    });
  });

  it('applies overrides by glob, relative to the config directory, in order', () => {
    const root = project({
      'proj/stowage.config.yaml': [
        'rules: { copy-from-index: error }',
        'overrides:',
        '  - files: ["**/Dockerfile.dev", "ci/**"]',
        '    rules: { copy-from-index: off, latest-tag: error }',
        '  - files: ci/special/*',
        '    rules: { copy-from-index: warn }',
      ].join('\n'),
    });
    const loader = new ConfigLoader(RULES, { cwd: root });
    const sev = (file: string) => severities(loader, `proj/${file}`);
    expect(sev('Dockerfile')).toMatchObject({ 'copy-from-index': 'error', 'latest-tag': 'warn' });
    expect(sev('Dockerfile.dev')).toMatchObject({ 'copy-from-index': 'off', 'latest-tag': 'error' });
    expect(sev('svc/deep/Dockerfile.dev')).toMatchObject({ 'copy-from-index': 'off' });
    expect(sev('ci/Dockerfile')).toMatchObject({ 'copy-from-index': 'off' });
    expect(sev('ci/special/Dockerfile')).toMatchObject({ 'copy-from-index': 'warn', 'latest-tag': 'error' });
    expect(sev('svc/ci/Dockerfile')).toMatchObject({ 'copy-from-index': 'error' });
    // Files resolving alike share one result.
    expect(loader.forFile('proj/a/Dockerfile')).toBe(loader.forFile('proj/b/Dockerfile'));
  });

  it('applies --rule last, and ignores config files with --no-config', () => {
    const root = project({
      'stowage.config.yaml': 'rules: { latest-tag: off }\noverrides: [{ files: "**", rules: { copy-from-index: off } }]\n',
    });
    const loader = new ConfigLoader(RULES, { cwd: root });
    expect(severities(loader, 'Dockerfile', { cliRules: { 'copy-from-index': 'error', DL3006: 'warn' } })).toEqual({
      ...RECOMMENDED,
      'latest-tag': 'off',
      'copy-from-index': 'error',
      'pin-base-image': 'warn',
    });
    expect(severities(loader, 'Dockerfile', { noConfig: true })).toEqual(RECOMMENDED);
    expect(loader.forFile('Dockerfile', { noConfig: true }).filePath).toBeNull();
    expect(severities(loader, 'Dockerfile', { noConfig: true, cliRules: { 'latest-tag': 'error' } })['latest-tag']).toBe('error');
  });

  it('uses --config instead of discovery', () => {
    const root = project({ 'stowage.config.yaml': 'rules: { latest-tag: off }\n', 'other.yml': 'rules: { latest-tag: error }\n' });
    const loader = new ConfigLoader(RULES, { cwd: root });
    const config = loader.forFile('Dockerfile', { configPath: 'other.yml' });
    expect(config.filePath).toBe(path.join(root, 'other.yml'));
    expect(config.rules.get('latest-tag')!.severity).toBe('error');
  });

  it('merges options over defaults, fills schema defaults, and keeps options when only the severity changes', () => {
    const root = project({
      'stowage.config.yaml': [
        'rules:',
        '  stage-name-duplicate: [warn, { mode: strict }]',
        'overrides:',
        '  - files: "*.dev"',
        '    rules: { stage-name-duplicate: off }',
        '  - files: "*.ci"',
        '    rules: { stage-name-duplicate: [error] }',
      ].join('\n'),
    });
    const loader = new ConfigLoader(RULES, { cwd: root });
    const expected = { severity: 'warn', options: { max: 3, mode: 'strict', ignoreCase: false } };
    expect(loader.forFile('Dockerfile').rules.get('stage-name-duplicate')).toEqual(expected);
    expect(loader.forFile('Dockerfile.dev').rules.get('stage-name-duplicate')).toEqual({ ...expected, severity: 'off' });
    expect(loader.forFile('Dockerfile.ci').rules.get('stage-name-duplicate')).toEqual({ ...expected, severity: 'error' });
    expect(RULES[1].defaultOptions).toEqual({ max: 3 }); // not mutated
  });
});

describe('errors', () => {
  /** The message for a `stowage.config.yaml` with this content. */
  function message(content: string, name = 'stowage.config.yaml'): string {
    const root = project({ [name]: content });
    return configError(() => new ConfigLoader(RULES, { cwd: root }).forFile('Dockerfile')).message;
  }

  it('rejects an invalid severity with the file, key and what is expected', () => {
    const root = project({ 'stowage.config.yaml': 'rules:\n  copy-from-index: wrn\n' });
    const error = configError(() => new ConfigLoader(RULES, { cwd: root }).forFile('Dockerfile'));
    expect(error.message).toBe(
      'stowage.config.yaml: rules.copy-from-index: expected one of "off", "info", "warn", "error", 0, 1, 2, or [severity, options]; got "wrn"',
    );
    expect(error.filePath).toBe(path.join(root, 'stowage.config.yaml'));
    expect(error.key).toBe('rules.copy-from-index');
    expect(error.expected).toBe('expected one of "off", "info", "warn", "error", 0, 1, 2, or [severity, options]; got "wrn"');
    expect(message('rules: { latest-tag: 3 }')).toBe(
      'stowage.config.yaml: rules.latest-tag: expected one of "off", "info", "warn", "error", 0, 1, 2, or [severity, options]; got 3',
    );
    expect(message('rules: { latest-tag: [warn, {}, 1] }')).toBe(
      'stowage.config.yaml: rules.latest-tag: expected one of "off", "info", "warn", "error", 0, 1, 2, or [severity, options]; got an array of 3 items',
    );
    expect(message('rules: { stage-name-duplicate: [warn, strict] }')).toBe(
      'stowage.config.yaml: rules.stage-name-duplicate: expected options to be an object; got "strict"',
    );
  });

  it('rejects unknown rules, suggesting the closest id or code', () => {
    expect(message('rules:\n  copy-from-indx: warn\n')).toBe(
      'stowage.config.yaml: rules.copy-from-indx: unknown rule (did you mean "copy-from-index"?)',
    );
    expect(message('overrides: [{ files: x, rules: { dl3006: off } }]')).toBe(
      'stowage.config.yaml: overrides[0].rules.dl3006: unknown rule (did you mean "DL3006"?)',
    );
    expect(message('rules: { something-else-entirely: off }')).toBe('stowage.config.yaml: rules.something-else-entirely: unknown rule');
  });

  it('names the linter of an unknown hadolint, ShellCheck or BuildKit code instead of guessing a near code', () => {
    // DL3009 is one edit from DL3006, which a rule here stands for.
    expect(message('rules: { DL3009: off }')).toBe('stowage.config.yaml: rules.DL3009: unknown rule: DL3009 is a hadolint rule that no stowage rule covers; remove it');
    expect(message('rules: { SC2086: off }')).toBe(
      'stowage.config.yaml: rules.SC2086: unknown rule: SC2086 is a ShellCheck rule (hadolint runs ShellCheck) that no stowage rule covers; remove it',
    );
    expect(message('rules: { JSONArgsRecommended: warn }')).toBe(
      'stowage.config.yaml: rules.JSONArgsRecommended: unknown rule: JSONArgsRecommended is a BuildKit check (JSONArgsRecommended) that no stowage rule covers; remove it',
    );
  });

  it('rejects unknown keys', () => {
    expect(message('rule: { latest-tag: off }')).toBe('stowage.config.yaml: rule: unknown key (did you mean "rules"?)');
    expect(message('{ "ignored": ["DL3006"] }', 'stowage.config.json')).toBe(
      'stowage.config.json: ignored: unknown key (expected one of "$schema", "extends", "rules", "overrides", "include", "exclude", "reportUnusedDisableDirectives")',
    );
    expect(message('overrides: [{ file: x }]')).toBe('stowage.config.yaml: overrides[0].file: unknown key (expected "files" or "rules")');
  });

  it('rejects values of the wrong shape', () => {
    expect(message('- a')).toBe('stowage.config.yaml: expected an object at the top level; got an array');
    expect(message('rules: [latest-tag]')).toBe('stowage.config.yaml: rules: expected an object mapping rule ids to settings; got an array');
    expect(message('overrides: { files: x }')).toBe('stowage.config.yaml: overrides: expected a list of { files, rules } objects; got an object');
    expect(message('overrides: [{ rules: {} }]')).toBe(
      'stowage.config.yaml: overrides[0].files: missing (expected a glob string or a list of glob strings)',
    );
    expect(message('include: [1]')).toBe('stowage.config.yaml: include: expected a glob string or a list of glob strings; got an array');
    expect(message('extends: 1')).toBe(
      'stowage.config.yaml: extends: expected "recommended", "all", a relative path, or a list of them; got 1',
    );
    expect(message('reportUnusedDisableDirectives: yes')).toBe(
      'stowage.config.yaml: reportUnusedDisableDirectives: expected one of "off", "info", "warn", "error", 0, 1, 2; got "yes"',
    );
  });

  it('rejects options that fail the rule schema, naming the option', () => {
    expect(message('rules: { stage-name-duplicate: [error, { max: "3" }] }')).toBe(
      'stowage.config.yaml: rules.stage-name-duplicate.max: expected integer; got "3"',
    );
    expect(message('rules: { stage-name-duplicate: [error, { max: 0 }] }')).toBe(
      'stowage.config.yaml: rules.stage-name-duplicate.max: must be >= 1; got 0',
    );
    expect(message('rules: { stage-name-duplicate: [error, { mode: lax }] }')).toBe(
      'stowage.config.yaml: rules.stage-name-duplicate.mode: expected one of "strict", "loose"; got "lax"',
    );
    expect(message('rules: { DuplicateStageName: [error, { ignorecase: true }] }')).toBe(
      'stowage.config.yaml: rules.DuplicateStageName.ignorecase: unknown option (did you mean "ignoreCase"?)',
    );
    expect(message('rules: { latest-tag: [error, { x: 1 }] }')).toBe('stowage.config.yaml: rules.latest-tag: rule "latest-tag" takes no options');
  });

  it('reports YAML syntax errors with line and column', () => {
    const root = project({ 'sub/.stowagerc.yaml': 'rules:\n  latest-tag: [warn\n  copy-from-index: off\n' });
    const error = configError(() => new ConfigLoader(RULES, { cwd: root }).forFile('sub/Dockerfile'));
    expect(error.message).toMatch(/^sub[/\\]\.stowagerc\.yaml:3:3: \S.*[^:]$/);
    expect([error.line, error.column]).toEqual([3, 3]);
    expect(message('rules:\n  a: 1\n  a: 2\n')).toBe('stowage.config.yaml:3:3: Map keys must be unique');
  });

  it('reports JSON syntax errors with line and column', () => {
    const msg = message('{\n  "rules": {\n    "latest-tag": "off",\n  }\n}\n', 'stowage.config.json');
    expect(msg).toMatch(/^stowage\.config\.json:4:3: \S/);
    expect(message('{', 'stowage.config.json')).toMatch(/^stowage\.config\.json:1:2: \S/);
    expect(message('{"a": 1} x', 'stowage.config.json')).toBe('stowage.config.json:1:10: Unexpected non-whitespace character after JSON');
  });

  it('reports a missing --config file and bad --rule values', () => {
    const root = project();
    const loader = new ConfigLoader(RULES, { cwd: root });
    expect(configError(() => loader.forFile('Dockerfile', { configPath: 'missing.yml' })).message).toBe(
      'missing.yml: cannot read config file (file not found)',
    );
    expect(configError(() => loader.forFile('Dockerfile', { cliRules: { 'latest-tg': 'off' } })).message).toBe(
      '--rule: latest-tg: unknown rule (did you mean "latest-tag"?)',
    );
    expect(configError(() => loader.forFile('Dockerfile', { cliRules: { 'latest-tag': 'on' as 'off' } })).message).toBe(
      '--rule: latest-tag: expected one of "off", "info", "warn", "error", 0, 1, 2; got "on"',
    );
  });

  it('names the file relative to the working directory, or absolute outside it', () => {
    const root = project({ 'a/stowage.config.yaml': 'rules: { x: off }\n' });
    expect(configError(() => new ConfigLoader(RULES, { cwd: path.join(root, 'a') }).forFile('Dockerfile')).message).toBe(
      'stowage.config.yaml: rules.x: unknown rule',
    );
    expect(configError(() => new ConfigLoader(RULES, { cwd: os.tmpdir() }).forFile(path.join(root, 'a/Dockerfile'))).message).toBe(
      `${path.relative(os.tmpdir(), path.join(root, 'a/stowage.config.yaml'))}: rules.x: unknown rule`,
    );
  });

  it('caches errors: a bad file is read once', () => {
    const root = project({ 'stowage.config.yaml': 'rules: { x: off }\n' });
    const loader = new ConfigLoader(RULES, { cwd: root });
    const first = configError(() => loader.forFile('a/Dockerfile'));
    fs.writeFileSync(path.join(root, 'stowage.config.yaml'), '{}');
    expect(configError(() => loader.forFile('b/Dockerfile'))).toBe(first);
  });
});

describe('schema', () => {
  const require = createRequire(import.meta.url);
  const { Ajv } = require('ajv') as typeof import('ajv');

  it('validates configs, with rule ids, aliases and options when generated from the rules', () => {
    const ajv = new Ajv({ strict: false });
    const generic = ajv.compile(configSchema);
    const specific = ajv.compile(configJsonSchema(RULES));
    const good = {
      $schema: './config-schema.json',
      extends: ['recommended', './base.yaml'],
      rules: { 'copy-from-index': 'warn', DL3006: 0, 'stage-name-duplicate': ['error', { max: 2 }] },
      overrides: [{ files: ['ci/**'], rules: { DuplicateStageName: 'off' } }],
      include: '**/Dockerfile',
      reportUnusedDisableDirectives: 'warn',
    };
    expect(generic(good)).toBe(true);
    expect(specific(good)).toBe(true);
    expect(generic({ rules: { nope: 'warn' } })).toBe(true);
    expect(specific({ rules: { nope: 'warn' } })).toBe(false);
    expect(specific({ rules: { 'stage-name-duplicate': ['error', { max: 0 }] } })).toBe(false);
    expect(specific({ overrides: [{ files: 'x', rules: { 'copy-from-index': 'wrn' } }] })).toBe(false);
    expect(generic({ unknown: 1 })).toBe(false);
    expect(generic({ extends: 'base.yaml' })).toBe(false);
  });
});
