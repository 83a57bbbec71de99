import { describe, expect, it } from 'vitest';
import { expand, MAX_EXPANSION } from './expand.js';

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
