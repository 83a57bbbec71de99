import type { ShellCommand, ShellWord, TextEdit } from '@stowage/core';

/** Skips blanks and Dockerfile line continuations (`\` + line break) backwards from `i` (exclusive); returns the new end. */
function skipBack(text: string, i: number, esc: string): number {
  let j = i;
  for (;;) {
    while (j > 0 && (text[j - 1] === ' ' || text[j - 1] === '\t')) j--;
    if (j > 0 && (text[j - 1] === '\n' || text[j - 1] === '\r')) {
      let k = j - 1;
      if (text[k] === '\n' && text[k - 1] === '\r') k--;
      let m = k;
      while (m > 0 && (text[m - 1] === ' ' || text[m - 1] === '\t')) m--;
      if (m > 0 && text[m - 1] === esc) {
        j = m - 1;
        continue;
      }
    }
    return j;
  }
}

/** Skips blanks and line continuations forwards from `i`. */
function skipForward(text: string, i: number, end: number, esc: string): number {
  let j = i;
  for (;;) {
    while (j < end && (text[j] === ' ' || text[j] === '\t')) j++;
    if (j < end && text[j] === esc) {
      let k = j + 1;
      while (k < end && (text[k] === ' ' || text[k] === '\t')) k++;
      if (text[k] === '\r') k++;
      if (text[k] === '\n') {
        j = k + 1;
        continue;
      }
    }
    return j;
  }
}

/**
 * An edit that removes one command of a shell-form RUN together with the `&&` (or `;`) that joins
 * it to its neighbour, when the rest keeps its meaning: the command is a whole element of a list
 * (not in a pipeline, substitution or `sh -c`), and the operators on both sides are of one kind
 * (`a && x && b` → `a && b`; `a; x; b` → `a; b`). `end` is the end of the RUN's shell text.
 */
export function removeCommand(text: string, cmd: ShellCommand, start: number, end: number, esc = '\\'): TextEdit | null {
  if (cmd.nested > 0 || cmd.inPipeline || cmd.inSubstitution) return null;
  const before = skipBack(text, cmd.range.start, esc);
  const after = skipForward(text, cmd.range.end, end, esc);
  const prevOp = before >= start + 2 && text.slice(before - 2, before) === '&&' ? '&&' : before > start && text[before - 1] === ';' ? ';' : before <= start ? 'start' : null;
  const nextOp = after >= end ? 'end' : text.startsWith('&&', after) ? '&&' : text[after] === ';' ? ';' : null;
  if (prevOp === null || nextOp === null) return null;
  if (prevOp === 'start' && nextOp === 'end') return null;
  if (prevOp !== 'start' && (nextOp === 'end' || nextOp === prevOp)) {
    // `a && x` → `a`: from the end of `a` to the end of `x`.
    const opStart = before - prevOp.length;
    const from = skipBack(text, opStart, esc);
    if (/[|&]$/.test(text.slice(start, from).trimEnd()) && prevOp === '&&') return null;
    return { range: { start: from, end: cmd.range.end }, text: '' };
  }
  if (prevOp === 'start' && nextOp !== 'end') {
    // `x && b` → `b`.
    const to = skipForward(text, after + nextOp.length, end, esc);
    return { range: { start: cmd.range.start, end: to }, text: '' };
  }
  return null;
}

/** An edit that removes one option word and the blanks before it (`pip install --no-cache-dir x` → `pip install x`). */
export function removeWord(text: string, word: ShellWord): TextEdit {
  let from = word.range.start;
  while (from > 0 && (text[from - 1] === ' ' || text[from - 1] === '\t')) from--;
  return { range: { start: from, end: word.range.end }, text: '' };
}
