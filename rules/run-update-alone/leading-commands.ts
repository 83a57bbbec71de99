import type { ShellAssignment, ShellCommand, ShellOption, ShellWord } from '@stowage/core';

/**
 * The simple commands at the start of a shell script that need no shell to read: the part before
 * the first character whose meaning depends on shell syntax (a quote, `$`, a backslash, a
 * comment, a redirection, brackets, globs, a line break or a reserved word). There a word is what
 * it looks like and `&&`, `||`, `;`, `|` and `&` end commands, so each command found here is one
 * the shell parse finds too, with the same name and arguments. A command cut off by that first
 * character is left out. `script` is what the shell sees (continuations joined); ranges are
 * offsets into it, for reading the commands, not for reporting.
 *
 * A cheap look before a full parse: most RUNs that update an index install something in the
 * command after the update, and this is enough to see it.
 */
export function leadingCommands(script: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  let i = 0;
  const n = script.length;
  const end = () => {
    if (words.length > 0) {
      const command = toCommand(words);
      if (command === 'reserved') return false;
      if (command) commands.push(command);
    }
    words = [];
    return true;
  };
  while (i < n) {
    const c = script.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    if (c === 59 /* ; */) {
      if (!end()) return commands;
      i++;
      continue;
    }
    if (c === 38 /* & */ || c === 124 /* | */) {
      // `&&`, `||`, `|`, `&`; `|&` and `&>` redirect, and need the shell.
      const next = script.charCodeAt(i + 1);
      if ((c === 124 && next === 38) || (c === 38 && next === 62)) return commands;
      if (!end()) return commands;
      i += next === c ? 2 : 1;
      continue;
    }
    if (!isWordChar(c)) return commands;
    let j = i + 1;
    while (j < n && isWordChar(script.charCodeAt(j))) j++;
    // A word ends at a blank, an operator or the end; anything else continues it in shell syntax.
    if (j < n && !isBoundary(script.charCodeAt(j))) return commands;
    const raw = script.slice(i, j);
    words.push({ raw, value: raw, range: { start: i, end: j } });
    i = j;
  }
  end();
  return commands;
}

/** Characters that are plain in any position of a word: no quoting, expansion, glob or redirection. */
function isWordChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || // a-z
    (c >= 65 && c <= 90) || // A-Z
    (c >= 48 && c <= 57) || // 0-9
    c === 45 || c === 95 || c === 46 || c === 47 || c === 58 || c === 44 || c === 43 || c === 64 || c === 61 || c === 37 // - _ . / : , + @ = %
  );
}

function isBoundary(c: number): boolean {
  return c === 32 || c === 9 || c === 59 || c === 38 || c === 124;
}

/** Words that start a compound command or change how the next words read. */
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'select', 'function', 'in', 'time', 'coproc', '!', '[[', ']]']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*\+?=/;

function toCommand(words: ShellWord[]): ShellCommand | null | 'reserved' {
  let k = 0;
  const assignments: ShellAssignment[] = [];
  for (; k < words.length && ASSIGNMENT.test(words[k].raw); k++) {
    const w = words[k];
    const eq = w.raw.indexOf('=');
    const plus = w.raw[eq - 1] === '+';
    const value = w.raw.slice(eq + 1);
    assignments.push({
      name: w.raw.slice(0, plus ? eq - 1 : eq),
      value: value === '' ? null : { raw: value, value, range: { start: w.range.start + eq + 1, end: w.range.end } },
      range: w.range,
    });
  }
  if (k === words.length) return null; // assignments only: no command
  if (RESERVED.has(words[k].raw)) return 'reserved';
  const name = words[k];
  const args = words.slice(k + 1);
  const options: ShellOption[] = [];
  for (const a of args) {
    if (a.raw === '--') break;
    if (!a.raw.startsWith('-') || a.raw === '-') continue;
    const eq = a.raw.startsWith('--') ? a.raw.indexOf('=') : -1;
    options.push({ name: eq < 0 ? a.raw : a.raw.slice(0, eq), value: eq < 0 ? null : a.raw.slice(eq + 1), word: a });
  }
  return {
    name,
    args,
    options,
    assignments,
    redirects: [],
    range: { start: words[0].range.start, end: words[words.length - 1].range.end },
    nested: 0,
    inPipeline: false,
    inSubstitution: false,
  };
}
