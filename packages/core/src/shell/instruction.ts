import type { Instruction, Word } from '../syntax/ast.js';
import { innerScriptOf, isShellReady, NOT_READY, options, parseInto, parseRunText, parseShell, SHELLS, sortScript } from './parser.js';
import type { ShellCommand, ShellScript, ShellWord } from './types.js';
import { blankContinuations } from './continuations.js';

const cache = new WeakMap<Instruction, ShellScript | null>();

/**
 * The shell of a RUN instruction (shell form, heredoc script, exec form; ONBUILD triggers too, as
 * they are RUN instructions), or null when it has none (not a RUN, or no arguments). A heredoc
 * script with a non-shell shebang gives an empty script. Results are cached per instruction object
 * and shared: do not mutate them. Throws only when initShell() has not completed.
 */
export function shellOfInstruction(instr: Instruction, fileText: string, escapeChar: string): ShellScript | null {
  if (instr.kind !== 'RUN') return null;
  const cached = cache.get(instr);
  if (cached !== undefined) return cached;
  if (!isShellReady()) throw new Error(NOT_READY);
  let result: ShellScript | null;
  try {
    result = compute(instr, fileText, escapeChar);
  } catch {
    const r = instr.argsRange ?? instr.range;
    result = { commands: [], assignments: [], errors: [{ start: r.start, end: r.end }] };
  }
  cache.set(instr, result);
  return result;
}

function compute(instr: Instruction, fileText: string, escapeChar: string): ShellScript | null {
  if (instr.jsonForm) return execForm(instr, fileText);
  const ar = instr.argsRange;
  if (ar === null) return null;
  const esc = escapeChar || '\\';
  if (instr.heredocs.length > 0) return heredocForm(instr, ar.start, ar.end, fileText, esc);
  return parseRunText(fileText.slice(ar.start, ar.end), ar.start, esc);
}

/** `RUN ["sh", "-c", "..."]`: one command of the JSON strings, plus the `-c` script when it has no JSON escapes. */
function execForm(instr: Instruction, fileText: string): ShellScript | null {
  if (instr.args.length === 0) return null;
  const words: ShellWord[] = instr.args.map((a) => jsonWord(a, fileText));
  const name = words[0];
  const args = words.slice(1);
  const cmd: ShellCommand = {
    name,
    args,
    options: options(args),
    assignments: [],
    redirects: [],
    range: { start: name.range.start, end: words[words.length - 1].range.end },
    nested: 0,
    inPipeline: false,
    inSubstitution: false,
  };
  const out: ShellScript = { commands: [cmd], assignments: [], errors: [] };
  const inner = innerScriptOf(cmd);
  if (inner) {
    parseInto(inner.text, inner.offset, 1, out);
    sortScript(out);
  }
  return out;
}

/** A JSON string of an exec form: raw is the quoted JSON text, value its decoded string. */
function jsonWord(a: Word, fileText: string): ShellWord {
  let start = a.range.start;
  let end = a.range.end;
  // Accept a range with or without the quotes.
  if (fileText.charCodeAt(start) !== 34 && fileText.charCodeAt(start - 1) === 34 && fileText.charCodeAt(end) === 34) {
    start--;
    end++;
  }
  const raw = fileText.slice(start, end);
  let value: string = a.value;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'string') value = parsed;
  } catch {
    // keep the parser's value
  }
  return { raw, value, range: { start, end } };
}

/**
 * BuildKit runs `RUN <<EOF` (a heredoc and nothing else on the line) as the heredoc's script;
 * any other heredoc RUN (`RUN python3 <<EOF`, `RUN cat <<EOF > f`) is a shell script made of the
 * command line followed by the heredoc bodies, which is what the file text holds.
 */
function heredocForm(instr: Instruction, start: number, end: number, fileText: string, esc: string): ShellScript {
  const hs = instr.heredocs;
  let bodyStart = end;
  for (const h of hs) {
    const s = h.contentRange?.start ?? h.delimiterRange?.start;
    if (s !== undefined && s >= start && s < bodyStart) bodyStart = s;
  }
  const head = blankContinuations(fileText.slice(start, bodyStart), esc);
  // The head with the `<<EOF` words blanked.
  let bare = head;
  let inHead = 0;
  for (const h of hs) {
    const s = h.range.start - start;
    const e = h.range.end - start;
    if (s < 0 || e > head.length) continue;
    bare = bare.slice(0, s) + ' '.repeat(e - s) + bare.slice(e);
    inHead++;
  }
  if (inHead === hs.length && isBlank(bare, 0, bare.length)) {
    // `RUN <<EOF` (or several heredocs and no command): each body is a script.
    const out: ShellScript = { commands: [], assignments: [], errors: [] };
    for (const h of hs) {
      if (h.contentRange === null || !shebangIsShell(h.content)) continue;
      parseInto(h.content, h.contentRange.start, 0, out);
    }
    sortScript(out);
    return out;
  }
  // tree-sitter-bash reads one heredoc per line only; with more, read the command line alone.
  if (hs.length === 1) return parseShell(head + fileText.slice(bodyStart, end), start);
  return parseShell(bare, start);
}

function isBlank(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

/** Whether a heredoc script without a shebang, or with a shell's shebang, is shell. */
export function shebangIsShell(content: string): boolean {
  if (!content.startsWith('#!')) return true;
  const nl = content.indexOf('\n');
  const parts = content.slice(2, nl < 0 ? undefined : nl).trim().split(/\s+/);
  let prog = base(parts[0] ?? '');
  if (prog === 'env') {
    prog = '';
    for (let i = 1; i < parts.length; i++) {
      const p = parts[i];
      if (p.startsWith('-') || p.includes('=')) continue;
      prog = base(p);
      break;
    }
  }
  return SHELLS.has(prog) || prog === 'busybox';
}

function base(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

