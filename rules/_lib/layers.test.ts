import { buildModel, parse } from '@stowage/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusDir, goldFiles, haveShared, listFiles } from '../../test/corpus/files.js';
import { mentions, mentionsByRegExp, refersTo, refersToByRegExp } from './layers.js';

const differing = (pairs: Iterable<[string, string]>) => {
  const out: string[] = [];
  for (const [text, name] of pairs) {
    if (mentions(text, name) !== mentionsByRegExp(text, name) && out.length < 5) out.push(`mentions ${JSON.stringify([text.slice(0, 80), name])}`);
    if (refersTo(text, name) !== refersToByRegExp(text, name) && out.length < 5) out.push(`refersTo ${JSON.stringify([text.slice(0, 80), name])}`);
  }
  return out;
};

describe('mentions and refersTo', () => {
  it('find a name as a whole word, and as a reference', () => {
    expect(mentions('printenv NAME', 'NAME')).toBe(true);
    expect(mentions('NAMES NAME_2 MY_NAME', 'NAME')).toBe(false);
    expect(mentions('os.environ["NAME"]', 'NAME')).toBe(true);
    expect(refersTo('echo ${NAME:-x}', 'NAME')).toBe(true);
    expect(refersTo('echo ${#NAME} ${!NAME}', 'NAME')).toBe(true);
    expect(refersTo('echo NAME $NAMES {NAME}', 'NAME')).toBe(false);
    expect(refersTo('echo $$NAME', 'NAME')).toBe(true);
  });

  it('equal their regex readings on random text', () => {
    let seed = 23;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const parts = ['A', 'AB', 'B', '_', '1', '$', '{', '}', '!', '#', ' ', '-', '.', '$A', '${A'];
    const pairs: [string, string][] = [];
    for (let n = 0; n < 20000; n++) {
      let s = '';
      const len = Math.floor(rand() * 10);
      for (let i = 0; i < len; i++) s += parts[Math.floor(rand() * parts.length)];
      pairs.push([s, ['A', 'AB', 'B_1', ''][Math.floor(rand() * 4)]]);
    }
    expect(differing(pairs)).toEqual([]);
  });

  it.runIf(haveShared)('equal their regex readings for every ARG and ENV name against every instruction of its file', () => {
    const pairs: [string, string][] = [];
    for (const f of [...listFiles(corpusDir), ...goldFiles()]) {
      const { ast, lines } = parse(readFileSync(f, 'utf8'));
      const model = buildModel(ast, lines);
      const names = new Set<string>();
      for (const i of ast.instructions) for (const p of (i.trigger ?? i).properties) names.add(p.name);
      for (const i of ast.instructions) {
        const text = model.text.slice(i.range.start, i.range.end);
        for (const name of names) pairs.push([text, name]);
      }
    }
    expect(pairs.length).toBeGreaterThan(100_000);
    expect(differing(pairs)).toEqual([]);
  }, 60_000);
});
