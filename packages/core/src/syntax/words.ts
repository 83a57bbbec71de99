import { anyOf, nextMatch } from '../text.js';

/**
 * Removes Dockerfile-level quoting from a word: double and single quotes, and the escape
 * character before another character (BuildKit's word processing, without expansion).
 *
 * Text between the characters that matter is taken by native searches and slices: a loop and a
 * concatenation per character are slow in the unoptimised code that runs for most of a lint run.
 * `unquoteByCharacter` in words.test.ts is the loop this replaces; a test compares the two.
 */
export function unquote(raw: string, escapeChar = '\\'): string {
  if (raw.indexOf('"') < 0 && raw.indexOf("'") < 0 && raw.indexOf(escapeChar) < 0) return raw;
  const plain = anyOf(`"'${escapeChar}`);
  const double = anyOf(`"${escapeChar}`);
  const n = raw.length;
  let out = '';
  let i = 0;
  while (i < n) {
    // Outside quotes: up to the next quote or escape character.
    const j = nextMatch(plain, raw, i);
    out += raw.slice(i, j);
    if (j >= n) break;
    const c = raw[j];
    if (c === escapeChar) {
      // The escape character before another character stands for that character; a last one for itself.
      if (j + 1 < n) {
        out += raw[j + 1];
        i = j + 2;
      } else {
        out += c;
        i = j + 1;
      }
    } else if (c === "'") {
      const close = raw.indexOf("'", j + 1);
      if (close < 0) return out + raw.slice(j + 1);
      out += raw.slice(j + 1, close);
      i = close + 1;
    } else {
      // Inside double quotes only quote-relevant characters are escaped.
      i = j + 1;
      for (;;) {
        const k = nextMatch(double, raw, i);
        out += raw.slice(i, k);
        if (k >= n) return out;
        if (raw[k] === '"') {
          i = k + 1;
          break;
        }
        if (k + 1 < n) {
          const after = raw[k + 1];
          if (after !== '"' && after !== escapeChar && after !== '$') out += escapeChar;
          out += after;
          i = k + 2;
        } else {
          out += escapeChar;
          return out;
        }
      }
    }
  }
  return out;
}
