import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { initShell, type Diagnostic, type LineIndex, type Severity } from '@stowage/core';
import { dockerfileReader } from './dockerfiles.js';
import { lintInvocationFile, type AnyBuildRule, type EnabledBuildRule } from './lint.js';
import { loadInvocations } from './load.js';
import type { Problem } from './model.js';

/** A finding of a build rule, with its file relative to the repository root. */
export interface RepositoryFinding {
  /** Path of the invocation file, relative to the root, with `/` separators. */
  file: string;
  lines: LineIndex;
  diagnostic: Diagnostic;
}

export interface RepositoryLintResult {
  findings: RepositoryFinding[];
  problems: Problem[];
}

const posix = (p: string) => p.split(sep).join('/');

/** The files under `dir` (recursively) as relative path → text: a fixture repository for `lintRepositoryFiles` and `BuildRuleTester`. */
export function readRepositoryFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[posix(relative(dir, full))] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/**
 * Writes `files` (relative path → text) into a fresh temporary folder, loads its invocations and
 * lints every invocation file with `rules`; the folder is removed afterwards. For tests and for
 * the README examples of build rules.
 */
export async function lintRepositoryFiles(files: Record<string, string>, rules: EnabledBuildRule[]): Promise<RepositoryLintResult & { root: string }> {
  const root = mkdtempSync(join(tmpdir(), 'stowage-build-rule-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      const full = join(root, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
    }
    if (rules.some((r) => r.rule.meta.needsShell)) await initShell();
    const loaded = await loadInvocations(root);
    const dockerfileOf = dockerfileReader();
    const findings: RepositoryFinding[] = [];
    for (const result of loaded.results) {
      const out = lintInvocationFile(result.file, { rules, repository: loaded, dockerfileOf });
      for (const d of out.diagnostics) findings.push({ file: posix(relative(root, result.file.path)), lines: result.file.lines, diagnostic: d });
    }
    findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.diagnostic.range.start - b.diagnostic.range.start));
    return { root, findings, problems: loaded.problems };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export interface BuildExpectedRelated {
  /** Path relative to the case's root; absent: the finding's own file. */
  file?: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  message?: string;
}

export interface BuildExpectedError {
  messageId: string;
  /** The invocation file the finding is in, relative to the case's root. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Exact message text, when the case wants to pin it. */
  message?: string;
  /** The finding's severity (the rule runs at its default severity, `warn` when that is `off`). */
  severity?: Exclude<Severity, 'off'>;
  /** Related locations, in order (each compared on the fields given). */
  related?: BuildExpectedRelated[];
}

export interface BuildValidCase {
  name: string;
  /** Relative path → text: the invocation files and the Dockerfiles they build. */
  files: Record<string, string>;
  options?: Record<string, unknown>;
  /** Load problems (unparsable files) are allowed: by default a case must load cleanly. */
  allowProblems?: boolean;
}

export interface BuildInvalidCase extends BuildValidCase {
  errors: BuildExpectedError[];
}

export interface BuildTestHooks {
  describe: (name: string, fn: () => void) => void;
  it: (name: string, fn: () => void | Promise<void>) => void;
}

/**
 * The build-rule counterpart of core's RuleTester: each case is a small repository written to a
 * temporary folder; findings are compared by message id, file and full range (and, where given,
 * message, severity and related locations).
 */
export class BuildRuleTester {
  constructor(private readonly hooks: BuildTestHooks) {}

  run(rule: AnyBuildRule, cases: { valid: BuildValidCase[]; invalid: BuildInvalidCase[] }): void {
    const { describe, it } = this.hooks;
    const seen = new Set<string>();
    const unique = (c: BuildValidCase) => {
      const key = JSON.stringify([c.files, c.options ?? null]);
      if (seen.has(key)) throw new Error(`Duplicate test case: ${c.name}`);
      seen.add(key);
    };
    const severity: Exclude<Severity, 'off'> = rule.meta.severity === 'off' ? 'warn' : rule.meta.severity;
    const lintCase = async (c: BuildValidCase) => {
      const options = { ...(rule.options?.defaults ?? {}), ...(c.options ?? {}) };
      const result = await lintRepositoryFiles(c.files, [{ rule, severity, options }]);
      if (!c.allowProblems) assert.deepEqual(result.problems.map((p) => `${p.file.path}: ${p.message}`), [], 'the case must load without problems');
      const internal = result.findings.filter((f) => f.diagnostic.internal);
      assert.deepEqual(internal.map((f) => f.diagnostic.message), [], 'the rule threw');
      return { ...result, findings: result.findings.filter((f) => f.diagnostic.ruleId === rule.meta.id) };
    };
    describe(rule.meta.id, () => {
      describe('valid', () => {
        for (const c of cases.valid) {
          unique(c);
          it(c.name, async () => {
            const { findings } = await lintCase(c);
            assert.deepEqual(findings.map(describeFinding), [], 'valid cases must not be reported');
          });
        }
      });
      describe('invalid', () => {
        for (const c of cases.invalid) {
          unique(c);
          it(c.name, async () => {
            const { root, findings } = await lintCase(c);
            const actual = findings.map((f) => {
              const s = f.lines.positionAt(f.diagnostic.range.start);
              const e = f.lines.positionAt(f.diagnostic.range.end);
              return { messageId: f.diagnostic.messageId, file: f.file, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
            });
            const expected = c.errors.map((e) => ({ messageId: e.messageId, file: e.file, line: e.line, column: e.column, endLine: e.endLine, endColumn: e.endColumn }));
            assert.deepEqual(actual, expected, `reported findings (message id, file and range); messages:\n${findings.map((f) => f.diagnostic.message).join('\n')}`);
            c.errors.forEach((e, i) => {
              const d = findings[i].diagnostic;
              if (e.message !== undefined) assert.equal(d.message, e.message);
              if (e.severity !== undefined) assert.equal(d.severity, e.severity, 'severity');
              if (e.related === undefined) return;
              const got = (d.related ?? []).map((r) => {
                const lines = r.file?.lines ?? findings[i].lines;
                const s = lines.positionAt(r.range.start);
                const en = lines.positionAt(r.range.end);
                return { file: r.file ? posix(relative(root, r.file.path)) : undefined, line: s.line, column: s.column, endLine: en.line, endColumn: en.column, message: r.message };
              });
              assert.equal(got.length, e.related.length, `number of related locations: ${JSON.stringify(got)}`);
              e.related.forEach((want, j) => {
                const have = got[j];
                const pick = {
                  file: have.file,
                  line: have.line,
                  column: have.column,
                  ...(want.endLine !== undefined ? { endLine: have.endLine } : {}),
                  ...(want.endColumn !== undefined ? { endColumn: have.endColumn } : {}),
                  ...(want.message !== undefined ? { message: have.message } : {}),
                };
                assert.deepEqual(pick, { ...want, file: want.file }, `related location ${j + 1}`);
              });
            });
          });
        }
      });
    });
  }
}

function describeFinding(f: RepositoryFinding): string {
  const s = f.lines.positionAt(f.diagnostic.range.start);
  return `${f.file}:${s.line}:${s.column} ${f.diagnostic.messageId}: ${f.diagnostic.message}`;
}
