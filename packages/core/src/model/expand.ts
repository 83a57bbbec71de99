import { anyOf, nextMatch } from '../text.js';

/** Looks a variable up; undefined means not set. */
export type Lookup = (name: string) => string | undefined;

export interface Expansion {
  value: string;
  /** Names that were referenced but not set (and had no default applying). */
  unresolved: string[];
  /** Every variable name referenced. */
  names: string[];
  /** The value grew past MAX_EXPANSION and was cut there. */
  truncated?: boolean;
}

/**
 * Longest expansion kept. `ARG B=$A$A`, `ARG C=$B$B`, ... doubles each time, and `ENV P=$P:x`
 * on every line grows quadratically: past this, values are cut instead of exhausting memory.
 */
export const MAX_EXPANSION = 8 * 1024;

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

/**
 * Expands `$X`, `${X}` and the modifiers BuildKit supports (`:-`, `-`, `:+`, `+`, `:?`, `?`,
 * `#`, `##`, `%`, `%%`, `/`, `//`) the way Dockerfile instructions do. Single quotes keep text
 * literal; the escape character keeps the next character literal. Quotes are removed.
 */
export function expand(raw: string, lookup: Lookup, escapeChar = '\\'): Expansion {
  // Nothing to expand or unquote: the text stands (most words).
  if (raw.length <= MAX_EXPANSION && raw.indexOf('$') < 0 && raw.indexOf("'") < 0 && raw.indexOf('"') < 0 && raw.indexOf(escapeChar) < 0) {
    return { value: raw, unresolved: [], names: [] };
  }
  const unresolved: string[] = [];
  const names: string[] = [];
  let out = '';
  let inDouble = false;
  let i = 0;
  while (i < raw.length) {
    if (out.length > MAX_EXPANSION) return { value: out.slice(0, MAX_EXPANSION), unresolved, names, truncated: true };
    const c = raw[i];
    if (c === escapeChar && i + 1 < raw.length) {
      out += raw[i + 1];
      i += 2;
    } else if (c === "'" && !inDouble) {
      const end = raw.indexOf("'", i + 1);
      if (end < 0) {
        out += raw.slice(i + 1);
        break;
      }
      out += raw.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      inDouble = !inDouble;
      i++;
    } else if (c === '$') {
      const r = readVariable(raw, i, lookup, escapeChar, unresolved, names);
      out += r.text;
      i = r.next;
    } else {
      // Up to the next character that may quote, escape or expand: a native search, as a loop per
      // character is slow in the unoptimised code that runs for most of a lint run.
      const k = nextMatch(anyOf(`$"'${escapeChar}`), raw, i + 1);
      out += raw.slice(i, k);
      i = k;
    }
  }
  if (out.length > MAX_EXPANSION) return { value: out.slice(0, MAX_EXPANSION), unresolved, names, truncated: true };
  return { value: out, unresolved, names };
}

/** Exported for tests only. */
export function readVariable(
  raw: string,
  at: number,
  lookup: Lookup,
  escapeChar: string,
  unresolved: string[],
  names: string[],
): { text: string; next: number } {
  if (raw[at + 1] === '{') {
    const close = matchingBrace(raw, at + 2);
    if (close < 0) return { text: raw.slice(at), next: raw.length };
    const inner = raw.slice(at + 2, close);
    NAME.lastIndex = 0;
    const m = NAME.exec(inner);
    if (!m) return { text: raw.slice(at, close + 1), next: close + 1 };
    const name = m[0];
    names.push(name);
    const op = inner.slice(name.length);
    const value = lookup(name);
    return { text: applyModifier(name, value, op, lookup, escapeChar, unresolved, names), next: close + 1 };
  }
  NAME.lastIndex = at + 1;
  const m = NAME.exec(raw);
  if (!m) return { text: '$', next: at + 1 };
  const name = m[0];
  names.push(name);
  const value = lookup(name);
  if (value === undefined) unresolved.push(name);
  return { text: value ?? '', next: at + 1 + name.length };
}

function matchingBrace(raw: string, from: number): number {
  let depth = 1;
  for (let i = from; i < raw.length; i++) {
    if (raw[i] === '{') depth++;
    else if (raw[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function applyModifier(
  name: string,
  value: string | undefined,
  op: string,
  lookup: Lookup,
  escapeChar: string,
  unresolved: string[],
  names: string[],
): string {
  const word = (s: string) => {
    const e = expand(s, lookup, escapeChar);
    unresolved.push(...e.unresolved);
    names.push(...e.names);
    return e.value;
  };
  if (op === '') {
    if (value === undefined) unresolved.push(name);
    return value ?? '';
  }
  const two = op.slice(0, 2);
  if (two === ':-') return value ? value : word(op.slice(2));
  if (two === ':+') return value ? word(op.slice(2)) : '';
  if (two === ':?') return value ?? '';
  if (op[0] === '-') return value !== undefined ? value : word(op.slice(1));
  if (op[0] === '+') return value !== undefined ? word(op.slice(1)) : '';
  if (op[0] === '?') return value ?? '';
  if (value === undefined) {
    unresolved.push(name);
    return '';
  }
  if (two === '##') return trimPrefix(value, word(op.slice(2)), true);
  if (op[0] === '#') return trimPrefix(value, word(op.slice(1)), false);
  if (two === '%%') return trimSuffix(value, word(op.slice(2)), true);
  if (op[0] === '%') return trimSuffix(value, word(op.slice(1)), false);
  if (op[0] === '/') {
    const all = op[1] === '/';
    const body = op.slice(all ? 2 : 1);
    const slash = body.indexOf('/');
    const pattern = word(slash < 0 ? body : body.slice(0, slash));
    const replacement = slash < 0 ? '' : word(body.slice(slash + 1));
    const re = globToRegExp(pattern, '');
    return value.replace(new RegExp(re.source, all ? 'g' : ''), () => replacement);
  }
  return value;
}

function globToRegExp(glob: string, anchor: '' | '^' | '$'): RegExp {
  let src = '';
  for (const ch of glob) {
    if (ch === '*') src += '.*';
    else if (ch === '?') src += '.';
    else src += ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  if (anchor === '^') src = '^' + src;
  if (anchor === '$') src = src + '$';
  return new RegExp(src, 's');
}

function trimPrefix(value: string, pattern: string, longest: boolean): string {
  const lengths = [...Array(value.length + 1).keys()];
  if (longest) lengths.reverse();
  const full = new RegExp(`^(?:${globToRegExp(pattern, '').source})$`, 's');
  for (const n of lengths) {
    if (full.test(value.slice(0, n))) return value.slice(n);
  }
  return value;
}

function trimSuffix(value: string, pattern: string, longest: boolean): string {
  const starts = [...Array(value.length + 1).keys()];
  if (!longest) starts.reverse();
  const full = new RegExp(`^(?:${globToRegExp(pattern, '').source})$`, 's');
  for (const n of starts) {
    if (full.test(value.slice(n))) return value.slice(0, n);
  }
  return value;
}
