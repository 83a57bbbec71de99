import { DockerfileParser, Instruction as DfInstructionClass, ModifiableInstruction as DfModifiableInstruction, Property as DfPropertyClass, Comment as DfComment, PropertyInstruction as DfPropertyInstructionClass } from 'dockerfile-ast';
import { Parser as DfParser } from 'dockerfile-ast/lib/parser.js';
import { Util as DfUtil } from 'dockerfile-ast/lib/util.js';
import type {
  Argument as DfArgument,
  Dockerfile as DfDockerfile,
  Flag as DfFlag,
  Instruction as DfInstruction,
  Property as DfProperty,
} from 'dockerfile-ast';
import { LineIndex, type Range } from '../text.js';
import {
  KNOWN_INSTRUCTIONS,
  type Comment,
  type Directive,
  type DockerfileAst,
  type Flag,
  type FlagOption,
  type Heredoc,
  type Instruction,
  type ParseDiagnostic,
  type Property,
  type Word,
} from './ast.js';
import { unquote } from './words.js';
import { offsetArgument, offsetsOf, splitRawArguments, type SplitSource } from './split.js';
import { simpleArgumentOffsets, simpleProperties } from './properties.js';

export interface ParseOptions {
  /** Files larger than this many characters are not linted (default 5 MiB). */
  maxLength?: number;
}

export const DEFAULT_MAX_LENGTH = 5 * 1024 * 1024;
const KNOWN = new Set<string>(KNOWN_INSTRUCTIONS);
const JSON_CAPABLE = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'VOLUME', 'COPY', 'ADD', 'HEALTHCHECK']);

interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** Parses a Dockerfile. Never throws: problems become diagnostics on the returned tree. */
export function parse(input: string, options: ParseOptions = {}): { ast: DockerfileAst; lines: LineIndex } {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const ast: DockerfileAst = {
    type: 'Dockerfile',
    text,
    range: { start: 0, end: text.length },
    instructions: [],
    comments: [],
    directives: [],
    escapeChar: '\\',
    diagnostics: [],
  };
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  if (text.length > maxLength) {
    ast.diagnostics.push({
      message: `File is too large to lint (${text.length} characters; the limit is ${maxLength}).`,
      range: { start: 0, end: 0 },
      fatal: true,
    });
    return { ast, lines: new LineIndex(text) };
  }
  if (looksBinary(text)) {
    ast.diagnostics.push({ message: 'File looks binary (it contains NUL bytes); not a Dockerfile.', range: { start: 0, end: 0 }, fatal: true });
    return { ast, lines: new LineIndex(text) };
  }

  // Two things BuildKit reads and dockerfile-ast does not; dockerfile-ast gets the text with them
  // blanked (same offsets): a file descriptor before a heredoc word, and a lone line continuation.
  const parsed = blankLoneContinuations(maskHeredocDescriptors(text));
  let df: DfDockerfile;
  try {
    df = DockerfileParser.parse(parsed);
  } catch (error) {
    ast.diagnostics.push({ message: `Could not parse the file: ${errorMessage(error)}`, range: { start: 0, end: 0 }, fatal: true });
    return { ast, lines: new LineIndex(text) };
  }
  const lines = new LineIndex(text, parsed === text ? documentLineStarts(df, text) : undefined);

  const toRange = (r: LspRange): Range => ({
    start: lines.offsetAt(r.start.line, r.start.character),
    end: lines.offsetAt(r.end.line, r.end.character),
  });
  const reader = new Reader(text, parsed, toRange, ast.diagnostics);

  ast.escapeChar = guard(() => df.getEscapeCharacter(), '\\');
  ast.directives = guard(() => df.getDirectives().map((d): Directive => ({
    type: 'Directive',
    name: d.getName().toLowerCase(),
    value: d.getValue(),
    range: toRange(d.getRange()),
    nameRange: toRange(d.getNameRange()),
    valueRange: toRange(d.getValueRange()),
  })), []);
  ast.comments = guard(() => df.getComments().map((c): Comment => ({
    type: 'Comment',
    text: c.getContent().trim(),
    range: toRange(c.getRange()),
  })), []);

  const instructions = guard(() => df.getInstructions(), [] as DfInstruction[]);
  for (let i = 0; i < instructions.length; i++) {
    const instr = reader.instruction(instructions[i], i, ast.escapeChar, null);
    if (instr) ast.instructions.push(instr);
  }
  return { ast, lines };
}

/**
 * dockerfile-ast splits an instruction's arguments afresh on every accessor call, and its own
 * parse and accessors (flags, heredocs, properties, JSON) ask many times per instruction: most of
 * its cost. Split once per instruction, with a cheaper copy of its splitter, and share the array.
 * The one caller in the library that changed the array it got (ModifiableInstruction shifting the
 * flags off) now slices instead.
 */
