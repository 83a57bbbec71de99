import { readdirSync, readFileSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cleanup, json, noStack, project, stowage } from './helpers.js';

afterAll(cleanup);

/** Only the named rules on, so findings do not change as rules are added. */
const config = (rules: Record<string, unknown> = { 'copy-from-index': 'warn', 'stage-name-duplicate': 'error' }, extra: object = {}) =>
  JSON.stringify({ extends: [], rules, ...extra });

// `0` in `--from=0` is at line 4, column 13 (offset 74).
const COPY_FROM_INDEX = 'FROM alpine:3.20 AS build\nRUN echo hi > /out\nFROM alpine:3.20\nCOPY --from=0 /out /out\n';
const COPY_FROM_INDEX_FIXED = COPY_FROM_INDEX.replace('--from=0', '--from=build');
const USE_NAME = "`--from=0` names stage 'build' by its position; refer to it by name so reordering stages cannot break the copy.";
// The second `AS a` is at line 2, columns 9-10.
const DUPLICATE = 'FROM alpine AS a\nFROM alpine AS a\n';
const CLEAN = 'FROM alpine:3.20\nRUN true\n';

describe('help, version and usage errors', () => {
  it('prints help', () => {
    for (const flag of ['--help', '-h']) {
      const run = stowage([flag], { cwd: project() });
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^Usage: stowage \[options\] \[paths\.\.\.\]/);
      expect(run.stdout).toContain('--fix-dry-run');
    }
  });

  it('prints the version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../packages/cli/package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const run = stowage([flag], { cwd: project() });
      expect(run).toMatchObject({ status: 0, stdout: `${pkg.version}\n` });
    }
  });

  it('rejects an unknown option', () => {
    const run = stowage(['--xyz'], { cwd: project() });
    expect(run).toEqual({ status: 2, stdout: '', stderr: "stowage: unknown option '--xyz'. Run 'stowage --help'.\n" });
  });

  it('rejects a missing or bad option value', () => {
    const cwd = project({ Dockerfile: CLEAN });
    expect(stowage(['--format'], { cwd })).toMatchObject({ status: 2, stderr: "stowage: option '--format' needs a value. Run 'stowage --help'.\n" });
    expect(stowage(['-f', 'xml'], { cwd })).toMatchObject({ status: 2, stderr: "stowage: unknown format 'xml' (expected 'stylish' or 'json').\n" });
    expect(stowage(['--max-warnings', 'many'], { cwd })).toMatchObject({ status: 2, stderr: "stowage: --max-warnings expects a non-negative integer; got 'many'.\n" });
    expect(stowage(['--concurrency', '0'], { cwd })).toMatchObject({ status: 2, stderr: "stowage: --concurrency expects a positive integer, 'auto' or 'off'; got '0'.\n" });
    expect(stowage(['--config', 'a.json', '--no-config'], { cwd })).toMatchObject({ status: 2 });
    expect(stowage(['explain'], { cwd }).status).toBe(2);
  });

  it('reports a path that does not exist', () => {
    const run = stowage(['missing/Dockerfile'], { cwd: project() });
    expect(run).toEqual({ status: 2, stdout: '', stderr: "stowage: no such file or directory: 'missing/Dockerfile'.\n" });
  });
});

