import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initShell, lint, type AnyRule, type Diagnostic } from '@stowage/core';
import { allRules } from '@stowage/rules';
import { corpusDir, goldFiles, haveShared, listFiles } from './files.js';

// Every rule on (the `all` preset), so the snapshot shows what each rule finds on real files.
const enabled = allRules.map((rule: AnyRule) => ({ rule, severity: 'warn' as const }));

interface Tally {
  files: number;
  filesWithFindings: number;
  syntaxErrors: number;
  fatal: number;
  rules: Record<string, number>;
}

function lintAll(files: string[], root: string): { tally: Tally; internal: string[] } {
  const tally: Tally = { files: files.length, filesWithFindings: 0, syntaxErrors: 0, fatal: 0, rules: {} };
  for (const r of allRules) tally.rules[r.meta.id] = 0;
  const internal: string[] = [];
  for (const file of files) {
    let diagnostics: Diagnostic[];
    try {
      diagnostics = lint(readFileSync(file, 'utf8'), { filePath: file, rules: enabled, knownRules: allRules }).diagnostics;
    } catch (error) {
      internal.push(`${path.relative(root, file)}: lint threw: ${String(error)}`);
      continue;
    }
    if (diagnostics.some((d) => d.ruleId !== null)) tally.filesWithFindings++;
    for (const d of diagnostics) {
      if (d.internal) internal.push(`${path.relative(root, file)}: ${d.message}`);
      else if (d.fatal) tally.fatal++;
      else if (d.ruleId === null) tally.syntaxErrors++;
      else tally.rules[d.ruleId]++;
    }
  }
  return { tally, internal };
}

describe.runIf(haveShared || process.env.CI)('real Dockerfiles', () => {
  beforeAll(() => initShell());

  it('lints the whole corpus without a crash or internal error; finding counts match the snapshot', async () => {
    const files = listFiles(corpusDir);
    expect(files.length).toBeGreaterThan(3000);
    const { tally, internal } = lintAll(files, corpusDir);
    expect(internal).toEqual([]);
    expect(tally.fatal).toBe(0);
    await expect(JSON.stringify(tally, null, 2) + '\n').toMatchFileSnapshot('./snapshots/corpus-counts.json');
  }, 120_000);

  it('lints the expert-written gold set; few findings fire', async () => {
    const files = goldFiles();
    expect(files.length).toBe(432);
    const { tally, internal } = lintAll(files, path.dirname(files[0]));
    expect(internal).toEqual([]);
    expect(tally.fatal).toBe(0);
    await expect(JSON.stringify(tally, null, 2) + '\n').toMatchFileSnapshot('./snapshots/gold-counts.json');
  }, 120_000);
});