const MEMO = Symbol('stowage.arguments');
const PATCHED = Symbol.for('stowage.patched');

/** dockerfile-ast's own splitting, kept for the test that proves `splitRawArguments` equal to it. */
export const ORIGINAL_SPLIT = Symbol.for('stowage.originalGetRawArguments');

function memoizeArgumentSplitting(): void {
  type Memo = { getRawArguments(): DfArgument[]; getArguments(): DfArgument[]; getFlags(): unknown[]; [MEMO]?: DfArgument[] };
  const base = DfInstructionClass.prototype as unknown as Memo & { [PATCHED]?: true; [ORIGINAL_SPLIT]?: () => DfArgument[] };
  if (base[PATCHED]) return;
  base[ORIGINAL_SPLIT] = base.getRawArguments;
  base.getRawArguments = function (this: Memo) {
    return (this[MEMO] ??= splitRawArguments(this as unknown as SplitSource));
  };
  const baseGetArguments = base.getArguments;
  (DfModifiableInstruction.prototype as unknown as Memo).getArguments = function (this: Memo) {
    const args = baseGetArguments.call(this);
    const flags = this.getFlags().length;
    return flags === 0 ? args : args.slice(flags);
  };
  base[PATCHED] = true;
}
memoizeArgumentSplitting();

/**
 * dockerfile-ast reads the words of every ARG (its constructor asks) and of ENV and LABEL one
 * character at a time, with a range and positions per word. On one line without the escape
 * character the same words come from `simpleArgumentOffsets`, with ranges made when asked.
 * Proven equal to the original in patches.test.ts.
 */
export const ORIGINAL_PROPERTY_ARGUMENTS = Symbol.for('stowage.originalGetPropertyArguments');
function fasterPropertyArguments(): void {
  type P = {
    document: SplitSource['document'] & { getText(): string };
    escapeChar: string;
    getInstructionRange(): LspRange;
    getRange(): LspRange;
    getPropertyArguments(): DfArgument[];
    [ORIGINAL_PROPERTY_ARGUMENTS]?: () => DfArgument[];
  };
  const proto = DfPropertyInstructionClass.prototype as unknown as P;
  // Its own mark: PATCHED on Instruction.prototype is inherited here.
  if (Object.prototype.hasOwnProperty.call(proto, ORIGINAL_PROPERTY_ARGUMENTS) || typeof proto.getPropertyArguments !== 'function') return;
  const original = proto.getPropertyArguments;
  proto[ORIGINAL_PROPERTY_ARGUMENTS] = original;
  proto.getPropertyArguments = function (this: P) {
    const doc = this.document;
    const text = doc.getText();
    const from = doc.offsetAt(this.getInstructionRange().end);
    const pairs = simpleArgumentOffsets(text, from, doc.offsetAt(this.getRange().end), this.escapeChar);
    if (pairs === null) return original.call(this);
    const args: DfArgument[] = [];
    for (let k = 0; k < pairs.length; k += 2) args.push(offsetArgument(text.slice(pairs[k], pairs[k + 1]), doc, pairs[k], pairs[k + 1]));
    return args;
  };
}
fasterPropertyArguments();

/**
 * dockerfile-ast's parser builds each instruction twice: once to look for heredocs after its
 * first line, then again with the same bounds to keep (or wider bounds past the heredocs). The
 * object depends only on those arguments, so hand back the first one when they repeat; it then
 * also keeps the arguments split the first time.
 */
const LAST = Symbol('stowage.lastInstruction');
function reuseInstructionObjects(): void {
  type Last = { dockerfile: unknown; instruction: string; start: number; instructionEnd: number; end: number; made: unknown };
  type Create = (dockerfile: unknown, instruction: string, start: number, instructionEnd: number, end: number) => unknown;
  const proto = DfParser.prototype as unknown as { createInstruction: Create; [LAST]?: Last | null; [PATCHED]?: true };
  if (proto[PATCHED]) return;
  const create = proto.createInstruction;
  proto.createInstruction = function (this: typeof proto, dockerfile, instruction, start, instructionEnd, end) {
    const last = this[LAST];
    if (last && last.start === start && last.end === end && last.instructionEnd === instructionEnd && last.instruction === instruction && last.dockerfile === dockerfile) {
      this[LAST] = null;
      return last.made;
    }
    const made = create.call(this, dockerfile, instruction, start, instructionEnd, end);
    this[LAST] = { dockerfile, instruction, start, instructionEnd, end, made };
    return made;
  };
  proto[PATCHED] = true;
}
reuseInstructionObjects();

/**
 * dockerfile-ast unescapes every ARG/ENV/LABEL name and value one character at a time. A text
 * without the escape character, line breaks, leading whitespace or a leading quote comes back
 * unchanged (each character takes the plain branch), so return it as is.
 */
