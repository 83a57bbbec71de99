import { Property as DfPropertyClass } from 'dockerfile-ast';
import type { Property } from './ast.js';
import { anyOf, nextMatch } from '../text.js';

type GetValue = (value: string, escapeChar: string) => string;
// The class itself, read once: in the bundle an imported name is a getter call on every use.
const PropertyClass = DfPropertyClass as unknown as { getValue: GetValue };
/** dockerfile-ast's own reading of a name or value (quotes, escapes), with the plain-value patch. */
const getValue = (value: string, escapeChar: string): string => PropertyClass.getValue(value, escapeChar);

/**
 * The properties of an ENV or LABEL instruction on one line, read as dockerfile-ast 0.7.1's
 * `getProperties` reads them, or null when the instruction is not that simple. dockerfile-ast's
 * reading builds an argument, a range and positions for every word and property; on one line
 * without the escape character it comes down to the splitting below. `parsed` is the text
 * dockerfile-ast parsed and `text` the file's (raw values come from it); the arguments run from
 * `from` (after the keyword) to `to` (the instruction's end). Checked against dockerfile-ast in
 * patches.test.ts over the corpus, the gold set and fuzzed input.
 */
export function simpleProperties(parsed: string, text: string, from: number, to: number, escapeChar: string): Property[] | null {
  if (parsed !== text && text.slice(from, to) !== parsed.slice(from, to)) return null;
  const args = simpleArgumentOffsets(parsed, from, to, escapeChar);
  if (args === null) return null;

  const property = (a: number, b: number): Property => {
    const word = parsed.slice(a, b);
    const eq = word.indexOf('=');
    let nameEnd = b;
    if (eq >= 0) {
      // `"name"=value`: a quoted name must close right before the `=`; else the word is all name.
      const initial = word.charCodeAt(0);
      const before = word.charCodeAt(eq - 1);
      if ((initial === 34 && before === 34) || (initial === 39 && before === 39) || (initial !== 34 && initial !== 39)) nameEnd = a + eq;
    }
    const nameRange = { start: a, end: nameEnd };
    const name = getValue(parsed.slice(a, nameEnd), escapeChar);
    if (nameEnd === b) return { name, nameRange, value: null, rawValue: null, valueRange: null, range: { start: a, end: b } };
    const valueRange = { start: a + eq + 1, end: b };
    const value = getValue(parsed.slice(valueRange.start, b), escapeChar);
    return { name, nameRange, value, rawValue: text.slice(valueRange.start, b), valueRange, range: { start: a, end: b } };
  };
  /** `NAME value...`: the legacy form, the rest of the line is the value. */
  const legacy = (nameStart: number, nameEnd: number, valueStart: number, valueEnd: number): Property => ({
    name: getValue(parsed.slice(nameStart, nameEnd), escapeChar),
    nameRange: { start: nameStart, end: nameEnd },
    value: getValue(parsed.slice(valueStart, valueEnd), escapeChar),
    rawValue: text.slice(valueStart, valueEnd),
    valueRange: { start: valueStart, end: valueEnd },
    range: { start: nameStart, end: valueEnd },
  });

  const n = args.length / 2;
  if (n === 0) return [];
  if (n === 1) return [property(args[0], args[1])];
  const firstHasEq = parsed.slice(args[0], args[1]).includes('=');
  if (!firstHasEq) return [legacy(args[0], args[1], args[2], args[args.length - 1])];
  const out: Property[] = [];
  for (let k = 0; k < args.length; k += 2) out.push(property(args[k], args[k + 1]));
  return out;
}

/**
 * dockerfile-ast 0.7.1's `getPropertyArguments` of the arguments in `text[from, to)` when they
 * are on one line without the escape character, as start and end offsets in pairs; else null.
 */
export function simpleArgumentOffsets(text: string, from: number, to: number, escapeChar: string): number[] | null {
  if (escapeChar.length !== 1) return null;
  const region = text.slice(from, to);
  if (region.indexOf(escapeChar) >= 0 || region.indexOf('\n') >= 0 || region.indexOf('\r') >= 0) return null;
  // The arguments without the blanks around them (dockerfile-ast's leading and trailing non-whitespace).
  let start = from;
  while (start < to && isBlank(text.charCodeAt(start))) start++;
  let end = to;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return start === end ? [] : splitArguments(text, start, end);
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * dockerfile-ast's `getPropertyArguments` on one line without the escape character: words end at
 * blanks, a quote runs to its closing quote (to the end when there is none), and `${...}` to its
 * `}`, where blanks inside quotes do not end it. Start and end offsets, in pairs. Plain text is
 * skipped by native searches: a loop per character is slow in the unoptimised code that runs for
 * most of a lint run.
 */
function splitArguments(s: string, from: number, to: number): number[] {
  const out: number[] = [];
  let argStart = -1;
  let i = from;
  loop: while (i < to) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 39) {
      if (argStart === -1) argStart = i;
      const j = s.indexOf(c === 34 ? '"' : "'", i + 1);
      if (j < 0 || j >= to) break;
      // More text right after the closing quote (anything but a space) continues the word.
      if (j + 1 < to && s.charCodeAt(j + 1) !== 32) {
        i = j + 1;
        continue;
      }
      out.push(argStart, j + 1);
      argStart = -1;
      i = j + 1;
    } else if (isBlank(c)) {
      if (argStart !== -1) {
        out.push(argStart, i);
        argStart = -1;
      }
      i++;
    } else {
      if (argStart === -1) argStart = i;
      if (c === 36 && i + 1 < to && s.charCodeAt(i + 1) === 123) {
        let single = false;
        let double = false;
        for (let j = nextMatch(IN_VARIABLE, s, i + 2, to); j < to; j = nextMatch(IN_VARIABLE, s, j + 1, to)) {
          const d = s.charCodeAt(j);
          if (d === 39) single = !single;
          else if (d === 34) double = !double;
          else if (d === 125 /* } */) {
            i = j + 1;
            continue loop;
          } else if (!single && !double) {
            // A blank outside quotes ends the variable; it is read as a blank.
            i = j;
            continue loop;
          }
        }
        break;
      }
      i = nextMatch(PLAIN_STOP, s, i + 1, to);
    }
  }
  if (argStart !== -1 && argStart !== to) out.push(argStart, to);
  return out;
}

/** Where a plain run of characters stops, and what matters inside `${...}`. */
const PLAIN_STOP = anyOf(' \t"\'$');
const IN_VARIABLE = anyOf(' \t"\'}');
