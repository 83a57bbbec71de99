import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Range } from '@stowage/core';
import { describe, expect, it } from 'vitest';
import { envVar } from '../expand.js';
import { parseCompose, readDotEnv } from './compose.js';

const SHOP = fileURLToPath(new URL('../../test-fixtures/shop/', import.meta.url));
const at = (text: string, r: Range | null) => (r === null ? null : text.slice(r.start, r.end));

describe('parseCompose: the classic three-stage file', () => {
  const path = `${SHOP}docker-compose.yml`;
  const text = readFileSync(path, 'utf8');
  const env = readDotEnv(readFileSync(`${SHOP}.env`, 'utf8'));
  const r = parseCompose(text, path, { env });
  const byName = (n: string) => r.invocations.find((i) => i.name === n)!;

  it('finds the services with a build (not the image-only one)', () => {
    expect(r.problems).toEqual([]);
    expect(r.invocations.map((i) => i.name)).toEqual(['stage1', 'stage2', 'app', 'api']);
    expect(r.invocations.every((i) => i.kind === 'compose-service' && i.tool === 'compose')).toBe(true);
  });

  it('stage1: target, cache_from, image from the merged anchor, with ranges', () => {
    const s = byName('stage1');
    expect(at(text, s.nameRange)).toBe('stage1');
    expect(text.slice(s.range.start, s.range.end)).toMatch(/^stage1:\n {4}image: .*\n[\s\S]*shop\/app:stage1\n$/);
    expect(s.file.lines.positionAt(s.nameRange.start)).toEqual({ line: 8, column: 3 });
    expect(s.target?.value).toBe('stage1');
    expect(at(text, s.target!.range)).toBe('stage1');
    expect(at(text, s.target!.keyRange)).toBe('target');
    expect(s.file.lines.positionAt(s.target!.range.start).line).toBe(12);
    // context and dockerfile come from the `x-build` anchor merged with `<<: *build`
    expect(s.context.value).toBe('.');
    expect(s.context.path).toBe(SHOP.slice(0, -1));
    expect(s.file.lines.positionAt(s.context.range.start).line).toBe(4);
    expect(s.dockerfile.value).toBe('docker/Dockerfile');
    expect(s.dockerfile.path).toBe(`${SHOP}docker/Dockerfile`);
    expect(at(text, s.dockerfile.range)).toBe('docker/Dockerfile');
    expect(at(text, s.dockerfile.keyRange)).toBe('dockerfile');
    expect(s.cacheFrom).toHaveLength(1);
    const cf = s.cacheFrom[0];
    expect(cf.value).toBe('registry.example.com/shop/app:stage1');
    expect(cf.raw).toBe('${REGISTRY:-registry.example.com}/shop/app:stage1');
    expect(at(text, cf.range)).toBe('${REGISTRY:-registry.example.com}/shop/app:stage1');
    expect(s.file.lines.positionAt(cf.range.start)).toEqual({ line: 14, column: 11 });
    expect(at(text, cf.keyRange)).toBe('cache_from');
    expect(cf.spec).toEqual({ type: 'registry', attrs: { ref: 'registry.example.com/shop/app:stage1' }, ref: 'registry.example.com/shop/app:stage1', mode: null, scope: null, plainImage: true });
    expect(s.tags.map((t) => t.value)).toEqual(['registry.example.com/shop/app:stage1']);
    expect(s.details.image?.value).toBe('registry.example.com/shop/app:stage1');
    expect(s.file.lines.positionAt(s.tags[0].range.start).line).toBe(9);
    expect(s.push).toEqual([]);
    expect(s.legacy).toEqual([]);
    expect(s.unresolved).toEqual([]);
  });

  it('stage2 lists both stage images', () => {
    const s = byName('stage2');
    expect(s.target?.value).toBe('stage2');
    expect(s.cacheFrom.map((c) => c.value)).toEqual(['registry.example.com/shop/app:stage1', 'registry.example.com/shop/app:stage2']);
    expect(s.cacheFrom.map((c) => s.file.lines.positionAt(c.range.start).line)).toEqual([21, 22]);
  });

  it('app: args map with BUILDKIT_INLINE_CACHE, .env interpolation in a quoted image', () => {
    const s = byName('app');
    expect(s.target?.value).toBe('final');
    expect(s.buildArgs.map((a) => [a.name, a.value?.value])).toEqual([
      ['BUILDKIT_INLINE_CACHE', '1'],
      ['NODE_ENV', 'production'],
    ]);
    const inline = s.buildArgs[0];
    expect(at(text, inline.nameRange)).toBe('BUILDKIT_INLINE_CACHE');
    expect(at(text, inline.value!.range)).toBe('1');
    expect(at(text, inline.range)).toBe('BUILDKIT_INLINE_CACHE: 1');
    const image = s.details.image!;
    expect(image.value).toBe('registry.example.com/shop/app:1.4.2');
    expect(at(text, image.range)).toBe('"${REGISTRY:-registry.example.com}/shop/app:${TAG}"');
    expect(at(text, image.keyRange)).toBe('image');
    expect(s.cacheFrom.map((c) => c.value)).toEqual([
      'registry.example.com/shop/app:stage1',
      'registry.example.com/shop/app:stage2',
      'registry.example.com/shop/app:latest',
    ]);
  });

  it('api: string build is the context; default Dockerfile; unset variable is unresolved', () => {
    const s = byName('api');
    expect(s.context.value).toBe('./services/api');
    expect(at(text, s.context.range)).toBe('./services/api');
    expect(at(text, s.context.keyRange)).toBe('build');
    expect(s.context.path).toBe(`${SHOP}services/api`);
    expect(s.dockerfile.defaulted).toBe(true);
    expect(s.dockerfile.path).toBe(`${SHOP}services/api/Dockerfile`);
    expect(at(text, s.dockerfile.range)).toBe('api');
    expect(s.target).toBeNull();
    expect(s.tags[0].value).toBe('shop/api:${GIT_SHA}');
    expect(s.tags[0].unresolved).toEqual(['${GIT_SHA}']);
    expect(s.unresolved).toEqual([{ text: '${GIT_SHA}', range: s.tags[0].range, setting: 'image' }]);
  });

  it('an environment value wins over the default', () => {
    const r2 = parseCompose(text, path, { env: new Map([['REGISTRY', envVar('ghcr.io/acme')], ['TAG', envVar('9')]]) });
    expect(r2.invocations[2].details.image?.value).toBe('ghcr.io/acme/shop/app:9');
  });
});

