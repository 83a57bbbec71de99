import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Language, Parser, Tree, TreeCursor } from 'web-tree-sitter';
import type { Range } from '../text.js';
import { joinContinuations, type Cut } from './continuations.js';
import { unquoteShell } from './quote.js';
import type { ShellAssignment, ShellCommand, ShellOption, ShellRedirect, ShellScript, ShellWord } from './types.js';

let parser: Parser | null = null;
let tables: Tables | null = null;
let loading: Promise<void> | null = null;
/** The binding's own cursor calls, when they are there and proven to walk as the public cursor does. */
let rawCursorApi: RawCursorApi | null = null;

/** The grammar next to this module (a bundled build copies it there), else from its package. */
function bashWasmPath(): string {
  const beside = fileURLToPath(new URL('./tree-sitter-bash.wasm', import.meta.url));
  return existsSync(beside) ? beside : createRequire(import.meta.url).resolve('tree-sitter-bash/tree-sitter-bash.wasm');
}

/** Loads web-tree-sitter and the bash grammar (wasm) once. Safe to call many times. */
export function initShell(): Promise<void> {
  if (!loading) {
    loading = (async () => {
      const { Parser: TsParser, Language: TsLanguage } = await import('web-tree-sitter');
      // The options object becomes the binding's module object (emscripten), which holds its exports.
      const binding: Record<string, unknown> = {};
      await TsParser.init(binding);
      // Bytes, not a path: given a path, web-tree-sitter reads it through a dynamic import(), which
      // the CLI's bundle (run as a vm.Script with a code cache) cannot do.
      const bash = await TsLanguage.load(readFileSync(bashWasmPath()));
      const p = new TsParser();
      p.setLanguage(bash);
      tables = buildTables(bash);
      parser = p;
      rawCursorApi = rawCursorApiOf(binding, p);
    })();
    // A failed load may be retried by a later call.
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/**
 * Whether walks use the binding's cursor functions (true once initShell() has proven them). Tests
 * switch them off to compare with TreeCursor; returns whether they were on.
 */
export function rawCursorInUse(enable?: boolean): boolean {
  const was = rawCursorApi !== null && rawCursorEnabled;
  if (enable !== undefined) rawCursorEnabled = enable;
  return was;
}
let rawCursorEnabled = true;

export function isShellReady(): boolean {
  return parser !== null;
}

/** `sh -c` nesting deeper than this is not descended into. */
const MAX_NESTED = 4;

/**
 * Parses a shell script whose first character sits at file offset `offset`; ranges are file
 * offsets. Synchronous; never throws on any input (syntax errors are reported in `errors`).
 * Throws only when initShell() has not completed.
 */
export function parseShell(script: string, offset: number): ShellScript {
  const hit = recall(memo, script, offset);
  if (hit !== null) return hit;
  const out: ShellScript = { commands: [], assignments: [], errors: [] };
  parseInto(script, offset, 0, out);
  sortScript(out);
  remember(memo, script, offset, out);
  return out;
}

/**
 * Parses the text of a shell-form RUN (file offset `offset`) as BuildKit hands it to the shell:
 * each line continuation (the escape character, blanks after it and the line break) removed, so
 * the lines join, and the comment and empty lines inside a continuation dropped. Ranges are file
 * offsets; a word joined across lines (`cu\⏎rl` is `curl`) covers the continuation.
 */
export function parseRunText(text: string, offset: number, esc: string): ShellScript {
  if (text.indexOf(esc) < 0) return parseShell(text, offset);
  // Remembered by the text as written: the same joined script with its breaks elsewhere maps differently.
  let m = joinedMemos.get(esc);
  if (m === undefined) joinedMemos.set(esc, (m = new Map()));
  const hit = recall(m, text, offset);
  if (hit !== null) return hit;
  const joined = joinContinuations(text, esc);
  if (joined === null) return parseShell(text, offset);
  const parsed: ShellScript = { commands: [], assignments: [], errors: [] };
  parseInto(joined.script, 0, 0, parsed);
  sortScript(parsed);
  const out = transform(parsed, toFileRange(joined.cuts, offset));
  remember(m, text, offset, out);
  return out;
}

/** Maps ranges in a joined script to file ranges: a character keeps its place, ends follow their last character. */
function toFileRange(cuts: Cut[], offset: number): (r: Range) => Range {
  /** The file offset of the joined script's character `i`. */
  const at = (i: number): number => {
    let lo = 0;
    let hi = cuts.length - 1;
    let removed = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (cuts[mid].at <= i) {
        removed = cuts[mid].removed;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return offset + i + removed;
  };
  return (r) => (r.end > r.start ? { start: at(r.start), end: at(r.end - 1) + 1 } : { start: at(r.start), end: at(r.start) });
}

// Scripts seen before are not parsed again: Dockerfiles of one repository repeat their RUN lines
// (variants of an image, templated files), and parsing is most of a lint's cost. Bounded by the
// total length of the remembered scripts.
const MEMO_MAX_CHARS = 8 << 20;
type Memo = Map<string, { offset: number; script: ShellScript }>;
const memo: Memo = new Map();
/** Scripts with line continuations, by escape character, then by their text as written (parseRunText). */
const joinedMemos = new Map<string, Memo>();
let memoChars = 0;

/** A remembered parse of `key`, moved to `offset`, or null. */
function recall(m: Memo, key: string, offset: number): ShellScript | null {
  const hit = m.get(key);
  if (hit === undefined) return null;
  // Most recently used last, so eviction drops the oldest.
  m.delete(key);
  m.set(key, hit);
  return hit.offset === offset ? hit.script : relocate(hit.script, offset - hit.offset);
}

function remember(m: Memo, key: string, offset: number, parsed: ShellScript): void {
  if (key.length > MEMO_MAX_CHARS / 8) return;
  m.set(key, { offset, script: parsed });
  memoChars += key.length;
  if (memoChars <= MEMO_MAX_CHARS) return;
  // The oldest of the map just added to go first, then those of the others.
  for (const from of [m, ...[memo, ...joinedMemos.values()].filter((x) => x !== m)]) {
    for (const old of from.keys()) {
      if (memoChars <= MEMO_MAX_CHARS) return;
      from.delete(old);
      memoChars -= old.length;
    }
  }
}

/** Forgets the scripts parsed so far (tests compare fresh parses with remembered ones). */
export function clearShellMemo(): void {
  memo.clear();
  joinedMemos.clear();
  memoChars = 0;
}

/** A copy of a parsed script moved by `delta` file offsets. */
function relocate(s: ShellScript, delta: number): ShellScript {
  return transform(s, (r) => ({ start: r.start + delta, end: r.end + delta }));
}

/** A copy of a parsed script with every range passed through `move` (options keep sharing their args' words). */
function transform(s: ShellScript, move: (r: Range) => Range): ShellScript {
  const word = (w: ShellWord): ShellWord => ({ raw: w.raw, value: w.value, range: move(w.range) });
  const assignment = (a: ShellAssignment): ShellAssignment => ({ name: a.name, value: a.value === null ? null : word(a.value), range: move(a.range) });
  const commands: ShellCommand[] = new Array(s.commands.length);
  for (let i = 0; i < s.commands.length; i++) {
    const c = s.commands[i];
    const args = c.args.map(word);
    // An option's word is one of the args (in order): keep them the same objects, as a parse does.
    const options: ShellOption[] = new Array(c.options.length);
    let j = 0;
    for (let k = 0; k < c.options.length; k++) {
      const o = c.options[k];
      while (j < c.args.length && c.args[j] !== o.word) j++;
      options[k] = { name: o.name, value: o.value, word: j < c.args.length ? args[j] : word(o.word) };
    }
    commands[i] = {
      name: word(c.name),
      args,
      options,
      assignments: c.assignments.map(assignment),
      redirects: c.redirects.map((r) => ({ op: r.op, fd: r.fd, target: r.target === null ? null : word(r.target), range: move(r.range) })),
      range: move(c.range),
      nested: c.nested,
      inPipeline: c.inPipeline,
      inSubstitution: c.inSubstitution,
    };
  }
  return { commands, assignments: s.assignments.map(assignment), errors: s.errors.map(move) };
}

export function sortScript(out: ShellScript): void {
  const cmds = out.commands;
  for (let i = 1; i < cmds.length; i++) {
    if (cmds[i - 1].range.start > cmds[i].range.start) {
      cmds.sort((a, b) => a.range.start - b.range.start || a.nested - b.nested);
      break;
    }
  }
  const as = out.assignments;
  for (let i = 1; i < as.length; i++) {
    if (as[i - 1].range.start > as[i].range.start) {
      as.sort((a, b) => a.range.start - b.range.start);
      break;
    }
  }
  const errs = out.errors;
  for (let i = 1; i < errs.length; i++) {
    if (errs[i - 1].start > errs[i].start) {
      errs.sort((a, b) => a.start - b.start || a.end - b.end);
      break;
    }
  }
}

export const NOT_READY =
  'The shell parser is not loaded: await initShell() before calling parseShell() or shellOfInstruction() (a rule that reads shells declares meta.needsShell).';

function requireParser(): Parser {
  if (parser === null) throw new Error(NOT_READY);
  return parser;
}

/** Parses `script` (at file offset `offset`) and appends its commands, then those of `sh -c` strings. */
export function parseInto(script: string, offset: number, nested: number, out: ShellScript): void {
  const p = requireParser();
  const walker = new Walker(script, offset, nested, tables!);
  let tree: Tree | null = null;
  try {
    tree = p.parse(script);
    if (tree === null) walker.errors.push({ start: 0, end: script.length });
    else walker.walk(tree);
  } catch {
    // tree-sitter or the walk failed on this input: keep what was read, flag the whole script.
    walker.errors.push({ start: 0, end: script.length });
    try {
      p.reset();
    } catch {
      // ignore
    }
  } finally {
    if (tree !== null) {
      try {
        tree.delete();
      } catch {
        // ignore
      }
    }
  }
  const inner: InnerScript[] = [];
  try {
    walker.finish(out, inner);
  } catch {
    out.errors.push({ start: offset, end: offset + script.length });
  }
  if (nested < MAX_NESTED) {
    for (const s of inner) parseInto(s.text, s.offset, nested + 1, out);
  }
}

// ---------------------------------------------------------------------------------------------
// Node type tables, by type id (the cursor gives ids; strings are looked up only when needed).

// Role 0: any other node (descended into).
/** No commands below: not descended into. */
const R_LEAF = 1;
const R_COMMAND = 2;
/** `export`/`local`/`declare`/`readonly`/`typeset`/`unset`: the keyword is the command name. */
const R_DECL = 3;
const R_REDIRECTED = 4;
const R_REDIRECT = 5;
const R_HEREDOC_REDIRECT = 6;
const R_ASSIGN = 7;
const R_COMMAND_NAME = 8;
const R_ERROR = 9;
/** `list`, `pipeline`, `negated_command`: a trailing redirect goes to their last command. */
const R_CHAIN = 10;
const R_SKIP_WORD = 11; // comment, subshell: not words of an enclosing command
const R_FD = 12;
const R_HEREDOC_START = 13;
const R_HEREDOC_PART = 14; // heredoc_body, heredoc_end, pipeline under a heredoc redirect
const R_FOR = 15; // for_statement: its `variable` is assigned

const ERROR_ID = 0xffff;

interface Tables {
  types: string[];
  role: Uint8Array;
  /** 1: the node makes a word non-static (expansions, substitutions...). */
  dynamic: Uint8Array;
  /** 1: command or process substitution. */
  subst: Uint8Array;
  named: Uint8Array;
  /** `=` / `+=` tokens. */
  assignOp: Uint8Array;
  variableName: number;
}

const LEAF_TYPES = [
  'word', 'raw_string', 'string_content', 'comment', 'heredoc_content', 'heredoc_end', 'ansi_c_string',
  'variable_name', 'special_variable_name', 'extglob_pattern', 'test_operator', 'regex',
];
const DYNAMIC_TYPES = [
  'simple_expansion', 'expansion', 'command_substitution', 'process_substitution', 'arithmetic_expansion',
  'brace_expression', 'translated_string', 'array', 'binary_expression', 'unary_expression',
  'parenthesized_expression', 'postfix_expression', 'ternary_expression', 'subscript',
];

function buildTables(lang: Language): Tables {
  const size = 0x10000;
  const t: Tables = {
    types: lang.types,
    role: new Uint8Array(size),
    dynamic: new Uint8Array(size),
    subst: new Uint8Array(size),
    named: new Uint8Array(size),
    assignOp: new Uint8Array(size),
    variableName: -1,
  };
  const roles: Record<string, number> = {
    command: R_COMMAND, declaration_command: R_DECL, unset_command: R_DECL, redirected_statement: R_REDIRECTED,
    file_redirect: R_REDIRECT, herestring_redirect: R_REDIRECT, heredoc_redirect: R_HEREDOC_REDIRECT,
    variable_assignment: R_ASSIGN, command_name: R_COMMAND_NAME, list: R_CHAIN, pipeline: R_CHAIN,
    negated_command: R_CHAIN, comment: R_SKIP_WORD, subshell: R_SKIP_WORD, file_descriptor: R_FD,
    heredoc_start: R_HEREDOC_START, heredoc_body: R_HEREDOC_PART, for_statement: R_FOR,
  };
  const n = lang.nodeTypeCount;
  for (let id = 0; id < n && id < size; id++) {
    const name = lang.nodeTypeForId(id);
    if (name === null) continue;
    if (name === 'variable_name') t.variableName = id;
    const named = lang.nodeTypeIsNamed(id);
    t.named[id] = named ? 1 : 0;
    if (!named) {
      t.role[id] = R_LEAF;
      if (name === '=' || name === '+=') t.assignOp[id] = 1;
      continue;
    }
    if (name in roles) t.role[id] = roles[name];
    else if (LEAF_TYPES.includes(name)) t.role[id] = R_LEAF;
    if (DYNAMIC_TYPES.includes(name)) t.dynamic[id] = 1;
    if (name === 'command_substitution' || name === 'process_substitution') t.subst[id] = 1;
  }
  t.role[ERROR_ID] = R_ERROR;
  t.named[ERROR_ID] = 1;
  return t;
}

// ---------------------------------------------------------------------------------------------
// The cursor. web-tree-sitter's TreeCursor keeps its state in JS and copies it into the binding's
// transfer buffer and back around every call (eight typed-array accesses through a string switch
// per step): a fifth of the shell's cost. The binding's own functions read the cursor from that
// buffer and write it back, so a walk can leave it there and call them directly.

/** What the walk reads of a cursor (TreeCursor has it all). */
interface Cursor {
  readonly nodeTypeId: number;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly nodeIsMissing: boolean;
  readonly currentFieldName: string | null | undefined;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  delete(): void;
}

type TreeFn = (tree: number) => number;
interface RawCursorApi {
  typeId: TreeFn;
  startIndex: TreeFn;
  endIndex: TreeFn;
  isMissing: TreeFn;
  fieldId: TreeFn;
  firstChild: TreeFn;
  nextSibling: TreeFn;
  parent: TreeFn;
  getValue: (address: number, type: string) => number;
  /** The transfer buffer's address; its first four words hold the cursor. */
  transfer: number;
}

/** A cursor over the binding's functions; its state lives in the transfer buffer during the walk. */
class RawCursor implements Cursor {
  private readonly inner: TreeCursor;
  private readonly tree: number;
  private readonly fields: (string | null)[];

  constructor(
    private readonly api: RawCursorApi,
    tree: Tree,
  ) {
    this.inner = tree.walk();
    this.tree = (tree as unknown as Record<number, number>)[0];
    this.fields = tree.language.fields;
    // Any public read copies the new cursor into the transfer buffer, where the walk keeps it.
    void this.inner.nodeTypeId;
  }

  get nodeTypeId(): number {
    return this.api.typeId(this.tree);
  }
  get startIndex(): number {
    return this.api.startIndex(this.tree);
  }
  get endIndex(): number {
    return this.api.endIndex(this.tree);
  }
  get nodeIsMissing(): boolean {
    return this.api.isMissing(this.tree) === 1;
  }
  get currentFieldName(): string | null | undefined {
    return this.fields[this.api.fieldId(this.tree)];
  }
  gotoFirstChild(): boolean {
    return this.api.firstChild(this.tree) === 1;
  }
  gotoNextSibling(): boolean {
    return this.api.nextSibling(this.tree) === 1;
  }
  gotoParent(): boolean {
    return this.api.parent(this.tree) === 1;
  }
  /** Copies the state back first: moving may have reallocated the cursor's stack. */
  delete(): void {
    const inner = this.inner as unknown as Record<number, number>;
    for (let k = 0; k < 4; k++) inner[k] = this.api.getValue(this.api.transfer + 4 * k, 'i32');
    this.inner.delete();
  }
}

/** A script whose walk touches every cursor call: errors, missing nodes, fields, nesting. */
const CURSOR_PROBE = 'FOO=1 apt-get install -y "a$(echo b | tr b c)" >/dev/null 2>&1 <<EOF && { if [ -f x ]; then cat <x; fi; }\nhi\nEOF\nfor i in 1 2; do echo $i; done; case $x in a) y;; esac; echo "unterminated';

/**
 * The binding's cursor functions, if it exports all of them and a walk with them gives exactly
 * what TreeCursor gives on a probe script; otherwise null (TreeCursor is used).
 */
function rawCursorApiOf(binding: Record<string, unknown>, p: Parser): RawCursorApi | null {
  const fn = (name: string) => (typeof binding[name] === 'function' ? (binding[name] as TreeFn) : null);
  const names = {
    typeId: '_ts_tree_cursor_current_node_type_id_wasm',
    startIndex: '_ts_tree_cursor_start_index_wasm',
    endIndex: '_ts_tree_cursor_end_index_wasm',
    isMissing: '_ts_tree_cursor_current_node_is_missing_wasm',
    fieldId: '_ts_tree_cursor_current_field_id_wasm',
    firstChild: '_ts_tree_cursor_goto_first_child_wasm',
    nextSibling: '_ts_tree_cursor_goto_next_sibling_wasm',
    parent: '_ts_tree_cursor_goto_parent_wasm',
  } as const;
  const init = fn('_ts_init');
  const getValue = binding.getValue;
  if (init === null || typeof getValue !== 'function') return null;
  const api: Partial<RawCursorApi> = { getValue: getValue as RawCursorApi['getValue'] };
  for (const [key, name] of Object.entries(names)) {
    const f = fn(name);
    if (f === null) return null;
    api[key as keyof typeof names] = f;
  }
  try {
    // ts_init only writes the two version words of the (static) transfer buffer and returns it.
    api.transfer = (init as () => number)();
    const full = api as RawCursorApi;
    const tree = p.parse(CURSOR_PROBE);
    if (tree === null) return null;
    try {
      const expected = trace(tree.walk());
      const got = trace(new RawCursor(full, tree));
      return expected.length > 0 && expected.join() === got.join() ? full : null;
    } finally {
      tree.delete();
    }
  } catch {
    return null;
  }
}

/** Every node of a walk as `type:start:end:missing:field` (the cursor is deleted at the end). */
function trace(c: Cursor): string[] {
  const out: string[] = [];
  try {
    for (;;) {
      out.push(`${c.nodeTypeId}:${c.startIndex}:${c.endIndex}:${c.nodeIsMissing}:${c.currentFieldName}`);
      if (c.gotoFirstChild()) continue;
      while (!c.gotoNextSibling()) if (!c.gotoParent()) return out;
    }
  } finally {
    c.delete();
  }
}

// ---------------------------------------------------------------------------------------------
// The walk: one pass of a TreeCursor over the tree, recording offsets only; words, values and
// commands are built afterwards from the script text.

interface Span {
  start: number;
  end: number;
}

interface CommandBuilder {
  decl: boolean;
  start: number;
  end: number;
  name: Span | null;
  args: Span[];
  assignments: AssignBuilder[];
  redirects: RedirectBuilder[];
  /** Args came from redirects (`cmd >f a`) and need sorting. */
  sortArgs: boolean;
  inSubstitution: boolean;
}

interface AssignBuilder {
  start: number;
  end: number;
  name: Span | null;
  opSeen: boolean;
  value: Span | null;
}

interface RedirectBuilder {
  cmd: CommandBuilder;
  heredoc: boolean;
  start: number;
  end: number;
  op: string;
  fd: Span | null;
  target: Span | null;
}

interface RedirectedFrame {
  /** The last simple command of the body (trailing redirects belong to it). */
  candidate: CommandBuilder | null;
  bodySeen: boolean;
  /** An ERROR `<<` just before a `<` redirect: the grammar's reading of `<<<` after a redirect. */
  errStart: number;
  errEnd: number;
}

interface ForFrame {
  variableSeen: boolean;
}

type Frame = CommandBuilder | AssignBuilder | RedirectBuilder | RedirectedFrame | ForFrame | null;

class Walker {
  readonly commands: CommandBuilder[] = [];
  /** `X=1` as a statement of its own (not a command's prefix) and `for X in` variables. */
  readonly bare: AssignBuilder[] = [];
  readonly errors: Span[] = [];
  /** Starts of nodes that make a word non-static, in increasing order. */
  private readonly dynamic: number[] = [];
  private ignoredErrors: number[] | null = null;

  constructor(
    private readonly script: string,
    private readonly offset: number,
    private readonly nested: number,
    private readonly t: Tables,
  ) {}

  walk(tree: Tree): void {
    const { role: ROLE, dynamic: DYN, subst: SUBST } = this.t;
    const hasError = tree.rootNode.hasError;
    const c: Cursor = rawCursorApi !== null && rawCursorEnabled ? new RawCursor(rawCursorApi, tree) : tree.walk();
    const fRole: number[] = [];
    const fId: number[] = [];
    const fData: Frame[] = [];
    let depth = 0;
    let subst = 0;
    let errorEnd = -1;
    try {
      for (;;) {
        const id = c.nodeTypeId;
        const role = ROLE[id];
        let data: Frame = null;
        let start = -1;
        if (depth > 0) {
          const parentData = fData[depth - 1];
          if (parentData !== null) {
            const pr = fRole[depth - 1];
            if (pr === R_COMMAND || pr === R_DECL) {
              data = this.commandChild(c, parentData as CommandBuilder, id, role, pr === R_DECL);
            } else if (pr === R_ASSIGN) {
              this.assignmentChild(c, parentData as AssignBuilder, id);
            } else if (pr === R_REDIRECT || pr === R_HEREDOC_REDIRECT) {
              data = this.redirectChild(c, parentData as RedirectBuilder, id, role, pr === R_HEREDOC_REDIRECT);
            } else if (pr === R_REDIRECTED) {
              data = this.redirectedChild(c, parentData as RedirectedFrame, role);
            } else if (pr === R_FOR && id === this.t.variableName && !(parentData as ForFrame).variableSeen) {
              (parentData as ForFrame).variableSeen = true;
              const name = { start: c.startIndex, end: c.endIndex };
              this.bare.push({ start: name.start, end: name.end, name, opSeen: true, value: null });
            }
          }
        }
        if (role === R_ASSIGN && (depth === 0 || (fRole[depth - 1] !== R_COMMAND && fRole[depth - 1] !== R_DECL))) {
          const a: AssignBuilder = { start: c.startIndex, end: c.endIndex, name: null, opSeen: false, value: null };
          this.bare.push(a);
          data = a;
        }
        if (role === R_COMMAND || role === R_DECL) {
          start = c.startIndex;
          const b: CommandBuilder = {
            decl: role === R_DECL, start, end: c.endIndex, name: null, args: [], assignments: [], redirects: [],
            sortArgs: false, inSubstitution: subst > 0,
          };
          this.commands.push(b);
          data = b;
          // Trailing redirects of `a && b >f` / `a | b >f` hang on the list; they belong to `b`.
          for (let k = depth - 1; k >= 0; k--) {
            const r = fRole[k];
            if (r === R_REDIRECTED) {
              const f = fData[k] as RedirectedFrame;
              if (f.bodySeen) break;
              f.candidate = b;
            } else if (r !== R_CHAIN) break;
          }
        } else if (role === R_REDIRECTED) {
          data = { candidate: null, bodySeen: false, errStart: -1, errEnd: -1 };
        } else if (role === R_FOR) {
          data = { variableSeen: false };
        }
        if (DYN[id] === 1) this.dynamic.push(start >= 0 ? start : c.startIndex);
        if (hasError) {
          if (id === ERROR_ID) {
            const s = c.startIndex;
            if (s >= errorEnd) {
              errorEnd = c.endIndex;
              this.errors.push({ start: s, end: errorEnd });
            }
          } else if (c.nodeIsMissing) {
            const s = c.startIndex;
            if (s >= errorEnd) this.errors.push({ start: s, end: s });
          }
        }
        if (role !== R_LEAF && c.gotoFirstChild()) {
          fRole[depth] = role;
          fId[depth] = id;
          fData[depth] = data;
          depth++;
          if (SUBST[id] === 1) subst++;
          continue;
        }
        for (;;) {
          if (depth > 0) {
            // Leaving a child of a redirected_statement: the body has been read.
            const pd = fData[depth - 1];
            if (fRole[depth - 1] === R_REDIRECTED && pd !== null) (pd as RedirectedFrame).bodySeen = true;
          }
          if (c.gotoNextSibling()) break;
          if (!c.gotoParent()) return;
          depth--;
          if (SUBST[fId[depth]] === 1) subst--;
        }
      }
    } finally {
      c.delete();
    }
  }

  private commandChild(c: Cursor, b: CommandBuilder, id: number, role: number, decl: boolean): Frame {
    if (decl && b.name === null) {
      b.name = { start: c.startIndex, end: c.endIndex };
      return null;
    }
    switch (role) {
      case R_COMMAND_NAME:
        b.name = { start: c.startIndex, end: c.endIndex };
        return null;
      case R_ASSIGN:
        if (b.name === null && !decl) {
          const a: AssignBuilder = { start: c.startIndex, end: c.endIndex, name: null, opSeen: false, value: null };
          b.assignments.push(a);
          return a;
        }
        break;
      case R_REDIRECT:
      case R_HEREDOC_REDIRECT: {
        const r: RedirectBuilder = {
          cmd: b, heredoc: role === R_HEREDOC_REDIRECT, start: c.startIndex, end: c.endIndex, op: '', fd: null, target: null,
        };
        b.redirects.push(r);
        return r;
      }
      case R_SKIP_WORD:
      case R_ERROR:
        return null;
    }
    if (b.name !== null) b.args.push({ start: c.startIndex, end: c.endIndex });
    return null;
  }

  private assignmentChild(c: Cursor, a: AssignBuilder, id: number): void {
    if (!a.opSeen) {
      if (this.t.assignOp[id] === 1) a.opSeen = true;
      else if (a.name === null) a.name = { start: c.startIndex, end: c.endIndex };
    } else if (a.value === null) {
      a.value = { start: c.startIndex, end: c.endIndex };
    }
  }

  private redirectChild(c: Cursor, r: RedirectBuilder, id: number, role: number, heredoc: boolean): Frame {
    if (role === R_FD) {
      r.fd = { start: c.startIndex, end: c.endIndex };
      return null;
    }
    if (this.t.named[id] === 0) {
      if (r.op === '') r.op = this.t.types[id] ?? '';
      return null;
    }
    if (heredoc) {
      if (role === R_HEREDOC_START) {
        r.target = { start: c.startIndex, end: c.endIndex };
        r.end = r.target.end;
      } else if (role === R_REDIRECT) {
        const nr: RedirectBuilder = { cmd: r.cmd, heredoc: false, start: c.startIndex, end: c.endIndex, op: '', fd: null, target: null };
        r.cmd.redirects.push(nr);
        return nr;
      } else if (role !== R_HEREDOC_PART && role !== R_CHAIN && role !== R_ERROR && role !== R_SKIP_WORD) {
        if (c.currentFieldName === 'argument') {
          r.cmd.args.push({ start: c.startIndex, end: c.endIndex });
          r.cmd.sortArgs = true;
        }
      }
      return null;
    }
    if (role === R_SKIP_WORD || role === R_ERROR) return null;
    if (r.target === null) {
      r.target = { start: c.startIndex, end: c.endIndex };
    } else {
      // `cmd >f a b`: words after the target are arguments of the command.
      if (r.end > r.target.end) r.end = r.target.end;
      r.cmd.args.push({ start: c.startIndex, end: c.endIndex });
      r.cmd.sortArgs = true;
    }
    return null;
  }

  private redirectedChild(c: Cursor, f: RedirectedFrame, role: number): Frame {
    if (!f.bodySeen) return null; // the body
    if (role === R_ERROR) {
      const s = c.startIndex;
      const e = c.endIndex;
      if (e - s === 2 && this.script.charCodeAt(s) === 60 && this.script.charCodeAt(s + 1) === 60) {
        f.errStart = s;
        f.errEnd = e;
      }
      return null;
    }
    if ((role !== R_REDIRECT && role !== R_HEREDOC_REDIRECT) || f.candidate === null) return null;
    const b = f.candidate;
    const r: RedirectBuilder = {
      cmd: b, heredoc: role === R_HEREDOC_REDIRECT, start: c.startIndex, end: c.endIndex, op: '', fd: null, target: null,
    };
    if (f.errStart >= 0 && r.start === f.errEnd && this.script.charCodeAt(r.start) === 60) {
      // `cmd >f <<<x`: the grammar reads `<<<` as an error `<<` and a `<x` redirect.
      (this.ignoredErrors ??= []).push(f.errStart);
      r.start = f.errStart;
      r.op = '<<<';
      f.errStart = -1;
    }
    b.redirects.push(r);
    b.sortArgs = true;
    return r;
  }

  /** Builds the commands (appended to `out`) and collects `sh -c` scripts to parse. */
  finish(out: ShellScript, inner: InnerScript[]): void {
    const off = this.offset;
    for (const a of this.bare) out.assignments.push(this.assignment(a));
    for (const e of this.errors) {
      if (this.ignoredErrors !== null && this.ignoredErrors.includes(e.start)) continue;
      out.errors.push({ start: e.start + off, end: e.end + off });
    }
    for (const b of this.commands) {
      if (b.name === null) continue;
      let end = b.end;
      const redirects: ShellRedirect[] = [];
      for (const r of b.redirects) {
        if (r.end > end) end = r.end;
        redirects.push({
          op: r.op,
          fd: r.fd === null ? null : this.script.slice(r.fd.start, r.fd.end),
          target: r.target === null ? null : this.word(r.target),
          range: { start: r.start + off, end: r.end + off },
        });
      }
      if (b.sortArgs) {
        b.args.sort((x, y) => x.start - y.start);
        redirects.sort((x, y) => x.range.start - y.range.start);
      }
      if (!joinTouchingWords(b)) {
        // `X=$A/$B/c` alone: an assignment, not the command `B/c`.
        for (const a of b.assignments) out.assignments.push(this.assignment(a));
        continue;
      }
      const args: ShellWord[] = new Array(b.args.length);
      for (let i = 0; i < b.args.length; i++) {
        const a = b.args[i];
        if (a.end > end) end = a.end;
        args[i] = this.word(a);
      }
      const assignments: ShellAssignment[] = b.assignments.map((a) => this.assignment(a));
      const name = this.word(b.name);
      if (b.decl && name.value === null) name.value = name.raw;
      const cmd: ShellCommand = {
        name,
        args,
        options: options(args),
        assignments,
        redirects,
        range: { start: b.start + off, end: end + off },
        nested: this.nested,
        inPipeline: this.piped(b.start, end),
        inSubstitution: b.inSubstitution,
      };
      out.commands.push(cmd);
      if (this.nested < MAX_NESTED) {
        const s = innerScriptOf(cmd);
        if (s !== null) inner.push(s);
      }
    }
  }

  private assignment(a: AssignBuilder): ShellAssignment {
    return {
      name: a.name === null ? '' : this.script.slice(a.name.start, a.name.end),
      value: a.value === null ? null : this.word(a.value),
      range: { start: a.start + this.offset, end: a.end + this.offset },
    };
  }

  private word(s: Span): ShellWord {
    const raw = this.script.slice(s.start, s.end);
    return {
      raw,
      value: this.isDynamic(s.start, s.end) ? null : unquoteShell(raw),
      range: { start: s.start + this.offset, end: s.end + this.offset },
    };
  }

  /** Whether a node that makes words non-static starts inside [start, end). */
  private isDynamic(start: number, end: number): boolean {
    const d = this.dynamic;
    let lo = 0;
    let hi = d.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (d[mid] < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < d.length && d[lo] < end;
  }

  /**
   * Whether a command (script offsets) is a stage of a `|` pipeline: read from the text around it,
   * as tree-sitter-bash nests `a && b | c` as `(a && b) | c`.
   */
  private piped(start: number, end: number): boolean {
    const s = this.script;
    let i = end;
    for (;;) {
      const ch = s.charCodeAt(i);
      if (ch === 32 || ch === 9) i++;
      else if (ch === 92 && s.charCodeAt(i + 1) === 10) i += 2;
      else if (ch === 92 && s.charCodeAt(i + 1) === 13 && s.charCodeAt(i + 2) === 10) i += 3;
      else break;
    }
    if (s.charCodeAt(i) === 124 && s.charCodeAt(i + 1) !== 124) return true;
    let j = start - 1;
    let bang = false;
    for (;;) {
      const ch = s.charCodeAt(j);
      if (ch === 32 || ch === 9 || ch === 10 || ch === 13) j--;
      else if (ch === 92 && (s.charCodeAt(j + 1) === 10 || s.charCodeAt(j + 1) === 13)) j--;
      else if (ch === 33 && !bang) {
        bang = true;
        j--;
      } else break;
    }
    const ch = s.charCodeAt(j);
    if (ch === 38) return s.charCodeAt(j - 1) === 124; // `|&`
    return ch === 124 && s.charCodeAt(j - 1) !== 124;
  }
}

/**
 * tree-sitter-bash ends a word early when an expansion is followed by text holding another `$`:
 * `$A/$B/c` reads as the words `$A/$` and `B/c`, and `X=$A/$B/c make` as the command `B/c`. The
 * shell splits words only at blanks and operators, so a word that starts where the one before it
 * ends is part of it. False when no command is left (`X=$A/$B/c` alone).
 */
function joinTouchingWords(b: CommandBuilder): boolean {
  if (b.name === null) return false;
  const last = b.assignments[b.assignments.length - 1];
  while (last !== undefined && last.end === b.name.start) {
    last.value = { start: last.value?.start ?? b.name.start, end: b.name.end };
    last.end = b.name.end;
    const next = b.args.shift();
    if (next === undefined) return false; // no command left
    b.name = next;
  }
  if (b.args.length === 0) return true;
  let name = b.name;
  const args: Span[] = [];
  for (const a of b.args) {
    const prev = args.length > 0 ? args[args.length - 1] : name;
    if (a.start === prev.end) {
      const joined = { start: prev.start, end: a.end };
      if (args.length > 0) args[args.length - 1] = joined;
      else name = joined;
    } else args.push(a);
  }
  b.name = name;
  b.args = args;
  return true;
}

export interface InnerScript {
  text: string;
  offset: number;
}

export const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'yash', 'posh']);

/** Options of a command: args starting with `-` up to `--`. */
export function options(args: ShellWord[]): ShellOption[] {
  const out: ShellOption[] = [];
  for (const word of args) {
    const text = word.value ?? word.raw;
    if (text.length < 2 || text.charCodeAt(0) !== 45 /* - */) continue;
    if (text === '--') break;
    if (text.charCodeAt(1) === 45) {
      const eq = text.indexOf('=');
      if (eq > 2) {
        out.push({ name: text.slice(0, eq), value: text.slice(eq + 1), word });
        continue;
      }
    }
    out.push({ name: text, value: null, word });
  }
  return out;
}

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

/** Shell options that take the next word as their value. */
const SHELL_OPTION_ARGS = new Set(['-o', '+o', '-O', '+O', '--rcfile', '--init-file']);

/** The script string of `sh -c '...'`, `bash -lc "..."`, `su -c '...'`, when it can be mapped to the file. */
export function innerScriptOf(cmd: ShellCommand): InnerScript | null {
  const name = cmd.name.value;
  if (name === null) return null;
  const base = basename(name);
  const args = cmd.args;
  let script: ShellWord | null = null;
  if (SHELLS.has(base)) {
    // The command string is the first non-option argument once `-c` (alone or in a cluster) is seen.
    let seenC = false;
    let endOfOptions = false;
    for (let i = 0; i < args.length; i++) {
      const v = args[i].value;
      if (v === null) {
        if (seenC) script = args[i];
        break;
      }
      if (!endOfOptions && (v[0] === '-' || v[0] === '+')) {
        if (v === '--' || v === '-') endOfOptions = true;
        else if (SHELL_OPTION_ARGS.has(v)) i++;
        else if (v[1] !== '-') {
          if (v[0] === '-' && v.indexOf('c', 1) > 0) seenC = true;
          // `-o pipefail`, `-euxo pipefail`: each `o`/`O` takes the next word.
          for (let k = 1; k < v.length; k++) if (v[k] === 'o' || v[k] === 'O') i++;
        }
        continue;
      }
      if (seenC) script = args[i];
      break;
    }
  } else if (base === 'su') {
    for (let i = 0; i + 1 < args.length; i++) {
      const v = args[i].value;
      if (v === '-c' || v === '--command') {
        script = args[i + 1];
        break;
      }
    }
  }
  if (script === null || script.value === null) return null;
  return mappableText(script);
}

/** The word's value with its file offset, when the value is the raw text with at most one pair of plain quotes. */
export function mappableText(word: ShellWord): InnerScript | null {
  const { raw, value } = word;
  if (value === null) return null;
  if (raw === value) return { text: value, offset: word.range.start };
  const q = raw.charCodeAt(0);
  if ((q === 39 || q === 34) && raw.length >= 2 && raw.charCodeAt(raw.length - 1) === q && raw.length === value.length + 2 && raw.slice(1, -1) === value) {
    return { text: value, offset: word.range.start + 1 };
  }
  return null;
}
