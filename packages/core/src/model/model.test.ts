import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from '../syntax/parse.js';
import { initShell } from '../shell/shell.js';
import { buildModel } from './model.js';

const model = (text: string) => {
  const { ast, lines } = parse(text);
  return buildModel(ast, lines);
};

beforeAll(() => initShell());

describe('stages and the stage graph', () => {
  const text = [
    'ARG BASE=node:20',
    'FROM ${BASE} AS deps',
    'RUN npm ci',
    'FROM deps AS Build',
    'RUN npm run build',
    'FROM alpine AS test',
    'COPY --from=build /app /app',
    'FROM nginx',
    'COPY --from=BUILD /app/dist /usr/share/nginx/html',
    'RUN --mount=type=bind,from=0,target=/src true',
    'COPY --from=nginx:1 /etc/nginx /etc/nginx',
  ].join('\n');
  const m = model(text);

  it('parses stages, names and base images', () => {
    expect(m.stages.map((s) => [s.index, s.name, s.key, s.base.expanded, s.parent?.index ?? null])).toEqual([
      [0, 'deps', 'deps', 'node:20', null],
      [1, 'Build', 'build', 'deps', 0],
      [2, 'test', 'test', 'alpine', null],
      [3, null, null, 'nginx', null],
    ]);
    expect(m.stages[0].base).toMatchObject({ raw: '${BASE}', repository: 'node', tag: '20', hasVariables: true });
    expect(m.finalStage?.index).toBe(3);
  });

  it('resolves COPY --from and RUN --mount from= (case-insensitive, COPY by index, images)', () => {
    const deps = m.stages[3].deps.map((d) => [d.kind, d.ref, d.stage?.index ?? null, d.byIndex]);
    expect(deps).toEqual([
      ['copy', 'BUILD', 1, false],
      ['mount', '0', null, true],
      ['copy', 'nginx:1', null, false],
    ]);
    expect(text.slice(m.stages[3].deps[0].range.start, m.stages[3].deps[0].range.end)).toBe('BUILD');
  });

  it('computes what each target needs', () => {
    const idx = (set: ReadonlySet<{ index: number }>) => [...set].map((s) => s.index).sort();
    expect(idx(m.stagesForTarget())).toEqual([0, 1, 3]);
    expect(idx(m.stagesForTarget(m.stages[2]))).toEqual([0, 1, 2]);
    expect(idx(m.dependentsOf(m.stages[0]))).toEqual([1, 2, 3]);
    expect(m.stageByName('BUILD')?.index).toBe(1);
  });

  it('does not resolve a stage defined later', () => {
    const later = model('FROM alpine\nCOPY --from=late /a /a\nFROM alpine AS late\n');
    expect(later.stages[0].deps.map((d) => [d.ref, d.stage])).toEqual([['late', null]]);
  });

  it('resolves duplicate names as BuildKit does: FROM the last earlier one, --from the last one', () => {
    const dup = model('FROM a AS x\nFROM b AS x\nFROM x\nCOPY --from=x /a /a\nFROM c AS x\n');
    expect(dup.stages[2].parent?.index).toBe(1);
    expect(dup.stages[2].deps.map((d) => [d.kind, d.stage?.index ?? null])).toEqual([['from', 1], ['copy', null]]);
    expect(dup.stageByName('X')?.index).toBe(3);
  });

  it('matches FROM against stage names case-sensitively', () => {
    const m2 = model('FROM alpine AS build\nFROM Build\n');
    expect(m2.stages[1].parent).toBeNull();
  });
});

