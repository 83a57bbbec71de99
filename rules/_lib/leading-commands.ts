import { joinContinuations, type Instruction, type SemanticModel, type ShellAssignment, type ShellCommand, type ShellOption, type ShellWord } from '@stowage/core';

const ofRun = new WeakMap<Instruction, readonly ShellCommand[]>();

// Ranges are offsets into the script, not the file, so one reading serves every RUN of the same
// text: the Dockerfiles of a repository repeat their RUN lines. Bounded by the texts' length.
const byText = new Map<string, readonly ShellCommand[]>();
let byTextChars = 0;
const BY_TEXT_MAX_CHARS = 4 << 20;

/**
 * `leadingCommands` of a shell-form RUN (continuations joined with the file's escape character);
 * none for exec form and heredocs. Once per RUN, shared by the rules that read it. Do not mutate.
 */
export function leadingCommandsOf(model: SemanticModel, run: Instruction): readonly ShellCommand[] {
  let out = ofRun.get(run);
  if (!out) {
    if (run.jsonForm || run.heredocs.length > 0 || !run.argsRange) out = [];
    else {
      const esc = model.ast.escapeChar || '\\';
      const shell = model.text.slice(run.argsRange.start, run.argsRange.end);
      const key = esc + shell;
      out = byText.get(key);
      if (out === undefined) {
        out = leadingCommands(joinContinuations(shell, esc)?.script ?? shell);
        if (byTextChars + key.length > BY_TEXT_MAX_CHARS) {
          byText.clear();
          byTextChars = 0;
        }
        byText.set(key, out);
        byTextChars += key.length;
      }
    }
    ofRun.set(run, out);
  }
  return out;
}

/**
 * The simple commands at the start of a shell script that the shell reads the same whatever
 * runs: the part before the first construct whose words or commands depend on the shell (a
 * process substitution, an expansion other than `$NAME`, `${NAME}` or a plain `$(...)`, a backslash,
 * a comment, a glob or brace, a heredoc, a line break or a reserved word). There words are plain
 * text, '…' and "…" (with at most `$NAME` inside), `&&`, `||`, `;`, `|` and `&` end commands and
 * redirections (`>f`, `2>&1`, `<f`) are set aside, so each command found is one the shell parse
 * finds too, with the same name and argument values. A command cut off by that first construct
 * is left out. `script` is what the shell sees (continuations joined); ranges are offsets into
 * it, for reading the commands, not for reporting.
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
      // `&&`, `||`, `|`, `&`; `|&` and `&>` redirect both streams: left to the shell.
      const next = script.charCodeAt(i + 1);
      if ((c === 124 && next === 38) || (c === 38 && next === 62)) return commands;
      if (!end()) return commands;
      i += next === c ? 2 : 1;
      continue;
    }
    if (c === 62 /* > */ || c === 60 /* < */) {
      const after = redirection(script, i);
      if (after < 0) return commands;
      i = after;
      continue;
    }
    const word = readWord(script, i);
    if (word === null) return commands;
    const raw = script.slice(i, word.end);
    // `2>file`: the digits are the redirection's file descriptor, not a word.
    if (isRedirection(script.charCodeAt(word.end)) && /^[0-9]+$/.test(raw)) {
      const after = redirection(script, word.end);
      if (after < 0) return commands;
      i = after;
      continue;
    }
    words.push({ raw, value: word.value, range: { start: i, end: word.end } });
    i = word.end;
  }
  end();
  return commands;
}

/** One word at `i` (its end and static value, null when it expands a variable), or null where the shell is needed. */
function readWord(script: string, i: number): { end: number; value: string | null } | null {
  const n = script.length;
  let value: string | null = '';
  let j = i;
  while (j < n) {
    const c = script.charCodeAt(j);
    if (isWordChar(c)) {
      // The run of plain characters by a native scan: a loop per character is slow in the
      // unoptimised code that runs for most of a lint run.
      WORD_RUN.lastIndex = j + 1;
      WORD_RUN.test(script);
      const k = WORD_RUN.lastIndex === 0 ? j + 1 : WORD_RUN.lastIndex;
      if (value !== null) value += script.slice(j, k);
      j = k;
    } else if (c === 39 /* ' */) {
      const close = script.indexOf("'", j + 1);
      if (close < 0) return null;
      if (value !== null) value += script.slice(j + 1, close);
      j = close + 1;
    } else if (c === 34 /* " */) {
      let k = j + 1;
      let from = k;
      for (;;) {
        // To the next character that matters inside double quotes.
        IN_DOUBLE.lastIndex = k;
        if (!IN_DOUBLE.test(script)) return null;
        k = IN_DOUBLE.lastIndex - 1;
        const d = script.charCodeAt(k);
        if (d === 34) break;
        if (d === 92 /* \ */ || d === 96 /* ` */) return null;
        // `$`: a plain expansion makes the value unknown; any other needs the shell.
        const e = expansionEnd(script, k);
        if (e < 0) return null;
        value = null;
        k = e;
        from = k;
      }
      if (value !== null) value += script.slice(from, k);
      j = k + 1;
    } else if (c === 36 /* $ */) {
      const e = expansionEnd(script, j);
      if (e < 0) return null;
      value = null;
      j = e;
    } else break;
  }
  if (j === i) return null;
  // A word ends at a blank, an operator, a redirection or the end; anything else continues it in shell syntax.
  if (j < n && !isBoundary(script.charCodeAt(j))) return null;
  return { end: j, value };
}