describe('linting and exit codes', () => {
  it('exits 0 and prints nothing for a clean file', () => {
    const run = stowage([], { cwd: project({ Dockerfile: CLEAN, 'stowage.config.json': config() }) });
    expect(run).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('exits 0 with warnings only', () => {
    const run = stowage(['Dockerfile'], { cwd: project({ Dockerfile: COPY_FROM_INDEX, 'stowage.config.json': config() }) });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('copy-from-index');
  });

  it('exits 1 on an error', () => {
    const run = stowage(['Dockerfile'], { cwd: project({ Dockerfile: DUPLICATE, 'stowage.config.json': config() }) });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
  });

  it('prints json with exact positions and fixes', () => {
    const run = stowage(['-f', 'json'], { cwd: project({ Dockerfile: COPY_FROM_INDEX, 'stowage.config.json': config() }) });
    expect(run.status).toBe(0);
    expect(json(run)).toEqual([
      {
        filePath: 'Dockerfile',
        messages: [
          {
            ruleId: 'copy-from-index',
            messageId: 'useName',
            severity: 1,
            message: USE_NAME,
            line: 4,
            column: 13,
            endLine: 4,
            endColumn: 14,
            fix: { range: [74, 75], text: 'build', title: "Replace 0 with 'build'", applicability: 'safe' },
            related: [expect.objectContaining({ line: 1 })],
          },
        ],
        errorCount: 0,
        warningCount: 1,
        infoCount: 0,
        fixableErrorCount: 0,
        fixableWarningCount: 1,
      },
    ]);
  });

  it('puts suggestions in json', () => {
    const text = 'FROM alpine AS build\nRUN true\nFROM alpine\nCOPY --frm=build /a /b\n';
    const run = stowage(['-f', 'json'], { cwd: project({ Dockerfile: text, 'stowage.config.json': config({ 'instruction-flag-invalid': 'error' }) }) });
    expect(run.status).toBe(1);
    expect(json(run)[0]).toMatchObject({
      messages: [
        {
          ruleId: 'instruction-flag-invalid',
          severity: 2,
          line: 4,
          column: 8,
          endLine: 4,
          endColumn: 11,
          suggestions: [{ desc: 'Replace with `--from`', fix: { range: [49, 52], text: 'from' }, applicability: 'unsafe' }],
        },
      ],
      errorCount: 1,
      fixableErrorCount: 0,
    });
  });

  it('reports syntax errors with their position', () => {
    const run = stowage(['--format', 'json', 'Dockerfile'], { cwd: project({ Dockerfile: 'FROM alpine\nFOO bar\n', 'stowage.config.json': config() }) });
    expect(run.status).toBe(1);
    expect(json(run)[0].messages).toEqual([
      { ruleId: null, severity: 2, message: "Syntax error: Unknown instruction 'FOO'.", line: 2, column: 1, endLine: 2, endColumn: 4 },
    ]);
  });

  it('prints stylish output without colour under NO_COLOR', () => {
    const cwd = project({ Dockerfile: COPY_FROM_INDEX, 'b.Dockerfile': DUPLICATE, 'stowage.config.json': config() });
    const run = stowage([], { cwd });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      [
        '',
        'Dockerfile',
        `  4:13  warning  ${USE_NAME.slice(0, -1)}  copy-from-index`,
        '',
        'b.Dockerfile',
        "  2:16  error  Stage name 'a' is already used by the stage at line 1; stage names are case-insensitive and must be unique  stage-name-duplicate",
        '',
        '\u2716 2 problems (1 error, 1 warning)',
        '  0 errors and 1 warning potentially fixable with the --fix option.',
        '',
      ].join('\n'),
    );
  });

  it('colours by FORCE_COLOR, NO_COLOR, then --color/--no-color', () => {
    const cwd = project({ Dockerfile: COPY_FROM_INDEX, 'stowage.config.json': config() });
    const esc = '\u001b[';
    expect(stowage([], { cwd, env: { FORCE_COLOR: '1' } }).stdout).toContain(esc);
    expect(stowage([], { cwd, env: { FORCE_COLOR: '0' } }).stdout).not.toContain(esc);
    expect(stowage([], { cwd, env: { NO_COLOR: '1' } }).stdout).not.toContain(esc);
    expect(stowage(['--color'], { cwd, env: { NO_COLOR: '1' } }).stdout).toContain(esc);
    expect(stowage(['--no-color'], { cwd, env: { FORCE_COLOR: '1' } }).stdout).not.toContain(esc);
    // Not a terminal (a pipe) and nothing set: plain.
    expect(stowage([], { cwd, env: { NO_COLOR: undefined } }).stdout).not.toContain(esc);
  });

  it('--max-warnings fails the run when warnings exceed it', () => {
    const cwd = project({ Dockerfile: COPY_FROM_INDEX, 'stowage.config.json': config() });
    const over = stowage(['--max-warnings', '0'], { cwd });
    expect(over.status).toBe(1);
    expect(over.stderr).toBe('stowage: too many warnings (1; --max-warnings is 0).\n');
    expect(stowage(['--max-warnings', '1'], { cwd }).status).toBe(0);
  });

  it('--quiet reports errors only', () => {
    const cwd = project({ Dockerfile: COPY_FROM_INDEX, 'b.Dockerfile': DUPLICATE, 'stowage.config.json': config() });
    const only = stowage(['--quiet', 'Dockerfile'], { cwd });
    expect(only).toMatchObject({ status: 0, stdout: '' });
    const both = json(stowage(['--quiet', '-f', 'json'], { cwd }));
    expect(both.flatMap((r) => r.messages.map((m) => m.ruleId))).toEqual(['stage-name-duplicate']);
    expect(both.map((r) => r.warningCount)).toEqual([0, 0]);
  });

  it('--rule sets severities, by id or by hadolint/BuildKit code', () => {
    const cwd = project({ Dockerfile: COPY_FROM_INDEX, 'b.Dockerfile': DUPLICATE, 'stowage.config.json': config() });
    const raised = json(stowage(['-f', 'json', '--rule', 'copy-from-index:error', 'Dockerfile'], { cwd }));
    expect(raised[0].messages[0].severity).toBe(2);
    expect(stowage(['--rule', 'copy-from-index:2', 'Dockerfile'], { cwd }).status).toBe(1);
    expect(stowage(['--rule', 'DL3024:off', 'b.Dockerfile'], { cwd })).toMatchObject({ status: 0, stdout: '' });
    expect(stowage(['--rule', 'DuplicateStageName:warn', 'b.Dockerfile'], { cwd }).status).toBe(0);
    expect(stowage(['--rule', 'copy-from-index:off', '--rule', 'stage-name-duplicate:off'], { cwd })).toMatchObject({ status: 0, stdout: '' });
  });

  it('--rule rejects bad values', () => {
    const cwd = project({ Dockerfile: CLEAN });
    const noSeverity = stowage(['--rule', 'copy-from-index'], { cwd });
    expect(noSeverity).toMatchObject({
      status: 2,
      stderr: "stowage: invalid --rule 'copy-from-index': expected <rule-id>:<severity> with severity off, info, warn or error.\n",
    });
    expect(stowage(['--rule', 'copy-from-index:fatal'], { cwd }).status).toBe(2);
    const unknown = stowage(['--rule', 'copy-from-indx:warn'], { cwd });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe('stowage: --rule: copy-from-indx: unknown rule (did you mean "copy-from-index"?)\n');
  });

  it('--report-unused-disable-directives reports suppressions that suppress nothing', () => {
    const text = 'FROM alpine\n# stowage-disable-next-line copy-from-index\nRUN true\n';
    const cwd = project({ Dockerfile: text, 'stowage.config.json': config() });
    expect(stowage([], { cwd })).toMatchObject({ status: 0, stdout: '' });
    const run = stowage(['--report-unused-disable-directives', '-f', 'json'], { cwd });
    expect(run.status).toBe(1);
    expect(json(run)[0].messages).toMatchObject([{ ruleId: null, severity: 2, line: 2, column: 1 }]);
  });
});

describe('finding files', () => {
  it('finds Dockerfiles by name in directories, skipping node_modules, .git and .gitignore entries', () => {
    const files = [
      'Dockerfile',
      'Dockerfile.dev',
      'api.Dockerfile',
      'Dockerfile-base',
      'build.dockerfile',
      'Containerfile',
      'sub/dockerfile',
      'sub/keep.local.Dockerfile',
      'deep/a/b/c/Dockerfile',
      // Not linted:
      '.dockerignore',
      'api.dockerignore',
      'Dockerfile.md',
      'notes.txt',
      'node_modules/pkg/Dockerfile',
      '.git/Dockerfile',
      'ignored/Dockerfile',
      'sub/x.local.Dockerfile',
    ];
    const cwd = project({
      ...Object.fromEntries(files.map((f) => [f, CLEAN])),
      '.gitignore': 'ignored/\n',
      'sub/.gitignore': '*.local.Dockerfile\n!keep.local.Dockerfile\n',
      'stowage.config.json': config(),
    });
    const expected = [
      'Containerfile',
      'Dockerfile',
      'Dockerfile-base',
      'Dockerfile.dev',
      'api.Dockerfile',
      'build.dockerfile',
      'deep/a/b/c/Dockerfile',
      'sub/dockerfile',
      'sub/keep.local.Dockerfile',
    ];
    // Paths inside the working directory are shown relative to it, however they were given.
    for (const args of [[], ['.'], [cwd]]) {
      const run = stowage(['-f', 'json', ...args], { cwd });
      expect(run.status).toBe(0);
      expect(json(run).map((r) => r.filePath)).toEqual(expected);
    }
    const outside = json(stowage(['-f', 'json', '../sub'], { cwd: path.join(cwd, 'deep') }));
    expect(outside.map((r) => r.filePath)).toEqual([path.join(cwd, 'sub/dockerfile'), path.join(cwd, 'sub/keep.local.Dockerfile')]);
  });

  it('lints a file named explicitly whatever its name, and a glob', () => {
    const cwd = project({ 'images/base.txt': DUPLICATE, 'images/web.txt': CLEAN, 'stowage.config.json': config() });
    const explicit = json(stowage(['-f', 'json', 'images/base.txt'], { cwd }));
    expect(explicit.map((r) => [r.filePath, r.errorCount])).toEqual([['images/base.txt', 1]]);
    const glob = json(stowage(['-f', 'json', 'images/*.txt'], { cwd }));
    expect(glob.map((r) => r.filePath)).toEqual(['images/base.txt', 'images/web.txt']);
    const none = stowage(['images/*.md'], { cwd });
    expect(none).toMatchObject({ status: 2, stderr: "stowage: no files match 'images/*.md'.\n" });
  });

  it('uses the config include and exclude globs instead of the name patterns', () => {
    const cwd = project({
      'a.df': CLEAN,
      'legacy/b.df': CLEAN,
      Dockerfile: CLEAN,
      'stowage.config.json': config({}, { include: ['**/*.df'], exclude: ['legacy/**'] }),
    });
    expect(json(stowage(['-f', 'json'], { cwd })).map((r) => r.filePath)).toEqual(['a.df']);
  });

  it('says so when a directory holds no Dockerfile', () => {
    const run = stowage([], { cwd: project({ 'README.md': '# hi\n' }) });
    expect(run).toEqual({ status: 0, stdout: '', stderr: 'stowage: no Dockerfiles found.\n' });
    // With workers asked for, too (the pool once waited forever for zero files, and node quit silently).
    expect(stowage(['--concurrency', '2', '-f', 'json'], { cwd: project({ 'README.md': '# hi\n' }) })).toEqual({
      status: 0, stdout: '[]\n', stderr: 'stowage: no Dockerfiles found.\n',
    });
  });
});

describe('stdin', () => {
  it('lints stdin as <stdin>', () => {
    const cwd = project({ 'stowage.config.json': config() });
    const run = stowage(['-f', 'json', '-'], { cwd, input: DUPLICATE });
    expect(run.status).toBe(1);
    expect(json(run)).toMatchObject([{ filePath: '<stdin>', errorCount: 1, messages: [{ ruleId: 'stage-name-duplicate', line: 2, column: 16 }] }]);
  });

  it('uses --stdin-filename for config lookup and output', () => {
    const cwd = project({
      'stowage.config.json': config(),
      'sub/stowage.config.json': config({ 'copy-from-index': 'error' }),
    });
    const run = stowage(['-f', 'json', '--stdin-filename', 'sub/Dockerfile', '-'], { cwd, input: COPY_FROM_INDEX });
    expect(run.status).toBe(1);
    expect(json(run)).toMatchObject([{ filePath: 'sub/Dockerfile', errorCount: 1, warningCount: 0 }]);
    // --stdin-filename alone reads stdin too.
    expect(json(stowage(['-f', 'json', '--stdin-filename', 'Dockerfile'], { cwd, input: COPY_FROM_INDEX }))).toMatchObject([{ filePath: 'Dockerfile', warningCount: 1 }]);
  });

  it('--fix on stdin reports the fixed text and writes nothing', () => {
    const cwd = project({ Dockerfile: COPY_FROM_INDEX, 'stowage.config.json': config() });
    const run = stowage(['-f', 'json', '--fix', '--stdin-filename', 'Dockerfile'], { cwd, input: COPY_FROM_INDEX });
    expect(run.status).toBe(0);
    expect(json(run)).toEqual([
      { filePath: 'Dockerfile', messages: [], errorCount: 0, warningCount: 0, infoCount: 0, fixableErrorCount: 0, fixableWarningCount: 0, output: COPY_FROM_INDEX_FIXED },
    ]);
    expect(readFileSync(path.join(cwd, 'Dockerfile'), 'utf8')).toBe(COPY_FROM_INDEX);
  });
});

describe('fixing', () => {
  it('--fix writes the file atomically, keeping mode and BOM, and a second run changes nothing', () => {
    const cwd = project({ Dockerfile: `\uFEFF${COPY_FROM_INDEX}`, 'stowage.config.json': config() });
    const file = path.join(cwd, 'Dockerfile');
    chmodSync(file, 0o640);
    const before = statSync(file);

    const run = stowage(['--fix'], { cwd });
    expect(run).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(readFileSync(file, 'utf8')).toBe(`\uFEFF${COPY_FROM_INDEX_FIXED}`);
    const after = statSync(file);
    // Written through a temporary file renamed over the original.
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o640);
    expect(readdirSync(cwd).sort()).toEqual(['Dockerfile', 'stowage.config.json']);

    const again = stowage(['--fix'], { cwd });
    expect(again).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(statSync(file).ino).toBe(after.ino);
    expect(statSync(file).mtimeMs).toBe(after.mtimeMs);
  });

  it('--fix reports what is left after fixing', () => {
    const text = `${COPY_FROM_INDEX}FROM alpine AS build\n`;
    const cwd = project({ Dockerfile: text, 'stowage.config.json': config() });
    const run = stowage(['--fix', '-f', 'json'], { cwd });
    expect(run.status).toBe(1);
    expect(json(run)[0].messages.map((m) => m.ruleId)).toEqual(['stage-name-duplicate']);
    expect(json(run)[0].output).toBeUndefined();
    expect(readFileSync(path.join(cwd, 'Dockerfile'), 'utf8')).toBe(text.replace('--from=0', '--from=build'));
  });

  it('--fix-dry-run computes fixes without writing', () => {
    const cwd = project({ Dockerfile: COPY_FROM_INDEX, 'stowage.config.json': config() });
    const file = path.join(cwd, 'Dockerfile');
    const mtime = statSync(file).mtimeMs;
    const run = stowage(['--fix-dry-run', '-f', 'json'], { cwd });
    expect(run.status).toBe(0);
    expect(json(run)).toEqual([
      { filePath: 'Dockerfile', messages: [], errorCount: 0, warningCount: 0, infoCount: 0, fixableErrorCount: 0, fixableWarningCount: 0, output: COPY_FROM_INDEX_FIXED },
    ]);
    expect(readFileSync(file, 'utf8')).toBe(COPY_FROM_INDEX);
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('--fix-unsafe applies safe fixes as well', () => {
    const cwd = project({ Dockerfile: COPY_FROM_INDEX, 'stowage.config.json': config() });
    expect(stowage(['--fix-unsafe'], { cwd })).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(readFileSync(path.join(cwd, 'Dockerfile'), 'utf8')).toBe(COPY_FROM_INDEX_FIXED);
  });
});

describe('configuration', () => {
  it('--print-config prints the resolved config and exits 0', () => {
    const cwd = project({ 'stowage.config.json': config({ 'copy-from-index': 'error' }) });
    const run = stowage(['--print-config', 'Dockerfile', '--rule', 'DL3024:warn'], { cwd });
    expect(run.status).toBe(0);
    const printed = JSON.parse(run.stdout) as { filePath: string; rules: Record<string, unknown>; reportUnusedDisableDirectives: string };
    expect(printed.filePath).toBe(path.join(cwd, 'stowage.config.json'));
    expect(printed.rules['copy-from-index']).toBe('error');
    expect(printed.rules['stage-name-duplicate']).toBe('warn');
    expect(printed.rules['copy-from-unknown-stage']).toBe('off');
    expect(printed.reportUnusedDisableDirectives).toBe('off');
    const defaults = JSON.parse(stowage(['--print-config', 'Dockerfile', '--no-config'], { cwd }).stdout) as { filePath: null; rules: Record<string, unknown> };
    expect(defaults.filePath).toBeNull();
    expect(defaults.rules['stage-name-duplicate']).toBe('error');
  });

  it('info findings are shown but never fail a run', () => {
    const cwd = project({ Dockerfile: COPY_FROM_INDEX, 'stowage.config.json': config() });
    const run = stowage(['-f', 'json', '--rule', 'copy-from-index:info', '--max-warnings', '0'], { cwd });
    expect(run.status).toBe(0);
    expect(json(run)).toMatchObject([{ errorCount: 0, warningCount: 0, infoCount: 1, messages: [{ ruleId: 'copy-from-index', severity: 0 }] }]);
    const stylish = stowage(['--rule', 'copy-from-index:info'], { cwd, env: { NO_COLOR: '1' } });
    expect(stylish.stdout).toMatch(/\d+:\d+\s+info\s+/);
    expect(stylish.stdout).toContain('\u2139 1 info\n');
    expect(stylish.stdout).not.toContain('problem');
  });

  it('reads YAML configs, and reports a broken one with its position', () => {
    const cwd = project({ Dockerfile: COPY_FROM_INDEX, '.stowagerc.yaml': 'extends: []\nrules:\n  copy-from-index: error\n' });
    expect(json(stowage(['-f', 'json'], { cwd }))).toMatchObject([{ errorCount: 1, messages: [{ ruleId: 'copy-from-index' }] }]);
    const broken = stowage([], { cwd: project({ Dockerfile: CLEAN, 'stowage.config.yml': 'rules: [\n' }) });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/^stowage: stowage\.config\.yml:2:1: .+\n$/);
  });

  it('a bad config exits 2 naming the file and key, without a stack trace', () => {
    const cases: [string, string][] = [
      [config({ 'copy-from-index': 'wrn' }), 'stowage: stowage.config.json: rules.copy-from-index: expected one of "off", "info", "warn", "error", 0, 1, 2, or [severity, options]; got "wrn"\n'],
      [JSON.stringify({ rulez: {} }), 'stowage: stowage.config.json: rulez: unknown key (did you mean "rules"?)\n'],
      [JSON.stringify({ rules: { 'no-such-rule': 'warn' } }), 'stowage: stowage.config.json: rules.no-such-rule: unknown rule\n'],
    ];
    for (const [text, stderr] of cases) {
      const run = stowage([], { cwd: project({ Dockerfile: CLEAN, 'stowage.config.json': text }) });
      expect(run).toEqual({ status: 2, stdout: '', stderr });
    }
    const syntax = stowage([], { cwd: project({ Dockerfile: CLEAN, 'stowage.config.json': '{"rules": ' }) });
    expect(syntax.status).toBe(2);
    expect(syntax.stderr).toMatch(/^stowage: stowage\.config\.json:1:\d+: /);
    noStack(syntax);
  });

  it('a bad config met by a worker exits 2 too', () => {
    const files = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`d${i}/Dockerfile`, CLEAN]));
    const cwd = project({ ...files, 'stowage.config.json': config(), 'd7/stowage.config.json': config({ 'copy-from-index': 'wrn' }) });
    const run = stowage([], { cwd });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('d7/stowage.config.json: rules.copy-from-index');
    noStack(run);
  });

  it('--config uses the given file; --no-config ignores config files', () => {
    const cwd = project({ Dockerfile: COPY_FROM_INDEX, 'stowage.config.json': '{"rules": ', 'ci/strict.json': config({ 'copy-from-index': 'error' }) });
    expect(stowage(['--config', 'ci/strict.json'], { cwd }).status).toBe(1);
    expect(stowage(['-c', 'ci/strict.json', '--rule', 'copy-from-index:off'], { cwd }).status).toBe(0);
    expect(stowage(['--no-config', '-f', 'json'], { cwd })).toMatchObject({ status: 0 });
    const missing = stowage(['--config', 'nope.json'], { cwd });
    expect(missing).toMatchObject({ status: 2, stderr: 'stowage: nope.json: cannot read config file (file not found)\n' });
  });
});