describe('ARG and ENV scopes', () => {
  const text = [
    'ARG VERSION=1.0',
    'ARG UNUSED',
    'FROM alpine:${VERSION} AS base',
    'RUN echo $VERSION',
    'ARG VERSION',
    'ENV APP=/app DIR=${APP}/bin',
    'ARG TARGETARCH',
    'RUN echo',
    'FROM base',
    'RUN echo',
  ].join('\n');
  const m = model(text);
  const at = (n: number) => m.ast.instructions[n];

  it('global ARGs reach FROM only', () => {
    expect(m.stages[0].base.expanded).toBe('alpine:1.0');
    expect(m.scopeAt(at(3)).lookup('VERSION')).toBeUndefined();
    expect(m.scopeAt(at(3)).isDeclared('VERSION')).toBe(false);
  });

  it('a bare re-declaration takes the global default', () => {
    expect(m.scopeAt(at(7)).lookup('VERSION')).toBe('1.0');
    expect(m.scopeAt(at(7)).binding('VERSION')?.kind).toBe('arg');
  });

  it('ENV expands earlier ENV and wins over ARG', () => {
    // One instruction sees the values from before it: `ENV APP=/app DIR=${APP}/bin` leaves DIR=/bin.
    expect(m.scopeAt(at(7)).lookup('DIR')).toBe('/bin');
    expect(m.scopeAt(at(7)).expand('${APP}/x').value).toBe('/app/x');
  });

  it('platform ARGs need a declaration inside a stage', () => {
    expect(m.scopeAt(at(7)).lookup('TARGETARCH')).toBe('amd64');
    expect(m.scopeAt(at(3)).isDeclared('TARGETARCH')).toBe(false);
  });

  it('child stages inherit ENV but not ARG', () => {
    const scope = m.scopeAt(at(9));
    expect(scope.lookup('APP')).toBe('/app');
    expect(scope.lookup('VERSION')).toBeUndefined();
  });

  it('a global ARG sees only global ARGs declared before it', () => {
    const g = model('ARG A=1\nARG B=${A}\nARG A=2\nFROM x\n');
    expect(g.scopeAt(g.ast.instructions[1]).lookup('A')).toBe('1');
    expect(g.scopeAt(g.ast.instructions[0]).binding('A')).toBeUndefined();
    expect(g.globalArgs.map((b) => [b.name, b.value])).toEqual([['A', '1'], ['B', '1'], ['A', '2']]);
  });

  it('an ONBUILD trigger sees the earlier triggers and the image ENV, not the stage ARGs', () => {
    const t = model(
      ['FROM alpine AS base', 'ENV ROOT=/opt', 'ARG STAGE_ONLY=1', 'ONBUILD ARG TOKEN', 'ONBUILD ENV URL=https://x$ROOT', 'ONBUILD RUN echo $TOKEN $URL', 'ENV LATER=yes', 'RUN echo $TOKEN', 'FROM base', 'ONBUILD RUN echo'].join('\n'),
    );
    const trigger = t.ast.instructions[5].trigger!;
    const scope = t.scopeAt(trigger);
    expect(scope.binding('TOKEN')).toMatchObject({ kind: 'arg', value: undefined, instruction: t.ast.instructions[3].trigger });
    expect(scope.lookup('URL')).toBe('https://x/opt');
    // The image's ENV, wherever in the stage; the stage's ARGs stay behind.
    expect(scope.lookup('LATER')).toBe('yes');
    expect(scope.isDeclared('STAGE_ONLY')).toBe(false);
    // Outside the triggers, an ONBUILD ARG declares nothing.
    expect(t.scopeAt(t.ast.instructions[7]).isDeclared('TOKEN')).toBe(false);
    // A child stage's triggers see the ENV of the stages it is built on.
    expect(t.scopeAt(t.ast.instructions[9].trigger!).lookup('ROOT')).toBe('/opt');
    expect(t.scopeAt(t.ast.instructions[9].trigger!).isDeclared('TOKEN')).toBe(false);
  });

  it('proxy ARGs are predefined', () => {
    expect(m.scopeAt(at(3)).isDeclared('HTTP_PROXY')).toBe(true);
  });
});

describe('shell of RUN', () => {
  it('parses lazily and caches', () => {
    const m = model('FROM alpine\nRUN apt-get update && apt-get install -y curl\nCOPY a b\n');
    const run = m.ast.instructions[1];
    const script = m.shellOf(run)!;
    expect(script.commands.map((c) => [c.name.value, c.args.map((a) => a.value)])).toEqual([
      ['apt-get', ['update']],
      ['apt-get', ['install', '-y', 'curl']],
    ]);
    expect(m.shellOf(run)).toBe(script);
    expect(m.shellOf(m.ast.instructions[2])).toBeNull();
  });
});
