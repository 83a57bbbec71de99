import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusDir, goldFiles, haveShared, listFiles } from '../../../../test/corpus/files.js';
import { unquote } from './words.js';

/** The character-by-character reading that `unquote` replaces: the reference it must equal. */
function unquoteByCharacter(raw: string, escapeChar = '\\'): string {
  let out = '';
  let quote = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quote === "'") {
      if (c === "'") quote = '';
      else out += c;
    } else if (c === escapeChar && i + 1 < raw.length) {
      const next = raw[i + 1];
      if (quote === '"' && next !== '"' && next !== escapeChar && next !== '$') out += c;
      out += next;
      i++;
    } else if (quote === '"') {
      if (c === '"') quote = '';
      else out += c;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else {
      out += c;
    }
  }
  return out;
}

const differing = (words: Iterable<string>) => {
  const out: string[] = [];
  for (const w of words) {
    for (const esc of ['\\', '`']) {
      if (unquote(w, esc) !== unquoteByCharacter(w, esc) && out.length < 5) out.push(JSON.stringify([w, esc, unquote(w, esc), unquoteByCharacter(w, esc)]));
    }
  }
  return out;
};

describe('unquote', () => {
  it('removes quotes and escapes as BuildKit does', () => {
    expect(unquote('"a b"\'c\'d')).toBe('a bcd');
    expect(unquote('"a\\"b\\x\\$c"')).toBe('a"b\\x$c');
    expect(unquote("'a\\b'")).toBe('a\\b');
    expect(unquote('a\\ b\\')).toBe('a b\\');
    expect(unquote('"a\\')).toBe('a\\');
    expect(unquote("'open")).toBe('open');
    expect(unquote('C:\\x`"y`"', '`')).toBe('C:\\x"y"');
  });

  it('equals the character-by-character reading on random words', () => {
    let seed = 17;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const parts = ['a', 'bc', '"', "'", '\\', '`', '$', ' ', '\n', 'x\\', '"\\"'];
    const words: string[] = [];
    for (let n = 0; n < 20000; n++) {
      let s = '';
      const len = Math.floor(rand() * 10);
      for (let i = 0; i < len; i++) s += parts[Math.floor(rand() * parts.length)];
      words.push(s);
    }
    expect(differing(words)).toEqual([]);
  });

  it.runIf(haveShared)('equals the character-by-character reading on every word of the corpus and gold set', () => {
    const words = new Set<string>();
    // Each whitespace-separated word, and each whole line (quotes that span blanks).
    for (const f of [...listFiles(corpusDir), ...goldFiles()]) {
      const text = readFileSync(f, 'utf8');
      for (const w of text.split(/[ \t\r\n]+/)) words.add(w);
      for (const line of text.split('\n')) words.add(line);
    }
    expect(words.size).toBeGreaterThan(50_000);
    expect(differing(words)).toEqual([]);
  });
});
