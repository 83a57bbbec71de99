import assert from 'node:assert/strict';
import { lint, type LintResult } from '../engine/lint.js';
import { applyFixes, fixLoop } from '../engine/fix.js';
import type { AnyRule, Diagnostic } from '../engine/types.js';
import { initShell } from '../shell/shell.js';
import { parse } from '../syntax/parse.js';

export interface ExpectedError {
  messageId: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Exact message text, when the case wants to pin it. */
  message?: string;
  /** Each suggestion applied alone to the original code gives this output (in order). */
  suggestions?: { title?: string; output: string }[];
}

export interface ValidCase {
  code: string;
  name?: string;
  options?: Record<string, unknown>;
  filePath?: string;
  /** Skip the ONBUILD re-run for this case. */
  onbuild?: boolean;
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedError[];
  /** Text after applying every fix (safe and unsafe) until none is left; null: no fix is offered. */
  output?: string | null;
}

export interface TestHooks {
  describe: (name: string, fn: () => void) => void;
  it: (name: string, fn: () => void | Promise<void>) => void;
  beforeAll: (fn: () => Promise<void> | void) => void;
}

/**
 * ESLint-style rule tester: asserts rule, message id, full range, fix output, that fixes are
 * idempotent and that the fixed text re-lints without fixable findings; re-runs each case with
 * its instructions wrapped in ONBUILD when the rule applies there.
 */
export class RuleTester {
  constructor(private readonly hooks: TestHooks) {}

  run(rule: AnyRule, cases: { valid: (string | ValidCase)[]; invalid: InvalidCase[] }): void {
    const { describe, it, beforeAll } = this.hooks;
    const seen = new Set<string>();
    const key = (c: ValidCase) => JSON.stringify([c.code, c.options ?? null, c.filePath ?? null]);
    describe(rule.meta.id, () => {
      // Load the shell only for rules that declare it, so a rule that forgets fails its tests.
      if (rule.meta.needsShell) beforeAll(() => initShell());
      describe('valid', () => {
        for (const raw of cases.valid) {
          const c = typeof raw === 'string' ? { code: raw } : raw;
          checkUnique(seen, key(c), c.code);
          it(c.name ?? firstLine(c.code), () => {
            const found = findings(rule, run(rule, c));
            assert.deepEqual(found.map(describeDiag), [], 'valid code must not be reported');
            if (rule.meta.onbuild && c.onbuild !== false) {
              const wrapped = wrapInOnbuild(c.code);
              if (wrapped) assert.deepEqual(findings(rule, run(rule, { ...c, code: wrapped.code })).map(describeDiag), [], 'valid code wrapped in ONBUILD must not be reported');
            }
          });
        }
      });
      describe('invalid', () => {
        for (const c of cases.invalid) {
          checkUnique(seen, key(c), c.code);
          it(c.name ?? firstLine(c.code), () => checkInvalid(rule, c));
        }
      });
    });
  }
}

function checkUnique(seen: Set<string>, key: string, code: string): void {
  if (seen.has(key)) throw new Error(`Duplicate test case: ${JSON.stringify(code)}`);
  seen.add(key);
}

function firstLine(code: string): string {
  const lines = code.split('\n').filter((l) => l.trim() && !l.startsWith('FROM'));
  return (lines[0] ?? code.split('\n')[0]).slice(0, 80);
}

function run(rule: AnyRule, c: ValidCase): LintResult {
  const result = lint(c.code, {
    filePath: c.filePath ?? 'Dockerfile',
    rules: [{ rule, severity: 'error', options: { ...(rule.options?.defaults ?? {}), ...(c.options ?? {}) } }],
  });
  const internal = result.diagnostics.filter((d) => d.internal);
  assert.deepEqual(internal.map((d) => d.message), [], 'the rule threw');
  return result;
}

function findings(rule: AnyRule, result: LintResult): Diagnostic[] {
  return result.diagnostics.filter((d) => d.ruleId === rule.meta.id);
}

function describeDiag(d: Diagnostic): string {
  return `${d.messageId}@${d.range.start}-${d.range.end}: ${d.message}`;
}

