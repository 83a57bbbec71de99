import { closest, foreignCode } from '@stowage/core';
import { everyRule, resolveRuleName, ruleDocs } from '@stowage/rules';
import { UsageError } from './errors.js';

/** `stowage rules`: every rule (Dockerfile rules and build rules alike) as an aligned table. */
export function rulesTable(): string {
  const header = ['RULE', 'CATEGORY', 'SEVERITY', 'FIX', 'SOURCES'];
  const rows = [...everyRule]
    .sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1))
    .map(({ meta }) => [meta.id, meta.category, meta.severity, meta.fix === 'none' ? '-' : meta.fix, meta.sources.map((s) => s.code).join(', ') || '-']);
  const table = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...table.map((row) => row[col].length)));
  const lines = table.map((row) => row.map((cell, col) => cell.padEnd(widths[col])).join('  ').trimEnd());
  return `${lines.join('\n')}\n\n${rows.length} ${rows.length === 1 ? 'rule' : 'rules'}.\n`;
}

/** `stowage explain <name>`: the documentation of the rules a name stands for. */
export function explain(name: string): string {
  const rules = resolveRuleName(name);
  if (rules.length === 0) {
    const foreign = foreignCode(name);
    if (foreign) throw new UsageError(`'${name}' is ${foreign} that no stowage rule covers. The SOURCES column of 'stowage rules' lists the codes stowage's rules stand for.`);
    const names = everyRule.flatMap((r) => [r.meta.id, ...r.meta.sources.map((s) => s.code)]);
    const guess = closest(name, names);
    throw new UsageError(`unknown rule '${name}'. ${guess ? `Did you mean '${guess}'?` : "Run 'stowage rules' to list the rules."}`);
  }
  return rules
    .map((rule) => {
      const docs = ruleDocs(rule.meta.id) ?? `# ${rule.meta.id}\n\n${rule.meta.summary}\n`;
      return docs.endsWith('\n') ? docs : `${docs}\n`;
    })
    .join('\n');
}
