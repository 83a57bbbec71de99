import { beforeAll, describe, expect, it } from 'vitest';
import { defineRule, initShell, lint, type ReportInput } from '@stowage/core';
import { errorsOnly, fatalReport, mergeEdits, toLintMessages } from './index.js';

beforeAll(() => initShell());

/** A rule that reports what the test gives it, at the end of the file. */
function reporting(reports: ReportInput[], fix: 'safe' | 'unsafe' = 'safe') {
  return defineRule({
    meta: { id: 'test-rule', summary: 'Test.', category: 'style', severity: 'warn', fix, sources: [], onbuild: false },
    messages: { found: 'Found {{what}}.', replace: 'Replace with {{what}}' },
    create: (context) => ({ fileExit: () => reports.forEach((r) => context.report(r)) }),
  });
}

function lintWith(text: string, reports: ReportInput[], severity: 'warn' | 'error' = 'warn', fix: 'safe' | 'unsafe' = 'safe') {
  return lint(text, { filePath: 'dir/Dockerfile', rules: [{ rule: reporting(reports, fix), severity }] });
}

describe('toLintMessages', () => {
  it('converts offsets to 1-based lines and columns, end exclusive', () => {
    const text = 'FROM alpine AS base\nCOPY --from=0 /a /b\n';
    // `0` in `--from=0` is at offset 32.
    const report = toLintMessages(
      lintWith(text, [
        {
          messageId: 'found',
          data: { what: 'index' },
          range: { start: 25, end: 33 },
          fix: { messageId: 'replace', data: { what: 'base' }, edits: [{ range: { start: 32, end: 33 }, text: 'base' }] },
          related: [{ message: 'Stage defined here.', range: { start: 15, end: 19 } }],
        },
      ]),
    );
    expect(report).toEqual({
      filePath: 'dir/Dockerfile',
      messages: [
        {
          ruleId: 'test-rule',
          messageId: 'found',
          severity: 1,
          message: 'Found index.',
          line: 2,
          column: 6,
          endLine: 2,
          endColumn: 14,
          fix: { range: [32, 33], text: 'base', title: 'Replace with base', applicability: 'safe' },
          related: [{ message: 'Stage defined here.', line: 1, column: 16, endLine: 1, endColumn: 20 }],
        },
      ],
      errorCount: 0,
      warningCount: 1,
      infoCount: 0,
      fixableErrorCount: 0,
      fixableWarningCount: 1,
    });
  });

  it('merges a multi-edit fix into one edit over the original text', () => {
    const text = 'FROM a\nRUN x\n';
    const [m] = toLintMessages(
      lintWith(
        text,
        [
          {
            messageId: 'found',
            data: { what: 'x' },
            range: { start: 11, end: 12 },
            fix: {
              messageId: 'replace',
              data: { what: 'y' },
              edits: [
                { range: { start: 11, end: 12 }, text: 'y' },
                { range: { start: 0, end: 4 }, text: 'from' },
              ],
            },
          },
        ],
        'error',
      ),
    ).messages;
    expect(m.fix).toEqual({ range: [0, 12], text: 'from a\nRUN y', title: 'Replace with y', applicability: 'safe' });
    expect(m.severity).toBe(2);
  });

  it('reports suggestions, and counts only safe fixes as fixable', () => {
    const report = toLintMessages(
      lintWith(
        'FROM a\n',
        [
          {
            messageId: 'found',
            data: { what: 'a' },
            range: { start: 5, end: 6 },
            fix: { messageId: 'replace', data: { what: 'b' }, edits: [{ range: { start: 5, end: 6 }, text: 'b' }] },
            suggestions: [{ messageId: 'replace', data: { what: 'c' }, edits: [{ range: { start: 5, end: 6 }, text: 'c' }] }],
          },
        ],
        'error',
        'unsafe',
      ),
    );
    expect(report.messages[0].fix).toEqual({ range: [5, 6], text: 'b', title: 'Replace with b', applicability: 'unsafe' });
    expect(report.messages[0].suggestions).toEqual([{ desc: 'Replace with c', fix: { range: [5, 6], text: 'c' }, applicability: 'unsafe' }]);
    expect(report.fixableErrorCount).toBe(0);
    expect(report.errorCount).toBe(1);
  });

  it('counts columns in UTF-16 units past a BOM and CRLF line ends', () => {
    const report = toLintMessages(lintWith('\uFEFFFROM a\r\nLABEL x="é😀" y=1\r\n', [{ messageId: 'found', data: { what: 'y' }, range: { start: 20, end: 21 } }]));
    expect(report.messages[0]).toMatchObject({ line: 2, column: 13, endLine: 2, endColumn: 14 });
  });

  it('marks fatal problems (a binary file)', () => {
    const report = toLintMessages(lintWith('FROM a\u0000\n', []));
    expect(report.messages).toEqual([
      { ruleId: null, severity: 2, message: 'File looks binary (it contains NUL bytes); not a Dockerfile.', line: 1, column: 1, endLine: 1, endColumn: 1, fatal: true },
    ]);
    expect(report.errorCount).toBe(1);
  });
});

describe('mergeEdits', () => {
  it('keeps the text between edits', () => {
    const edits = [
      { range: { start: 6, end: 7 }, text: 'Y' },
      { range: { start: 1, end: 2 }, text: 'X' },
    ];
    expect(mergeEdits({ edits }, 'abcdefgh')).toEqual({ range: [1, 7], text: 'XcdefY' });
  });

  it('drops overlapping edits and empty fixes', () => {
    const edits = [
      { range: { start: 1, end: 4 }, text: 'X' },
      { range: { start: 3, end: 5 }, text: 'Y' },
    ];
    expect(mergeEdits({ edits }, 'abcdefgh')).toBeUndefined();
    expect(mergeEdits({ edits: [] }, 'abc')).toBeUndefined();
  });

  it('allows an insertion at the end of the previous edit', () => {
    const edits = [
      { range: { start: 1, end: 2 }, text: 'X' },
      { range: { start: 2, end: 2 }, text: 'Y' },
    ];
    expect(mergeEdits({ edits }, 'abc')).toEqual({ range: [1, 2], text: 'XY' });
  });
});

describe('fatalReport and errorsOnly', () => {
  it('builds a one-message error report', () => {
    expect(fatalReport('x/Dockerfile', 'Could not read the file: permission denied')).toEqual({
      filePath: 'x/Dockerfile',
      messages: [{ ruleId: null, severity: 2, message: 'Could not read the file: permission denied', line: 1, column: 1, endLine: 1, endColumn: 1, fatal: true }],
      errorCount: 1,
      warningCount: 0,
      infoCount: 0,
      fixableErrorCount: 0,
      fixableWarningCount: 0,
    });
  });

  it('drops warnings and recounts, keeping output', () => {
    const report = {
      filePath: 'Dockerfile',
      messages: [
        { ruleId: 'a-b', severity: 1 as const, message: 'w', line: 1, column: 1, endLine: 1, endColumn: 2, fix: { range: [0, 1] as [number, number], text: 'x', title: 't', applicability: 'safe' as const } },
        { ruleId: 'c-d', severity: 2 as const, message: 'e', line: 2, column: 1, endLine: 2, endColumn: 2 },
      ],
      errorCount: 1,
      warningCount: 1,
      fixableErrorCount: 0,
      fixableWarningCount: 1,
      output: 'x',
    };
    const quiet = errorsOnly(report);
    expect(quiet.messages.map((m) => m.ruleId)).toEqual(['c-d']);
    expect(quiet).toMatchObject({ errorCount: 1, warningCount: 0, fixableWarningCount: 0, output: 'x' });
  });
});
