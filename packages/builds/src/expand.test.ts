import { describe, expect, it } from 'vitest';
import { parseCacheSpec, splitCsv } from './cache.js';
import { envVar, expandCompose, expandGithub, expandMake, expandShellWord, type Env, type MakeExpandContext } from './expand.js';
import { normalizeRef, repositoryOf } from './refs.js';

const env: Env = new Map([
  ['A', envVar('a')],
  ['EMPTY', envVar('')],
  ['SPACED', envVar('x  y')],
  ['PARTIAL', envVar('r/$SHA', null, ['$SHA'])],
]);
const sh = (raw: string) => expandShellWord(raw, { lookup: (n) => env.get(n), scriptDir: '/repo/ci', cwd: '/repo', root: '/repo' });

describe('expandShellWord', () => {
  it.each([
    ['plain', 'plain', []],
    ["'$A'", '$A', []],
    ['"$A"-${A}', 'a-a', []],
    ['${EMPTY:-d}/${EMPTY-d}/${NOPE:-d$A}', 'd//da', []],
    ['${A:+alt}${NOPE:+alt}', 'alt${NOPE:+alt}', ['${NOPE:+alt}']],
    ['$NOPE', '$NOPE', ['$NOPE']],
    ['"$(git rev-parse HEAD)"', '$(git rev-parse HEAD)', ['$(git rev-parse HEAD)']],
    ['`date`', '`date`', ['`date`']],
    ['$1', '$1', ['$1']],
    ['$PARTIAL:1', 'r/$SHA:1', ['$SHA']],
    ['"$(dirname "$0")"/..', '/repo/ci/..', []],
    ['"$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"', '/repo', []],
    ['$(git rev-parse --show-toplevel)/x', '/repo/x', []],
    ['a\\ b', 'a b', []],
    ["$'a\\tb'", 'a\tb', []],
    ['cost$', 'cost$', []],
  ])('%s', (raw, value, unresolved) => {
    const x = sh(raw);
    expect(x.value).toBe(value);
    expect(x.unresolved).toEqual(unresolved);
  });

  it('splits unquoted expansions into fields, not quoted ones', () => {
    expect(sh('$SPACED').fields).toEqual(['x', 'y']);
    expect(sh('"$SPACED"').fields).toEqual(['x  y']);
    expect(sh('""').fields).toEqual(['']);
    expect(sh('$EMPTY').fields).toEqual([]);
  });
});

describe('expandCompose', () => {
  const c = (s: string) => expandCompose(s, (n) => env.get(n));
  it.each([
    ['${A}/$A/$$A', 'a/a/$A', []],
    ['${EMPTY:-d}|${EMPTY-d}|${NOPE-x${A}}', 'd||xa', []],
    ['${NOPE}', '${NOPE}', ['${NOPE}']],
    ['${NOPE:?required}', '${NOPE:?required}', ['${NOPE:?required}']],
    ['${A:+set}${EMPTY:+set}', 'set', []],
    ['${unclosed', '${unclosed', ['${unclosed']],
  ])('%s', (s, value, unresolved) => {
    expect(c(s)).toEqual({ value, unresolved });
  });
});

describe('expandGithub', () => {
  it('resolves static env, keeps other expressions', () => {
    expect(expandGithub("${{ env.A }}:${{ env['A'] }}:${{ github.sha }}", env)).toEqual({ value: 'a:a:${{ github.sha }}', unresolved: ['${{ github.sha }}'] });
    expect(expandGithub('${{ env.PARTIAL }}', env)).toEqual({ value: 'r/$SHA', unresolved: ['$SHA'] });
    expect(expandGithub('${{ env.NOPE }}', env).unresolved).toEqual(['${{ env.NOPE }}']);
  });
});

describe('expandMake', () => {
  it('recursive and simple variables, functions, `$$`', () => {
    const ctx: MakeExpandContext = {
      vars: new Map([
        ['R', { value: 'r/$(N)', simple: false, range: null }],
        ['N', { value: 'app', simple: false, range: null }],
      ]),
      dir: '/repo',
      opaque: [],
    };
    const x = expandMake('$(R):$(TAG) $$HOME ${N} $(CURDIR) $(shell date) $(notdir a/b)', ctx);
    expect(x.value.replace(/\uE000(\d+)\uE001/g, (_m, i: string) => `<${ctx.opaque[Number(i)].text}>`)).toBe('r/app:<$(TAG)> $HOME app /repo <$(shell date)> b');
    expect(x.unresolved).toEqual(['$(TAG)', '$(shell date)']);
  });
});

describe('cache specs and refs', () => {
  it.each([
    ['r/app:cache', { type: 'registry', attrs: { ref: 'r/app:cache' }, ref: 'r/app:cache', mode: null, scope: null, plainImage: true }],
    ['type=registry,ref=r/app:c,mode=max', { type: 'registry', attrs: { type: 'registry', ref: 'r/app:c', mode: 'max' }, ref: 'r/app:c', mode: 'max', scope: null, plainImage: false }],
    ['type=gha,scope=web', { type: 'gha', attrs: { type: 'gha', scope: 'web' }, ref: null, mode: null, scope: 'web', plainImage: false }],
    ['type=inline', { type: 'inline', attrs: { type: 'inline' }, ref: null, mode: null, scope: null, plainImage: false }],
    ['type=local,src=/tmp/c', { type: 'local', attrs: { type: 'local', src: '/tmp/c' }, ref: null, mode: null, scope: null, plainImage: false }],
    ['type=s3,region=eu,name="a,b"', { type: 's3', attrs: { type: 's3', region: 'eu', name: 'a,b' }, ref: null, mode: null, scope: null, plainImage: false }],
  ])('%s', (v, spec) => {
    expect(parseCacheSpec(v)).toEqual(spec);
  });

  it('splitCsv and refs', () => {
    expect(splitCsv('a,"b,c",d')).toEqual(['a', 'b,c', 'd']);
    expect(normalizeRef('docker.io/library/node')).toBe('node:latest');
    expect(normalizeRef('localhost:5000/app')).toBe('localhost:5000/app:latest');
    expect(normalizeRef('r/app@sha256:abc')).toBe('r/app@sha256:abc');
    expect(repositoryOf('localhost:5000/app:1')).toBe('localhost:5000/app');
  });
});