describe('parseCompose: other forms', () => {
  it('reads cache_to, tags, list args, no_cache, dockerfile_inline, extends and x-bake', () => {
    const text = `services:
  base:
    build:
      context: ./web
      dockerfile: Dockerfile.prod
      args:
        - NPM_TOKEN
        - "MODE=release"
      cache_to: ["type=registry,ref=r/web:cache,mode=max"]
      no_cache: true
      x-bake:
        cache-from: type=gha,scope=web
        cache-to:
          - type=gha,scope=web,mode=max
        tags: r/web:bake
        output: type=registry
  child:
    extends: base
    build:
      target: prod
  inline:
    build:
      dockerfile_inline: |
        FROM alpine
`;
    const r = parseCompose(text, '/repo/compose.yaml');
    expect(r.problems).toEqual([]);
    const [base, child, inline] = r.invocations;
    expect(base.dockerfile.path).toBe('/repo/web/Dockerfile.prod');
    expect(base.buildArgs.map((a) => [a.name, a.value?.value ?? null])).toEqual([
      ['NPM_TOKEN', null],
      ['MODE', 'release'],
    ]);
    expect(at(text, base.buildArgs[1].nameRange)).toBe('MODE');
    expect(at(text, base.buildArgs[1].value!.range)).toBe('release');
    expect(at(text, base.buildArgs[1].range)).toBe('"MODE=release"');
    expect(base.cacheTo.map((c) => [c.spec.type, c.spec.ref, c.spec.scope, c.spec.mode])).toEqual([
      ['registry', 'r/web:cache', null, 'max'],
      ['gha', null, 'web', 'max'],
    ]);
    expect(at(text, base.cacheTo[0].range)).toBe('"type=registry,ref=r/web:cache,mode=max"');
    expect(base.cacheFrom.map((c) => [c.spec.type, c.spec.scope])).toEqual([['gha', 'web']]);
    expect(base.cacheTo.map((c) => c.value)).toEqual(['type=registry,ref=r/web:cache,mode=max', 'type=gha,scope=web,mode=max']);
    expect(base.tags.map((t) => t.value)).toEqual(['r/web:bake']);
    expect(base.push.map((p) => [p.via, at(text, p.range)])).toEqual([['output', 'type=registry']]);
    expect(at(text, base.noCache)).toBe('no_cache: true');
    // child extends base: own target, inherited context and dockerfile
    expect(child.target?.value).toBe('prod');
    expect(child.dockerfile.path).toBe('/repo/web/Dockerfile.prod');
    expect(at(text, child.context.range)).toBe('./web');
    expect(inline.dockerfile.remote).toBe(true);
    expect(inline.dockerfile.path).toBeNull();
    expect(inline.dockerfile.value).toBe('FROM alpine\n');
  });

  it('a remote context has no path', () => {
    const r = parseCompose('services:\n  a:\n    build: https://github.com/acme/app.git#main\n', '/repo/compose.yaml');
    expect(r.invocations[0].context.remote).toBe(true);
    expect(r.invocations[0].context.path).toBeNull();
    expect(r.invocations[0].dockerfile.path).toBeNull();
  });

  it('broken YAML gives problems, not an exception', () => {
    const text = 'services:\n  a:\n    build: [unclosed\n  b: {\n';
    const r = parseCompose(text, '/repo/compose.yaml');
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems[0].severity).toBe('error');
    expect(r.problems[0].message).toMatch(/^YAML syntax error/);
    expect(r.problems[0].range.start).toBeGreaterThanOrEqual(0);
    expect(() => parseCompose('\u0000\t: : :', '/x/compose.yaml')).not.toThrow();
    expect(parseCompose('', '/x/compose.yaml').invocations).toEqual([]);
    expect(parseCompose('services: 3', '/x/compose.yaml').invocations).toEqual([]);
  });
});