/**
 * The end of `$NAME`, `${NAME}` or a plain command substitution such as `$(uname -m)` or
 * `$(dpkg --print-architecture | cut -d- -f1)` at `i`, or -1 for any other expansion. The commands
 * inside a substitution are not read: the word's value is unknown either way.
 */
function expansionEnd(script: string, i: number): number {
  if (script.charCodeAt(i + 1) === 40 /* ( */) {
    let k = i + 2;
    if (script.charCodeAt(k) === 40) return -1; // `$((` arithmetic
    for (; k < script.length; k++) {
      const c = script.charCodeAt(k);
      if (c === 41 /* ) */) return k > i + 2 ? k + 1 : -1;
      if (!isWordChar(c) && c !== 32 && c !== 9 && c !== 124 /* | */) return -1;
    }
    return -1;
  }
  const braced = script.charCodeAt(i + 1) === 123; /* { */
  let k = braced ? i + 2 : i + 1;
  if (!isNameStart(script.charCodeAt(k))) return -1;
  while (k < script.length && isNameChar(script.charCodeAt(k))) k++;
  if (!braced) return k;
  return script.charCodeAt(k) === 125 /* } */ ? k + 1 : -1;
}

/** Past `>f`, `>>f`, `<f`, `>&2` or `<&0` at `i` (blanks allowed before the target), or -1 for any other form. */
function redirection(script: string, i: number): number {
  let k = i + 1;
  const c = script.charCodeAt(i);
  const next = script.charCodeAt(k);
  if (c === 62 && next === 62) k++;
  else if (next === 38 /* & */) {
    k++;
    const m = /^(?:[0-9]+|-)/.exec(script.slice(k, k + 12));
    if (!m || !isEnd(script, k + m[0].length)) return -1;
    return k + m[0].length;
  } else if (next === 60 || next === 62 || next === 40 || next === 124) return -1; // `<<`, `<>`, `>(`/`<(`, `>|`
  while (script.charCodeAt(k) === 32 || script.charCodeAt(k) === 9) k++;
  const target = readWord(script, k);
  return target === null ? -1 : target.end;
}

function isEnd(script: string, j: number): boolean {
  return j >= script.length || isBoundary(script.charCodeAt(j));
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

function isRedirection(c: number): boolean {
  return c === 62 || c === 60;
}

/** A run of `isWordChar` characters (sticky). */
const WORD_RUN = /[a-zA-Z0-9\-_./:,+@=%]+/y;
/** The characters a double-quoted part stops at: its end, escapes and expansions (global, to search). */
const IN_DOUBLE = /["\\`$]/g;

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
  return c === 32 || c === 9 || c === 59 || c === 38 || c === 124 || c === 62 || c === 60;
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
    const raw = w.raw.slice(eq + 1);
    // The name is plain, so the value's static text is what follows the first `=` in the word's.
    const value = w.value === null ? null : w.value.slice(w.value.indexOf('=') + 1);
    assignments.push({
      name: w.raw.slice(0, plus ? eq - 1 : eq),
      value: raw === '' ? null : { raw, value, range: { start: w.range.start + eq + 1, end: w.range.end } },
      range: w.range,
    });
  }
  if (k === words.length) return null; // assignments only: no command
  if (RESERVED.has(words[k].raw)) return 'reserved';
  const name = words[k];
  const args = words.slice(k + 1);
  const options: ShellOption[] = [];
  for (const a of args) {
    const text = a.value ?? a.raw;
    if (text === '--') break;
    if (!text.startsWith('-') || text === '-') continue;
    const eq = text.startsWith('--') ? text.indexOf('=') : -1;
    options.push({ name: eq < 0 ? text : text.slice(0, eq), value: eq < 0 ? null : text.slice(eq + 1), word: a });
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