const PLAIN_VALUE = Symbol.for('stowage.plainPropertyValue');
function plainPropertyValues(): void {
  type GetValue = (value: string, escapeChar: string) => string;
  const cls = DfPropertyClass as unknown as { getValue: GetValue; [PLAIN_VALUE]?: GetValue };
  if (cls[PLAIN_VALUE]) return;
  const original = cls.getValue;
  cls[PLAIN_VALUE] = original;
  cls.getValue = function (value: string, escapeChar: string): string {
    return isPlainValue(value, escapeChar) ? value : original.call(this, value, escapeChar);
  };
}

export function isPlainValue(value: string, escapeChar: string): boolean {
  const first = value.charCodeAt(0);
  // space, tab, double and single quote
  if (first === 32 || first === 9 || first === 34 || first === 39) return false;
  const esc = escapeChar.length === 1 ? escapeChar.charCodeAt(0) : -1;
  if (esc === -1) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === esc || c === 10 || c === 13) return false;
  }
  return true;
}
plainPropertyValues();

/**
 * dockerfile-ast turns offsets into positions one at a time, mostly a little after the previous
 * one on the same or the next line; each call binary-searches the line starts. Try those two
 * lines first: the line holding an offset is unique, so the answer is the same.
 */
const LINE_HINT = Symbol('stowage.lineHint');
export const ORIGINAL_POSITION_AT = Symbol.for('stowage.originalPositionAt');
export const ORIGINAL_LINE_OFFSETS = Symbol.for('stowage.originalGetLineOffsets');
function hintedPositionAt(): void {
  type Doc = {
    _content: string;
    getLineOffsets(): number[];
    ensureBeforeEOL(offset: number, lineOffset: number): number;
    positionAt(offset: number): LspPosition;
    [LINE_HINT]?: number;
  };
  const doc = (DockerfileParser.parse('') as unknown as { document?: Doc }).document;
  const proto = doc && (Object.getPrototypeOf(doc) as Doc & { [PATCHED]?: true; [ORIGINAL_POSITION_AT]?: (offset: number) => LspPosition });
  // Only the text document this was written against (its fields are private).
  if (!proto || proto[PATCHED] || typeof proto.getLineOffsets !== 'function' || typeof proto.ensureBeforeEOL !== 'function' || typeof doc._content !== 'string' || !('_lineOffsets' in doc)) return;
  proto[ORIGINAL_POSITION_AT] = proto.positionAt;
  // Line starts of a text without \r are the positions after each \n: find those natively.
  const getLineOffsets = proto.getLineOffsets;
  (proto as unknown as Record<symbol, unknown>)[ORIGINAL_LINE_OFFSETS] = getLineOffsets;
  proto.getLineOffsets = function (this: Doc & { _lineOffsets?: number[] }): number[] {
    if (this._lineOffsets === undefined && this._content.indexOf('\r') < 0) {
      const text = this._content;
      const starts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this._lineOffsets = starts;
    }
    return getLineOffsets.call(this);
  };
  proto.positionAt = function (this: Doc, at: number): LspPosition {
    let offset = Math.max(Math.min(at, this._content.length), 0);
    const lineOffsets = this.getLineOffsets();
    const count = lineOffsets.length;
    if (count === 0) return { line: 0, character: offset };
    let line = this[LINE_HINT] ?? 0;
    // The hinted line, else the next one (the scan moved on), else search.
    if (!onLine(lineOffsets, line, offset)) {
      if (onLine(lineOffsets, line + 1, offset)) line++;
      else {
        let low = 0;
        let high = count;
        while (low < high) {
          const mid = Math.floor((low + high) / 2);
          if (lineOffsets[mid] > offset) high = mid;
          else low = mid + 1;
        }
        line = low - 1;
      }
      this[LINE_HINT] = line;
    }
    offset = this.ensureBeforeEOL(offset, lineOffsets[line]);
    return { line, character: offset - lineOffsets[line] };
  };
  proto[PATCHED] = true;
}
hintedPositionAt();

function onLine(lineOffsets: number[], line: number, offset: number): boolean {
  return line < lineOffsets.length && lineOffsets[line] <= offset && (line + 1 === lineOffsets.length || lineOffsets[line + 1] > offset);
}

/**
 * dockerfile-ast's parser finds where an instruction ends by reading every character with
 * `charAt` and a string switch. Outside an escaped line break only line breaks and the escape
 * character matter, so jump between those with a native regex search; the rest is the original
 * logic step for step. Proven equal to the original in patches.test.ts.
 */
