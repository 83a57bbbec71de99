import { LineIndex } from '@stowage/core';
import type { InvocationFile, ParseResult, SourceKind } from './model.js';

export function invocationFile(path: string, source: SourceKind, text: string): InvocationFile {
  return { path, source, text, lines: new LineIndex(text) };
}

export function emptyResult(file: InvocationFile): ParseResult {
  return { file, invocations: [], runs: [], problems: [] };
}

/** Runs `body`, turning an unexpected exception into a problem: parsers never throw on input. */
export function guarded(result: ParseResult, body: () => void): ParseResult {
  try {
    body();
  } catch (e) {
    if (e instanceof Error && /initShell|initHcl/.test(e.message)) throw e;
    result.problems.push({
      file: result.file,
      range: { start: 0, end: 0 },
      message: `Could not read this file: ${e instanceof Error ? e.message : String(e)}`,
      severity: 'error',
    });
  }
  return result;
}
