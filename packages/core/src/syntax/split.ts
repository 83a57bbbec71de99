import { Argument } from 'dockerfile-ast';
import { anyOf, nextMatch } from '../text.js';

interface LspPosition {
  line: number;
  character: number;
}
interface LspRange {
  start: LspPosition;
  end: LspPosition;
}
/** The parts of a dockerfile-ast Instruction that its argument splitting reads. */
export interface SplitSource {
  document: { offsetAt(p: LspPosition): number; positionAt(offset: number): LspPosition };
  escapeChar: string;
  getInstructionRange(): LspRange;
  getTextContent(): string;
}

/**
 * dockerfile-ast 0.7.1's `Instruction.getRawArguments`, step for step, made cheaper: a word is
 * built from slices of the text instead of one string concatenation per character, and ranges are
 * made as literals instead of through `Range.create`, whose argument checks cost more than the
 * split (it returns `{ start, end }` unchanged for positions, which `positionAt` always gives).
 * Proven equal to the original over the corpus, the gold set and fuzzed input (split.test.ts).
 */
export function splitRawArguments(src: SplitSource): Argument[] {
  const args: Argument[] = [];
  const doc = src.document;
  const range = src.getInstructionRange();
  const extra = doc.offsetAt(range.end) - doc.offsetAt(range.start);
  const content = src.getTextContent();
  const fullArgs = content.substring(extra);
  const offset = doc.offsetAt(range.start) + extra;
  const esc = src.escapeChar.length === 1 ? src.escapeChar.charCodeAt(0) : -1;
  const n = fullArgs.length;
  let start = false;
  let comment = false;
  let found = -1;
  let escapedWhitespaceDetected = false;
  let escaping = false;
  let escapeMarker = -1;
  // The word so far is `escapedArg` followed by fullArgs[runStart, runEnd) when runStart >= 0.
  // (Plain locals, no closures: V8 keeps captured variables in a heap context, slower per character.)
  let escapedArg = '';
  let runStart = -1;
  let runEnd = -1;
  for (let i = 0; i < n; i++) {
    const c = fullArgs.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 10) {
      if (escaping) {
        escapedWhitespaceDetected = true;
        if (c === 13 || c === 10) {
          escapedWhitespaceDetected = false;
          if (comment) {
            comment = false;
            start = true;
          }
        }
        continue;
      } else if (found !== -1) {
        args.push(word(doc, offset, escapedArg, fullArgs, runStart, runEnd, found, escapeMarker === -1 ? i : escapeMarker));
        escapeMarker = -1;
        escapedArg = '';
        runStart = -1;
        found = -1;
      }
    } else if (c === esc) {
      const next = i + 1 < n ? fullArgs.charCodeAt(i + 1) : -1;
      if (next === 32 || next === 9) {
        whitespaceCheck: for (let j = i + 2; j < n; j++) {
          switch (fullArgs.charCodeAt(j)) {
            case 32:
            case 9:
              continue;
            case 13:
              j++;
            // falls through: the original takes \r as the start of \r\n
            case 10:
              comment = false;
              escaping = true;
              start = true;
              if (found !== -1) escapeMarker = i;
              i = j;
              break whitespaceCheck;
            default:
              escapeMarker = i;
              if (found === -1) i = j - 1;
              break whitespaceCheck;
          }
        }
      } else if (next === 13 || next === 10) {
        comment = false;
        escaping = true;
        start = true;
        if (found !== -1 && escapeMarker === -1) escapeMarker = i;
        i += next === 13 ? 2 : 1;
      } else {
        if (escapedWhitespaceDetected && escapeMarker !== -1) {
          args.push(word(doc, offset, escapedArg, fullArgs, runStart, runEnd, found, escapeMarker));
          escapedArg = '';
          runStart = -1;
          found = -1;
        }
        escapeMarker = -1;
        escapedWhitespaceDetected = false;
        escaping = false;
        if (next === -1) break;
        // `\$` keeps its escape; any other escaped character stands for itself.
        const from = next === 36 ? i : i + 1;
        if (runStart >= 0 && runEnd === from) runEnd = i + 2;
        else {
          if (runStart >= 0) escapedArg += fullArgs.substring(runStart, runEnd);
          runStart = from;
          runEnd = i + 2;
        }
        if (found === -1) found = i;
        i++;
      }
    } else if (!comment) {
      if (start && c === 35) {
        comment = true;
      } else {
        if (escapedWhitespaceDetected && escapeMarker !== -1) {
          args.push(word(doc, offset, escapedArg, fullArgs, runStart, runEnd, found, escapeMarker));
          escapedArg = '';
          runStart = -1;
          found = -1;
        }
        escapedWhitespaceDetected = false;
        escaping = false;
        escapeMarker = -1;
        // The characters up to the next whitespace or escape would each take this same branch
        // (with `start` now false) and only extend the word: take them at once.
        const j = stopAfter(fullArgs, i + 1, esc);
        if (runStart >= 0 && runEnd === i) runEnd = j;
        else {
          if (runStart >= 0) escapedArg += fullArgs.substring(runStart, runEnd);
          runStart = i;
          runEnd = j;
        }
        if (found === -1) found = i;
        i = j - 1;
      }
      start = false;
    }
  }
  if (found !== -1) args.push(word(doc, offset, escapedArg, fullArgs, runStart, runEnd, found, escapeMarker === -1 ? n : escapeMarker));
  return args;
}

/** The first whitespace or escape character at or after `from` (or the end). */
function stopAfter(text: string, from: number, esc: number): number {
  if (esc !== 92 && esc !== 96) {
    let j = from;
    while (j < text.length) {
      const d = text.charCodeAt(j);
      if (d === 32 || d === 9 || d === 13 || d === 10 || d === esc) break;
      j++;
    }
    return j;
  }
  return nextMatch(esc === 92 ? STOP_BACKSLASH : STOP_BACKTICK, text, from);
}

const STOP_BACKSLASH = anyOf(' \t\r\n\\');
const STOP_BACKTICK = anyOf(' \t\r\n`');

function word(doc: SplitSource['document'], offset: number, escapedArg: string, text: string, runStart: number, runEnd: number, from: number, to: number): Argument {
  const value = runStart >= 0 ? escapedArg + text.substring(runStart, runEnd) : escapedArg;
  return new OffsetArgument(value, doc, offset + from, offset + to) as unknown as Argument;
}

/**
 * An Argument that knows its offsets and makes its line/character range only when asked:
 * dockerfile-ast reads the ranges of a few words per instruction, and stowage needs offsets,
 * which it used to get back from the range. Argument's methods all read `range`, a getter here.
 */
class OffsetArgument {
  private lspRange: LspRange | undefined = undefined;

  constructor(
    readonly value: string,
    private readonly doc: SplitSource['document'],
    readonly startOffset: number,
    readonly endOffset: number,
  ) {}

  get range(): LspRange {
    return (this.lspRange ??= { start: this.doc.positionAt(this.startOffset), end: this.doc.positionAt(this.endOffset) });
  }
}
Object.setPrototypeOf(OffsetArgument.prototype, Argument.prototype);

/** An Argument of `value` at `[start, end)` whose range is made when asked. */
export function offsetArgument(value: string, doc: SplitSource['document'], start: number, end: number): Argument {
  return new OffsetArgument(value, doc, start, end) as unknown as Argument;
}

/** The offsets of a word split by splitRawArguments, or null for another Argument. */
export function offsetsOf(arg: Argument): { start: number; end: number } | null {
  const a: unknown = arg;
  return a instanceof OffsetArgument ? { start: a.startOffset, end: a.endOffset } : null;
}
