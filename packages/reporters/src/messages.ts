import type { Diagnostic, Fix, LineIndex, LintResult, Range } from '@stowage/core';
import type { EditJson, FileReport, LintMessage, Location } from './types.js';

/** Converts core diagnostics (offsets) to the ESLint-like report (lines and columns). */
export function toLintMessages(result: Pick<LintResult, 'filePath' | 'text' | 'lines' | 'diagnostics'>): FileReport {
  const lines = result.lines;
  const messages = result.diagnostics.map((d) => toMessage(d, lines, result.text));
  return withCounts(result.filePath, messages);
}

/** The report of a file that could not be linted at all (unreadable, failed to write). */
export function fatalReport(filePath: string, message: string): FileReport {
  return withCounts(filePath, [{ ruleId: null, severity: 2, message, line: 1, column: 1, endLine: 1, endColumn: 1, fatal: true }]);
}

/** Builds a report from messages, counting them. */
export function withCounts(filePath: string, messages: LintMessage[]): FileReport {
  const report: FileReport = { filePath, messages, errorCount: 0, warningCount: 0, infoCount: 0, fixableErrorCount: 0, fixableWarningCount: 0 };
  for (const m of messages) {
    // Only safe fixes count: they are what `--fix` applies.
    const fixable = m.fix?.applicability === 'safe';
    if (m.severity === 2) {
      report.errorCount++;
      if (fixable) report.fixableErrorCount++;
    } else if (m.severity === 0) {
      report.infoCount++;
    } else {
      report.warningCount++;
      if (fixable) report.fixableWarningCount++;
    }
  }
  return report;
}

/** Keeps errors only (`--quiet`). */
export function errorsOnly(report: FileReport): FileReport {
  if (report.warningCount === 0 && report.infoCount === 0) return report;
  const kept = withCounts(report.filePath, report.messages.filter((m) => m.severity === 2));
  return report.output === undefined ? kept : { ...kept, output: report.output };
}

function toMessage(d: Diagnostic, lines: LineIndex, text: string): LintMessage {
  const m: LintMessage = {
    ruleId: d.ruleId,
    ...(d.messageId ? { messageId: d.messageId } : {}),
    severity: d.severity === 'error' ? 2 : d.severity === 'warn' ? 1 : 0,
    message: d.message,
    ...location(d.range, lines),
  };
  if (d.fatal) m.fatal = true;
  if (d.fix) {
    const edit = mergeEdits(d.fix, text);
    if (edit) m.fix = { ...edit, title: d.fix.title, applicability: d.fix.applicability };
  }
  if (d.suggestions?.length) {
    const suggestions = [];
    for (const s of d.suggestions) {
      const edit = mergeEdits(s, text);
      if (edit) suggestions.push({ desc: s.title, fix: edit, applicability: s.applicability });
    }
    if (suggestions.length) m.suggestions = suggestions;
  }
  if (d.related?.length) {
    m.related = d.related.map((r) => ({ message: r.message, ...(r.file ? { filePath: r.file.path } : {}), ...location(r.range, r.file?.lines ?? lines) }));
  }
  return m;
}

function location(range: Range, lines: LineIndex): Location {
  const start = lines.positionAt(range.start);
  const end = lines.positionAt(range.end);
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

/**
 * One edit spanning all of a fix's edits, the original text kept between them (as ESLint merges
 * fixes). Overlapping edits have no single meaning, so such a fix is dropped.
 */
export function mergeEdits(fix: Pick<Fix, 'edits'>, text: string): EditJson | undefined {
  if (fix.edits.length === 0) return undefined;
  const edits = [...fix.edits].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  const start = edits[0].range.start;
  let end = start;
  let out = '';
  for (const e of edits) {
    if (e.range.start < end) return undefined;
    out += text.slice(end, e.range.start) + e.text;
    end = e.range.end;
  }
  return { range: [start, end], text: out };
}