export const ORIGINAL_PROCESS_ARGUMENTS = Symbol.for('stowage.originalProcessArguments');
const STOPS: Record<string, RegExp> = { '\\': /[\r\n\\]/g, '`': /[\r\n`]/g };
function fasterArgumentScan(): void {
  type P = {
    buffer: string;
    escapeChar: string;
    processArguments(dockerfile: unknown, instruction: string, instructionEnd: number, start: number, offset: number): number;
    processHeredocs(instruction: unknown, offset: number): number;
    createInstruction(dockerfile: unknown, instruction: string, start: number, instructionEnd: number, end: number): unknown;
    processComment(dockerfile: unknown, start: number): number;
    [ORIGINAL_PROCESS_ARGUMENTS]?: P['processArguments'];
  };
  const proto = DfParser.prototype as unknown as P;
  if (proto[ORIGINAL_PROCESS_ARGUMENTS]) return;
  const original = proto.processArguments;
  proto[ORIGINAL_PROCESS_ARGUMENTS] = original;
  proto.processArguments = function (this: P, dockerfile, instruction, instructionEnd, start, offset) {
    const stops = STOPS[this.escapeChar];
    if (!stops) return original.call(this, dockerfile, instruction, instructionEnd, start, offset);
    const buffer = this.buffer;
    const n = buffer.length;
    const esc = this.escapeChar.charCodeAt(0);
    let escaped = false;
    for (let i = offset + 1; i < n; i++) {
      if (!escaped) {
        stops.lastIndex = i;
        if (stops.exec(buffer) === null) return n;
        i = stops.lastIndex - 1;
      }
      const c = buffer.charCodeAt(i);
      if (c === 13 || c === 10) {
        if (escaped) continue;
        return this.processHeredocs(this.createInstruction(dockerfile, instruction, start, instructionEnd, i), i);
      } else if (c === esc) {
        const next = i + 1 < n ? buffer.charCodeAt(i + 1) : -1;
        if (next === 10 || next === 13) {
          escaped = true;
          i++;
        } else if (next === 32 || next === 9) {
          let j = i + 2;
          for (; j < n; j++) {
            const d = buffer.charCodeAt(j);
            if (d === 32 || d === 9) continue;
            if (d === 13 || d === 10) escaped = true;
            break;
          }
          if (j >= n) return n;
          i = j;
        }
      } else if (c === 35) {
        if (escaped) i = this.processComment(dockerfile, i);
      } else if (c !== 32 && c !== 9) {
        escaped = false;
      }
    }
    return n;
  };
}
fasterArgumentScan();

/** Likewise the end of a comment: the next line break, found natively. */
export const ORIGINAL_PROCESS_COMMENT = Symbol.for('stowage.originalProcessComment');
const LINE_BREAK = /[\r\n]/g;
function fasterCommentScan(): void {
  type P = {
    buffer: string;
    document: { positionAt(offset: number): LspPosition };
    processComment(dockerfile: { addComment(c: unknown): void }, start: number): number;
    [ORIGINAL_PROCESS_COMMENT]?: P['processComment'];
  };
  const proto = DfParser.prototype as unknown as P;
  if (proto[ORIGINAL_PROCESS_COMMENT]) return;
  proto[ORIGINAL_PROCESS_COMMENT] = proto.processComment;
  proto.processComment = function (this: P, dockerfile, start) {
    LINE_BREAK.lastIndex = start + 1;
    const end = LINE_BREAK.exec(this.buffer)?.index ?? this.buffer.length;
    // Range.create returns valid positions as { start, end }.
    const range = { start: this.document.positionAt(start), end: this.document.positionAt(end) };
    dockerfile.addComment(new DfComment(this.document as never, range));
    return end;
  };
}
fasterCommentScan();

/**
 * dockerfile-ast asks twice per parse whether the text starts with a BOM by UTF-8 encoding its
 * first character into a new Buffer. Those bytes are EF BB BF exactly when that character is U+FEFF.
 */
export const ORIGINAL_IS_BOM = Symbol.for('stowage.originalIsUTF8BOM');
function cheaperBomTest(): void {
  const util = DfUtil as unknown as { isUTF8BOM(char: string): boolean; [ORIGINAL_IS_BOM]?: (char: string) => boolean };
  if (util[ORIGINAL_IS_BOM]) return;
  util[ORIGINAL_IS_BOM] = util.isUTF8BOM;
  util.isUTF8BOM = (char: string) => char.charCodeAt(0) === 0xfeff;
}
cheaperBomTest();

interface LspPosition {
  line: number;
  character: number;
}
interface StageLike {
  getRange(): LspRange;
  addComment(comment: unknown): void;
}

/** Same test as dockerfile-ast's Util.isInsideRange (ends included). */
function isInside(p: LspPosition, r: LspRange): boolean {
  if (r.start.line === r.end.line) return p.line === r.start.line && r.start.character <= p.character && p.character <= r.end.character;
  if (p.line === r.start.line) return r.start.character <= p.character;
  if (p.line === r.end.line) return p.character <= r.end.character;
  return r.start.line < p.line && p.line < r.end.line;
}

function before(a: LspPosition, b: LspPosition): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

/**
 * dockerfile-ast hands each comment to its stage by testing every stage, recomputing each stage's
 * range every time: comments x stages, which makes long generated files quadratic. Stages are in
 * file order and do not overlap, so a binary search over ranges computed once gives the same result.
 */
function linearCommentOrganizing(): void {
  const proto = Object.getPrototypeOf(DockerfileParser.parse('')) as {
    organizeComments(): void;
    [PATCHED]?: true;
  };
  if (proto[PATCHED]) return;
  proto.organizeComments = function (this: { getComments(): { getRange(): LspRange }[]; initialInstructions: StageLike; buildStages: StageLike[] }) {
    const initial = this.initialInstructions.getRange();
    const stages = this.buildStages;
    const ranges = stages.map((s) => s.getRange());
    for (const comment of this.getComments()) {
      const r = comment.getRange();
      if (isInside(r.end, initial)) {
        this.initialInstructions.addComment(comment);
        continue;
      }
      let lo = 0;
      let hi = ranges.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (before(ranges[mid].start, r.start)) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (found >= 0 && isInside(r.start, ranges[found])) stages[found].addComment(comment);
    }
  };
  proto[PATCHED] = true;
}
linearCommentOrganizing();

function argProperty(w: Word, escapeChar: string): Property {
  const eq = w.raw.indexOf('=');
  if (eq < 0) return { name: w.value, nameRange: w.range, value: null, rawValue: null, valueRange: null, range: w.range };
  const rawValue = w.raw.slice(eq + 1);
  return {
    name: w.raw.slice(0, eq),
    nameRange: { start: w.range.start, end: w.range.start + eq },
    value: unquote(joinLines(rawValue), escapeChar),
    rawValue,
    valueRange: { start: w.range.start + eq + 1, end: w.range.end },
    range: w.range,
  };
}

const CONTINUATION = /\\\r?\n/g;
/** The text without backslash line continuations (most words have no line break at all). */
function joinLines(raw: string): string {
  return raw.indexOf('\n') < 0 ? raw : raw.replace(CONTINUATION, '');
}

/** Whether a word lies in a heredoc body (dockerfile-ast also splits bodies into words). */
function inHeredocBody(r: Range, heredocs: Heredoc[]): boolean {
  for (const h of heredocs) {
    const bodyStart = h.contentRange?.start ?? h.delimiterRange?.start ?? Infinity;
    const bodyEnd = h.delimiterRange?.end ?? h.contentRange?.end ?? -Infinity;
    if (r.start >= bodyStart && r.end <= bodyEnd) return true;
  }
  return false;
}

/**
 * The line starts dockerfile-ast's document computed while parsing: the same rule as LineIndex
 * (\n, \r\n and a lone \r each end a line), so the text need not be scanned again.
 */
function documentLineStarts(df: DfDockerfile, text: string): number[] | undefined {
  const doc = (df as unknown as { document?: { getText?(): string; getLineOffsets?(): number[] } }).document;
  if (typeof doc?.getLineOffsets !== 'function' || doc.getText?.() !== text) return undefined;
  return doc.getLineOffsets();
}

/** A NUL in the first 8 KiB. (indexOf is native; a charCodeAt loop showed in profiles.) */
/**
 * The `key=value` options of a flag value as BuildKit reads them: quotes are removed as in a shell
 * word (`--mount="type=cache,target=/x"`, `id='a'`), then the value is split on commas as CSV (a
 * field in double quotes may hold commas). Backslashes stay (Windows paths). Ranges cover the
 * source characters of each key and value, without the quotes around them.
 */
export function buildkitOptions(raw: string, offset: number): FlagOption[] {
  // The unquoted value, and the source offset of each of its characters.
  let value = '';
  const at: number[] = [];
  let quote = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quote === '' && (c === '"' || c === "'")) {
      quote = c;
      continue;
    }
    if (quote !== '' && c === quote) {
      quote = '';
      continue;
    }
    value += c;
    at.push(offset + i);
  }
  const range = (from: number, to: number): Range =>
    from < to ? { start: at[from], end: at[to - 1] + 1 } : { start: from < at.length ? at[from] : offset + raw.length, end: from < at.length ? at[from] : offset + raw.length };
  const options: FlagOption[] = [];
  let start = 0;
  while (start <= value.length) {
    // One CSV field: up to the next comma outside double quotes.
    let end = start;
    let inCsvQuote = false;
    while (end < value.length && (inCsvQuote || value[end] !== ',')) {
      if (value[end] === '"') inCsvQuote = !inCsvQuote;
      end++;
    }
    let from = start;
    let to = end;
    if (to - from >= 2 && value[from] === '"' && value[to - 1] === '"') {
      from++;
      to--;
    }
    const field = value.slice(from, to).replace(/""/g, '"');
    const eq = field.indexOf('=');
    const eqAt = value.indexOf('=', from);
    options.push({
      key: eq < 0 ? field : field.slice(0, eq),
      value: eq < 0 ? null : field.slice(eq + 1),
      range: range(from, to),
      keyRange: range(from, eq < 0 ? to : eqAt),
      valueRange: eq < 0 ? null : range(eqAt + 1, to),
    });
    if (end >= value.length) break;
    start = end + 1;
  }
  return options;
}

const HEREDOC_INSTRUCTION = /^[ \t]*(?:onbuild[ \t]+)?(?:run|copy|add)[ \t]/i;
const DESCRIPTOR_BEFORE_HEREDOC = /(^|[ \t])(\d+)(?=<<(?!<))/g;

/**
 * The text with the file descriptor of each heredoc word (`3<<EOF`, BuildKit's `^(\d*)<<`) on
 * the first line of a RUN, COPY or ADD replaced by blanks, so that dockerfile-ast sees `<<EOF`
 * at the same offsets. Here-strings (`3<<<x`) are left alone. The text itself when nothing changes.
 */
export function maskHeredocDescriptors(text: string): string {
  if (!/\d<</.test(text)) return text;
  let out = '';
  let copied = 0;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    if (line.includes('<<') && HEREDOC_INSTRUCTION.test(line)) {
      const masked = line.replace(DESCRIPTOR_BEFORE_HEREDOC, (_, before: string, digits: string) => before + ' '.repeat(digits.length));
      if (masked !== line) {
        out += text.slice(copied, start) + masked;
        copied = end;
      }
    }
    start = end + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const DIRECTIVE = /^#[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*=[ \t]*(\S+)[ \t]*$/;

/**
 * The text with each line that holds only the escape character, outside a continuation, blanked.
 * BuildKit joins such a line with the next one, where the instruction starts (`\⏎RUN make` is
 * `RUN make`); dockerfile-ast took the escape character for an unknown instruction and the next
 * line for its arguments. The text itself when there is none.
 */
export function blankLoneContinuations(text: string): string {
  let esc = -1;
  let inContinuation = false;
  const lone: number[] = [];
  for (let lineStart = 0; lineStart <= text.length; ) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    if (esc < 0) {
      // The escape directive, if any, is among the first lines (BuildKit reads it there only).
      const m = DIRECTIVE.exec(text.slice(lineStart, lineEnd).replace(/\r$/, ''));
      if (m && m[1].toLowerCase() === 'escape') esc = m[2].charCodeAt(0);
      else if (!m) esc = 92;
    }
    // First and last non-blank characters of the line (a trailing \r counts as blank).
    let first = lineStart;
    while (first < lineEnd && isBlankCode(text.charCodeAt(first))) first++;
    let last = lineEnd - 1;
    while (last >= first && isBlankCode(text.charCodeAt(last))) last--;
    const blank = first > last;
    if (!(inContinuation && (blank || text.charCodeAt(first) === 35))) {
      if (!inContinuation && first === last && text.charCodeAt(first) === esc) {
        lone.push(first);
      } else {
        inContinuation = !blank && text.charCodeAt(last) === esc;
      }
    }
    lineStart = lineEnd + 1;
  }
  if (lone.length === 0) return text;
  let result = '';
  let copied = 0;
  for (const at of lone) {
    result += text.slice(copied, at) + ' ';
    copied = at + 1;
  }
  return result + text.slice(copied);
}

function isBlankCode(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

/** A range whose end is not before its start (empty at the start otherwise). */
function ordered(r: Range): Range {
  return r.end < r.start ? { start: r.start, end: r.start } : r;
}

function looksBinary(text: string): boolean {
  return (text.length > 8192 ? text.slice(0, 8192) : text).indexOf('\0') >= 0;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** dockerfile-ast accessors can overflow the stack on odd input; one accessor failing degrades only its part. */
function guard<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

class Reader {
  constructor(
    private readonly text: string,
    /** The text dockerfile-ast parsed: `text` with heredoc file descriptors blanked. */
    private readonly parsed: string,
    private readonly toRange: (r: LspRange) => Range,
    private readonly diagnostics: ParseDiagnostic[],
  ) {}

  /** A `<<EOF` word's range widened over the file descriptor before it (`3<<EOF`), if any. */
  private withDescriptor(r: Range): Range {
    let start = r.start;
    while (start > 0 && this.parsed.charCodeAt(start - 1) === 32 && this.text.charCodeAt(start - 1) !== 32) start--;
    return start === r.start ? r : { start, end: r.end };
  }

  instruction(src: DfInstruction, index: number, escapeChar: string, onbuild: Instruction | null): Instruction | null {
    let range: Range;
    let keyword: Word;
    try {
      range = this.toRange(src.getRange());
      const kwRange = this.toRange(src.getInstructionRange());
      const raw = this.text.slice(kwRange.start, kwRange.end);
      keyword = { raw, value: raw, range: kwRange };
    } catch (error) {
      this.diagnostics.push({ message: `Could not read an instruction: ${errorMessage(error)}`, range: { start: 0, end: 0 }, fatal: false });
      return null;
    }
    const kind = joinLines(keyword.raw).toUpperCase();
    const instr: Instruction = {
      type: 'Instruction',
      kind,
      known: KNOWN.has(kind),
      keyword,
      range,
      flags: [],
      args: [],
      argsRange: null,
      jsonForm: false,
      heredocs: [],
      properties: [],
      trigger: null,
      onbuild,
      index,
    };
    if (!instr.known) {
      this.diagnostics.push({ message: `Unknown instruction '${keyword.raw}'.`, range: keyword.range, fatal: false });
    }
    // Each part is read on its own: one accessor failing loses only that part. The parts that few
    // instructions have are read by their own methods, which keeps this one small: it runs for
    // every instruction, and V8 recompiles it whenever a rare input deoptimises it.
    const problems: string[] = [];
    const anySrc = src as unknown as Record<string, unknown>;
    if (typeof anySrc.getFlags === 'function') this.readFlags(src, instr, problems);
    // Heredocs need `<<`; asking dockerfile-ast costs a scan of every argument.
    if (typeof anySrc.getHeredocs === 'function' && this.text.slice(range.start, range.end).includes('<<')) this.readHeredocs(src, instr, problems);
    let words: DfArgument[] = [];
    try {
      words = src.getArguments();
    } catch (error) {
      problems.push(`arguments: ${errorMessage(error)}`);
    }
    const args: Word[] = instr.flags.length > 0 ? this.wordsAfterDashes(instr, escapeChar) : [];
    const heredocs = instr.heredocs;
    for (let i = 0; i < words.length; i++) {
      let r = offsetsOf(words[i]) ?? this.toRange(words[i].getRange());
      if (heredocs.length > 0 && inHeredocBody(r, heredocs)) continue;
      if (this.parsed !== this.text && this.text.startsWith('<<', r.start)) r = this.withDescriptor(r);
      const raw = this.text.slice(r.start, r.end);
      args.push({ raw, value: unquote(joinLines(raw), escapeChar), range: r });
    }
    instr.args = args;
    const firstBody = Math.min(args.length > 0 ? args[0].range.start : Infinity, heredocs.length > 0 ? heredocs[0].range.start : Infinity);
    if (firstBody !== Infinity) instr.argsRange = { start: firstBody, end: range.end };

    if (JSON_CAPABLE.has(kind) && typeof anySrc.getJSONStrings === 'function') {
      try {
        this.json(src, instr);
      } catch (error) {
        problems.push(`JSON arguments: ${errorMessage(error)}`);
      }
    }
    if (kind === 'ARG') {
      // ARG takes several `name[=default]` words; dockerfile-ast reads `ARG A B=2` like legacy ENV.
      instr.properties = args.map((w) => argProperty(w, escapeChar));
    } else if ((kind === 'ENV' || kind === 'LABEL') && typeof anySrc.getProperties === 'function') {
      this.readProperties(src, instr, escapeChar, problems);
    } else if (kind === 'ONBUILD' && typeof anySrc.getTriggerInstruction === 'function') {
      this.readTrigger(src, instr, escapeChar, problems);
    }
    if (problems.length > 0) {
      instr.broken = problems.join('; ');
      this.diagnostics.push({ message: `Could not fully read this ${kind} instruction (${problems[0]}).`, range, fatal: false });
    }
    return instr;
  }

  private readFlags(src: DfInstruction, instr: Instruction, problems: string[]): void {
    try {
      const flags = (src as unknown as { getFlags(): DfFlag[] }).getFlags();
      if (flags.length > 0) instr.flags = flags.map((f) => this.flag(f));
    } catch (error) {
      problems.push(`flags: ${errorMessage(error)}`);
    }
  }

  private readHeredocs(src: DfInstruction, instr: Instruction, problems: string[]): void {
    try {
      instr.heredocs = this.heredocs(src);
    } catch (error) {
      problems.push(`heredocs: ${errorMessage(error)}`);
    }
  }

  /** A bare `--` ends the flags (BuildKit); dockerfile-ast reads the words after it as flags too. */
  private wordsAfterDashes(instr: Instruction, escapeChar: string): Word[] {
    const args: Word[] = [];
    const dashes = instr.flags.findIndex((f) => f.range.end - f.range.start === 2 && this.text.slice(f.range.start, f.range.end) === '--');
    if (dashes >= 0) {
      for (const f of instr.flags.slice(dashes + 1)) {
        const raw = this.text.slice(f.range.start, f.range.end);
        args.push({ raw, value: unquote(joinLines(raw), escapeChar), range: f.range });
      }
      instr.flags = instr.flags.slice(0, dashes);
    }
    return args;
  }

  private readProperties(src: DfInstruction, instr: Instruction, escapeChar: string, problems: string[]): void {
    // One line without the escape character, the common case, is read here: the same properties
    // without dockerfile-ast's arguments, ranges and positions for every word.
    const simple = simpleProperties(this.parsed, this.text, instr.keyword.range.end, instr.range.end, escapeChar);
    if (simple !== null) {
      instr.properties = simple;
      return;
    }
    try {
      instr.properties = (src as unknown as { getProperties(): DfProperty[] }).getProperties().map((p) => this.property(p));
    } catch (error) {
      problems.push(`properties: ${errorMessage(error)}`);
    }
  }

  private readTrigger(src: DfInstruction, instr: Instruction, escapeChar: string, problems: string[]): void {
    let trigger: DfInstruction | null = null;
    try {
      trigger = (src as unknown as { getTriggerInstruction(): DfInstruction | null }).getTriggerInstruction();
    } catch (error) {
      problems.push(`trigger: ${errorMessage(error)}`);
    }
    if (trigger) instr.trigger = this.instruction(trigger, instr.index, escapeChar, instr);
  }

  private flag(f: DfFlag): Flag {
    const range = this.toRange(f.getRange());
    const nameRange = this.toRange(f.getNameRange());
    const v = f.getValueRange();
    const valueRange = v ? this.toRange(v) : null;
    const raw = valueRange ? this.text.slice(valueRange.start, valueRange.end) : '';
    // Quotes in the value: read it as BuildKit does; without, dockerfile-ast's split is the same.
    const options: FlagOption[] = valueRange && /["']/.test(raw) ? buildkitOptions(raw, valueRange.start) : [];
    if (!valueRange || options.length === 0) for (const o of f.getOptions()) {
      const vr = o.getValueRange();
      options.push({
        key: o.getName(),
        value: o.getValue(),
        range: ordered(this.toRange(o.getRange())),
        // dockerfile-ast gives an empty key (`--mount==x`) a range that ends before it starts.
        keyRange: ordered(this.toRange(o.getNameRange())),
        valueRange: vr ? ordered(this.toRange(vr)) : null,
      });
    }
    return {
      type: 'Flag',
      name: this.text.slice(nameRange.start, nameRange.end),
      value: valueRange ? f.getValue() : null,
      range,
      nameRange,
      valueRange,
      options,
    };
  }

  private heredocs(src: DfInstruction): Heredoc[] {
    const hs = (src as unknown as { getHeredocs(): import('dockerfile-ast').Heredoc[] }).getHeredocs();
    return hs.map((h) => {
      const contentRange = h.getContentRange() ? this.toRange(h.getContentRange()!) : null;
      const delimiterRange = h.getDelimiterRange() ? this.toRange(h.getDelimiterRange()!) : null;
      return {
        type: 'Heredoc',
        name: h.getName(),
        range: this.withDescriptor(this.toRange(h.getStartRange())),
        content: contentRange ? this.text.slice(contentRange.start, contentRange.end) : '',
        contentRange,
        delimiterRange,
      };
    });
  }

  private json(src: DfInstruction, instr: Instruction): void {
    const strings = (src as unknown as { getJSONStrings(): import('dockerfile-ast').JSONArgument[] }).getJSONStrings();
    const closing = (src as unknown as { getClosingBracket(): DfArgument | null }).getClosingBracket();
    if (strings.length === 0 || !closing || !instr.argsRange) return;
    // Docker uses exec form only when the whole argument text is a JSON array of strings.
    const body = joinLines(this.text.slice(instr.argsRange.start, instr.argsRange.end));
    try {
      const parsed: unknown = JSON.parse(body);
      if (!Array.isArray(parsed) || parsed.some((x) => typeof x !== 'string')) return;
    } catch {
      return;
    }
    instr.jsonForm = true;
    instr.args = strings.map((s) => {
      // The range keeps the quotes: `raw` is the JSON string literal as written.
      const r = this.toRange(s.getRange());
      const raw = this.text.slice(r.start, r.end);
      let value: string;
      try {
        value = JSON.parse(raw) as string;
      } catch {
        value = s.getJSONValue();
      }
      return { raw, value, range: r };
    });
  }

  private property(p: DfProperty): Property {
    const range = this.toRange(p.getRange());
    const nameRange = this.toRange(p.getNameRange());
    const vr = p.getValueRange();
    const valueRange = vr ? this.toRange(vr) : null;
    const rawValue = valueRange ? this.text.slice(valueRange.start, valueRange.end) : null;
    return {
      name: p.getName(),
      nameRange,
      value: rawValue === null ? null : (p.getValue() ?? ''),
      rawValue,
      valueRange,
      range,
    };
  }
}