describe('rules and explain', () => {
  it('lists the rules in an aligned table', () => {
    const run = stowage(['rules'], { cwd: project() });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^RULE +CATEGORY +SEVERITY +FIX +SOURCES\n/);
    expect(run.stdout).toMatch(/^copy-from-index +style +warn +safe +-$/m);
    expect(run.stdout).toMatch(/^stage-name-duplicate +correctness +error +- +DuplicateStageName, DL3024$/m);
    const lines = run.stdout.split('\n').filter((l) => /^[a-z]+-/.test(l));
    // Every row's category starts in the same column as the header's.
    const column = run.stdout.indexOf('CATEGORY');
    for (const line of lines) expect(line[column - 1]).toBe(' ');
  });

  it('explains a rule by id, hadolint code or BuildKit name', () => {
    const byId = stowage(['explain', 'stage-name-duplicate'], { cwd: project() });
    expect(byId.status).toBe(0);
    // The rule's whole README, not just its summary.
    expect(byId.stdout).toMatch(/^# stage-name-duplicate\n/);
    expect(byId.stdout).toContain('\n## Why\n');
    expect(byId.stdout).toContain('```dockerfile invalid\nFROM golang:1.22 AS build\n');
    for (const alias of ['DL3024', 'DuplicateStageName', 'duplicatestagename']) {
      expect(stowage(['explain', alias], { cwd: project() })).toEqual(byId);
    }
  });

  it('suggests a rule for an unknown name', () => {
    const run = stowage(['explain', 'copy-from-indx'], { cwd: project() });
    expect(run).toEqual({ status: 2, stdout: '', stderr: "stowage: unknown rule 'copy-from-indx'. Did you mean 'copy-from-index'?\n" });
    expect(stowage(['explain', 'zzzzzzzz'], { cwd: project() }).stderr).toBe("stowage: unknown rule 'zzzzzzzz'. Run 'stowage rules' to list the rules.\n");
  });

  it('says so when a hadolint, ShellCheck or BuildKit code has no stowage rule, rather than guessing a near code', () => {
    const tail = " that no stowage rule covers. The SOURCES column of 'stowage rules' lists the codes stowage's rules stand for.\n";
    // DL3009 is one edit from DL3022 (copy-from-unknown-stage's code): no did-you-mean.
    expect(stowage(['explain', 'DL3009'], { cwd: project() })).toEqual({ status: 2, stdout: '', stderr: `stowage: 'DL3009' is a hadolint rule${tail}` });
    expect(stowage(['explain', 'sc2086'], { cwd: project() }).stderr).toBe(`stowage: 'sc2086' is a ShellCheck rule (hadolint runs ShellCheck)${tail}`);
    expect(stowage(['explain', 'maintainerdeprecated'], { cwd: project() }).stderr).toBe(`stowage: 'maintainerdeprecated' is a BuildKit check (MaintainerDeprecated)${tail}`);
    // Codes a rule stands for still explain that rule.
    expect(stowage(['explain', 'DL3022'], { cwd: project() }).stdout).toMatch(/^# copy-from-unknown-stage\n/);
  });
});

describe('odd files', () => {
  it('reports a binary file as fatal and goes on with the others', () => {
    const cwd = project({ 'a.Dockerfile': Buffer.from([0x46, 0x52, 0, 0, 1, 2]), 'b.Dockerfile': DUPLICATE, 'stowage.config.json': config() });
    const run = stowage(['-f', 'json'], { cwd });
    expect(run.status).toBe(1);
    const [a, b] = json(run);
    expect(a.messages).toEqual([expect.objectContaining({ fatal: true, severity: 2, message: expect.stringContaining('binary') })]);
    expect(b.errorCount).toBe(1);
  });

  it('lints an empty file', () => {
    const run = stowage(['-f', 'json'], { cwd: project({ Dockerfile: '', 'stowage.config.json': config() }) });
    expect(run.stderr).toBe('');
    expect(json(run)).toEqual([{ filePath: 'Dockerfile', messages: [], errorCount: 0, warningCount: 0, infoCount: 0, fixableErrorCount: 0, fixableWarningCount: 0 }]);
  });

  it('reports a 6 MB file as too large without crashing', () => {
    const big = `FROM alpine\n${'RUN true\n'.repeat(700_000)}`;
    const run = stowage(['-f', 'json'], { cwd: project({ Dockerfile: big }) });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
    expect(json(run)[0].messages).toEqual([expect.objectContaining({ fatal: true, message: expect.stringContaining('too large') })]);
  });

  it.skipIf(process.getuid?.() === 0)('reports an unreadable file and lints the rest', () => {
    const cwd = project({ 'a.Dockerfile': CLEAN, 'b.Dockerfile': CLEAN, 'stowage.config.json': config() });
    chmodSync(path.join(cwd, 'a.Dockerfile'), 0o000);
    const run = stowage(['-f', 'json'], { cwd });
    expect(run.status).toBe(1);
    expect(json(run).map((r) => r.errorCount)).toEqual([1, 0]);
    expect(json(run)[0].messages[0].message).toBe('Could not read the file: permission denied');
  });
});

describe('many files', () => {
  it('lints across workers with results in sorted order, and fixes them all', () => {
    const files: Record<string, string> = { 'stowage.config.json': config() };
    for (let i = 0; i < 30; i++) files[`svc${i}/Dockerfile`] = i % 3 === 0 ? DUPLICATE : COPY_FROM_INDEX;
    const cwd = project(files);
    // Two threads whatever the machine: this test is about the pool.
    const run = stowage(['-f', 'json', '--concurrency', '2'], { cwd });
    expect(run.status).toBe(1);
    const reports = json(run);
    expect(json(stowage(['-f', 'json', '--concurrency', 'off'], { cwd }))).toEqual(reports);
    const names = Object.keys(files).filter((f) => f.endsWith('Dockerfile'));
    expect(reports.map((r) => r.filePath)).toEqual([...names].sort());
    for (const r of reports) {
      const i = Number(/svc(\d+)/.exec(r.filePath)![1]);
      expect(r.messages.map((m) => m.ruleId)).toEqual([i % 3 === 0 ? 'stage-name-duplicate' : 'copy-from-index']);
    }

    expect(stowage(['--fix', '--quiet', '--concurrency', '2'], { cwd }).status).toBe(1);
    for (const name of names) {
      const i = Number(/svc(\d+)/.exec(name)![1]);
      expect(readFileSync(path.join(cwd, name), 'utf8')).toBe(i % 3 === 0 ? DUPLICATE : COPY_FROM_INDEX_FIXED);
    }
    writeFileSync(path.join(cwd, 'svc0/Dockerfile'), CLEAN);
    expect(stowage([], { cwd }).status).toBe(1);
  });

  it('lintFiles() gives the same reports through worker threads as in-process', () => {
    const files: Record<string, string> = { 'stowage.config.json': config() };
    for (let i = 0; i < 12; i++) files[`svc${i}/Dockerfile`] = i % 2 ? DUPLICATE : COPY_FROM_INDEX;
    const cwd = project(files);
    const api = pathToFileURL(path.join(path.dirname(BIN), '../dist/index.js')).href;
    const script = `
      const { lintFiles } = await import(${JSON.stringify(api)});
      const pooled = await lintFiles(['.'], { workers: 2 });
      const local = await lintFiles(['.'], { workers: 0 });
      console.log(JSON.stringify({ pooled, same: JSON.stringify(pooled) === JSON.stringify(local) }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const { pooled, same } = JSON.parse(run.stdout) as { pooled: { filePath: string; errorCount: number }[]; same: boolean };
    expect(same).toBe(true);
    expect(pooled.map((r) => r.filePath)).toEqual(Object.keys(files).slice(1).sort());
    expect(pooled.filter((r) => r.errorCount > 0)).toHaveLength(6);
  });
});
