import { describe, expect, it } from 'vitest';
import { expand, MAX_EXPANSION, readVariable, type Expansion, type Lookup } from './expand.js';

const vars: Record<string, string> = { A: 'alpha', E: '', P: 'path/to/file.tar.gz' };
const lookup = (n: string) => vars[n];

describe('expand', () => {
  it.each([
    ['$A', 'alpha', []],
    ['${A}-x', 'alpha-x', []],
    ['$B', '', ['B']],
    ['${B:-def}', 'def', []],
    ['${E:-def}', 'def', []],
    ['${E-def}', '', []],
    ['${A:+set}', 'set', []],
    ['${B:+set}', '', []],
    ['${A+set}', 'set', []],
    ['${P#*/}', 'to/file.tar.gz', []],
    ['${P##*/}', 'file.tar.gz', []],
    ['${P%.*}', 'path/to/file.tar', []],
    ['${P%%.*}', 'path/to/file', []],
    ['${P/to/from}', 'path/from/file.tar.gz', []],
    ['${B:-${A}}', 'alpha', []],
    ["'$A'", '$A', []],
    ['"$A b"', 'alpha b', []],
    ['\\$A', '$A', []],
    ['$', '$', []],
    ['${unterminated', '${unterminated', []],
  ])('%s -> %s', (raw, value, unresolved) => {
    const e = expand(raw, lookup);
    expect(e.value).toBe(value);
    expect(e.unresolved).toEqual(unresolved);
  });

  it('cuts values that grow without bound', () => {
    const big = 'x'.repeat(MAX_EXPANSION);
    const e = expand('$X$X', (n) => (n === 'X' ? big : undefined));
    expect(e.value).toHaveLength(MAX_EXPANSION);
    expect(e.truncated).toBe(true);
    expect(expand('$A', lookup).truncated).toBeUndefined();
  });

  it('returns text with nothing to expand or unquote as it is, cutting it only past the limit', () => {
    expect(expand('a/b:c-d', lookup)).toEqual({ value: 'a/b:c-d', unresolved: [], names: [] });
    expect(expand('a\\b', lookup, '`')).toEqual({ value: 'a\\b', unresolved: [], names: [] });
    expect(expand('x'.repeat(MAX_EXPANSION), lookup)).toEqual({ value: 'x'.repeat(MAX_EXPANSION), unresolved: [], names: [] });
    expect(expand('x'.repeat(MAX_EXPANSION + 1), lookup)).toEqual({ value: 'x'.repeat(MAX_EXPANSION), unresolved: [], names: [], truncated: true });
  });

  it('uses the escape directive character', () => {
    expect(expand('`$A', lookup, '`').value).toBe('$A');
  });
});

describe('expand takes plain text by native search', () => {
  /** The per-character loop it replaces, with the same variable reading: the reference. */
  function expandByCharacter(raw: string, lookup: Lookup, escapeChar = '\\'): Expansion {
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
        out += c;
        i++;
      }
    }
    if (out.length > MAX_EXPANSION) return { value: out.slice(0, MAX_EXPANSION), unresolved, names, truncated: true };
    return { value: out, unresolved, names };
  }

  it('equals the per-character reading on random text', () => {
    let seed = 29;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const parts = ['a', 'bc', '$A', '${A}', '${B:-x y}', '${A#a}', '$', '{', '}', '"', "'", '\\', '`', ' ', 'A'.repeat(3000)];
    const vars: Record<string, string> = { A: 'abc', C: '$A' };
    const lookup = (n: string) => vars[n];
    const bad: string[] = [];
    for (let n = 0; n < 20000 && bad.length < 5; n++) {
      let s = '';
      const len = Math.floor(rand() * 10);
      for (let i = 0; i < len; i++) s += parts[Math.floor(rand() * parts.length)];
      for (const esc of ['\\', '`', '']) {
        const a = JSON.stringify(expand(s, lookup, esc));
        const b = JSON.stringify(expandByCharacter(s, lookup, esc));
        if (a !== b) bad.push(`${JSON.stringify(s.slice(0, 60))} ${esc}: ${a.slice(0, 100)} vs ${b.slice(0, 100)}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