function checkInvalid(rule: AnyRule, c: InvalidCase): void {
  const result = run(rule, c);
  const found = findings(rule, result);
  const lines = result.model.lines;
  const actual = found.map((d) => {
    const s = lines.positionAt(d.range.start);
    const e = lines.positionAt(d.range.end);
    return { messageId: d.messageId, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  });
  const expected = c.errors.map((e) => ({ messageId: e.messageId, line: e.line, column: e.column, endLine: e.endLine, endColumn: e.endColumn }));
  assert.deepEqual(actual, expected, 'reported findings (message id and range)');
  c.errors.forEach((e, i) => {
    if (e.message !== undefined) assert.equal(found[i].message, e.message);
    const suggestions = found[i].suggestions ?? [];
    if (e.suggestions === undefined) return;
    assert.equal(suggestions.length, e.suggestions.length, 'number of suggestions');
    e.suggestions.forEach((s, j) => {
      if (s.title !== undefined) assert.equal(suggestions[j].title, s.title);
      assert.equal(applyFixes(result.text, [suggestions[j]]).text, s.output, `suggestion ${j + 1} output`);
    });
  });
  if (found.some((d) => d.suggestions?.length) && c.errors.some((e) => e.suggestions === undefined)) {
    const missing = found.findIndex((d, i) => d.suggestions?.length && c.errors[i].suggestions === undefined);
    if (missing >= 0) assert.fail(`finding ${missing + 1} offers suggestions: the case must list them`);
  }

  const fixable = found.filter((d) => d.fix);
  if (fixable.length > 0 && c.output === undefined) assert.fail('the rule offers a fix: the case must give `output`');
  if (c.output === null) assert.equal(fixable.length, 0, 'no fix expected');
  if (typeof c.output === 'string') {
    const relint = (text: string) => run(rule, { ...c, code: text });
    const fixed = fixLoop(result.text, relint, { unsafe: true });
    assert.equal(fixed.output, c.output, 'fix output');
    const again = fixLoop(fixed.output, relint, { unsafe: true });
    assert.equal(again.output, fixed.output, 'fixes are idempotent');
    const after = findings(rule, fixed.result);
    assert.deepEqual(after.filter((d) => d.fix).map(describeDiag), [], 'fixed output re-lints without fixable findings');
    assert.equal(after.length, found.length - fixable.length, 'fixed output re-lints clean of the fixed findings');
  }

  if (rule.meta.onbuild && c.onbuild !== false) {
    const wrapped = wrapInOnbuild(c.code);
    if (wrapped) {
      const res = run(rule, { ...c, code: wrapped.code });
      const got = findings(rule, res).map((d) => {
        const s = res.model.lines.positionAt(d.range.start);
        return { messageId: d.messageId, line: s.line, column: s.column };
      });
      const want = c.errors.map((e) => ({ messageId: e.messageId, line: e.line, column: e.column + (wrapped.shifted.has(e.line) ? ONBUILD_PREFIX.length : 0) }));
      assert.deepEqual(got, want, 'findings when the instructions are wrapped in ONBUILD');
    }
  }
}

const ONBUILD_PREFIX = 'ONBUILD ';
const NOT_TRIGGERS = new Set(['FROM', 'ONBUILD', 'MAINTAINER']);

/** Prefixes every in-stage instruction that ONBUILD accepts with `ONBUILD `. */
export function wrapInOnbuild(code: string): { code: string; shifted: Set<number> } | null {
  const { ast, lines } = parse(code);
  const starts: number[] = [];
  let inStage = false;
  for (const instr of ast.instructions) {
    if (instr.kind === 'FROM') inStage = true;
    else if (inStage && instr.known && !NOT_TRIGGERS.has(instr.kind)) starts.push(instr.range.start);
  }
  if (starts.length === 0) return null;
  let out = code;
  for (const s of [...starts].reverse()) out = out.slice(0, s) + ONBUILD_PREFIX + out.slice(s);
  return { code: out, shifted: new Set(starts.map((s) => lines.positionAt(s).line)) };
}
