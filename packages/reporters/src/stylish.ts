import { Chalk } from 'chalk';
import type { FileReport } from './types.js';

export interface StylishOptions {
  color: boolean;
}

/** ESLint's `stylish` format; empty when there is nothing to report. */
export function formatStylish(reports: readonly FileReport[], options: StylishOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  let output = '\n';
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  let fixableErrors = 0;
  let fixableWarnings = 0;

  for (const report of reports) {
    if (report.messages.length === 0) continue;
    errors += report.errorCount;
    warnings += report.warningCount;
    infos += report.infoCount;
    fixableErrors += report.fixableErrorCount;
    fixableWarnings += report.fixableWarningCount;

    const rows = report.messages.map((m) => {
      const isError = m.fatal || m.severity === 2;
      return {
        // Padding is computed on plain text; colour is added afterwards.
        type: isError ? 'error' : m.severity === 1 ? 'warning' : 'info',
        color: isError ? c.red : m.severity === 1 ? c.yellow : c.blue,
        message: m.message.replace(/([^ ])\.$/u, '$1'),
        ruleId: m.ruleId ?? '',
      };
    });
    const width = (values: (string | number)[]) => Math.max(...values.map((v) => String(v).length));
    const lineWidth = width(report.messages.map((m) => m.line));
    const columnWidth = width(report.messages.map((m) => m.column));
    const typeWidth = width(rows.map((r) => r.type));
    const messageWidth = width(rows.map((r) => r.message));

    output += `${c.underline(report.filePath)}\n`;
    for (const [i, row] of rows.entries()) {
      const { line, column } = report.messages[i];
      const cells = [
        '',
        // Lines right-aligned, columns left-aligned: `  9:5` over ` 10:12`, as ESLint prints them.
        spaces(String(line), lineWidth) + c.dim(`${line}:${column}`) + spaces(String(column), columnWidth),
        row.color(row.type) + spaces(row.type, typeWidth),
        row.message + spaces(row.message, messageWidth),
        c.dim(row.ruleId),
      ];
      output += `${cells.join('  ').trimEnd()}\n`;
    }
    output += '\n';
  }

  const total = errors + warnings;
  if (total === 0 && infos === 0) return '';
  const summary = errors > 0 ? c.red.bold : warnings > 0 ? c.yellow.bold : c.blue.bold;
  const count = (n: number, word: string) => `${n} ${n === 1 ? word : `${word}s`}`;
  const hints = infos > 0 ? `, ${count(infos, 'info')}` : '';
  // Hints alone are not problems: say what there is without the failure mark.
  if (total === 0) output += `${summary(`\u2139 ${count(infos, 'info')}`)}\n`;
  else output += `${summary(`\u2716 ${count(total, 'problem')} (${count(errors, 'error')}, ${count(warnings, 'warning')}${hints})`)}\n`;
  if (fixableErrors > 0 || fixableWarnings > 0) {
    output += `${summary(`  ${count(fixableErrors, 'error')} and ${count(fixableWarnings, 'warning')} potentially fixable with the --fix option.`)}\n`;
  }
  return output;
}

/** The spaces that pad `text` to `width`. */
function spaces(text: string, width: number): string {
  return ' '.repeat(width - text.length);
}
