import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initShell, type Range } from '@stowage/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseMakefile } from './makefile.js';

const SHOP = fileURLToPath(new URL('../../test-fixtures/shop/', import.meta.url));
const at = (text: string, r: Range | null) => (r === null ? null : text.slice(r.start, r.end));

beforeAll(() => initShell());

describe('parseMakefile: fixture', () => {
  const path = `${SHOP}Makefile`;
  const text = readFileSync(path, 'utf8');

  it('reads the recipe build with make variables, and the push rule', () => {
    const r = parseMakefile(text, path);
    expect(r.problems).toEqual([]);
    expect(r.invocations).toHaveLength(1);
    const b = r.invocations[0];
    expect(b.kind).toBe('makefile-recipe');
    expect(b.details.group).toBe('build');
    expect(at(text, b.range)).toBe('DOCKER_BUILDKIT=1 docker build $(DOCKER_FLAGS) \\\n\t\t--target tools \\\n\t\t-t $(IMAGE):$(TAG) -t $(IMAGE):cache .');
    expect(b.file.lines.positionAt(b.range.start)).toEqual({ line: 10, column: 2 });
    expect(at(text, b.nameRange)).toBe('docker build');
    expect(b.legacy).toEqual([]);
    expect([b.target?.value, at(text, b.target!.range)]).toEqual(['tools', 'tools']);
    // `$(DOCKER_FLAGS)` expands to several options: they point at that word
    expect(b.cacheFrom.map((c) => [c.value, at(text, c.range), at(text, c.keyRange)])).toEqual([
      ['registry.example.com/shop/tools:cache', '$(DOCKER_FLAGS)', '$(DOCKER_FLAGS)'],
    ]);
    expect(b.buildArgs.map((a) => [a.name, a.value?.value, at(text, a.range)])).toEqual([['BUILDKIT_INLINE_CACHE', '1', '$(DOCKER_FLAGS)']]);
    expect(b.tags.map((t) => [t.value, at(text, t.range), t.unresolved])).toEqual([
      ['registry.example.com/shop/tools:$(shell git describe --tags)', '$(IMAGE):$(TAG)', ['$(shell git describe --tags)']],
      ['registry.example.com/shop/tools:cache', '$(IMAGE):cache', []],
    ]);
    expect(b.push.map((p) => [p.ref, at(text, p.range)])).toEqual([
      ['registry.example.com/shop/tools:cache', 'docker push $(IMAGE):cache'],
      ['registry.example.com/shop/tools:$(shell git describe --tags)', 'docker push $(IMAGE):$(TAG)'],
    ]);
    expect(b.context.path).toBe(SHOP.slice(0, -1));
    expect(b.dockerfile.path).toBe(`${SHOP}Dockerfile`);
    expect(r.runs.map((x) => [x.tool, x.command, x.targets.map((t) => t.value), x.legacy.map((l) => [l.via, at(text, l.range)])])).toEqual([
      ['compose', 'build', ['app'], [['docker-compose', 'docker-compose']]],
    ]);
    expect(r.runs[0].files[0].path).toBe(`${SHOP}docker-compose.yml`);
  });
});

describe('parseMakefile: forms', () => {
  it('exported variables reach the shell; prefixes, `$$`, `?=`, `+=`, `;` recipes, define blocks', () => {
    const text = [
      'export DOCKER_BUILDKIT = 0',
      'NAME ?= web',
      'NAME ?= ignored',
      'ARGS := --target',
      'ARGS += prod',
      'define HELP',
      'docker build -t in-define .',
      'endef',
      'push: ; docker push r/$(NAME):latest',
      'image:',
      '\t@-docker build $(ARGS) -t r/$(NAME):latest \\',
      '\t\t-f $(CURDIR)/docker/Dockerfile $$HOME/ctx',
      '',
      '# comment',
      '\tdocker build -t "$${REGISTRY:-r}/x" .',
      'other: image',
      '\t+cd sub && docker build -t sub .',
    ].join('\n');
    const r = parseMakefile(text, '/repo/Makefile');
    expect(r.problems).toEqual([]);
    const [a, b, c] = r.invocations;
    expect(r.invocations).toHaveLength(3);
    expect(at(text, a.range)).toMatch(/^docker build \$\(ARGS\)/);
    expect(a.target?.value).toBe('prod');
    expect(a.tags[0].value).toBe('r/web:latest');
    expect(a.dockerfile.path).toBe('/repo/docker/Dockerfile');
    expect(a.context.value).toBe('$HOME/ctx');
    expect(a.context.unresolved).toEqual(['$HOME']);
    expect(a.legacy.map((l) => [l.via, at(text, l.range)])).toEqual([['DOCKER_BUILDKIT=0', 'export DOCKER_BUILDKIT = 0']]);
    // pushed by a rule written before it
    expect(a.push.map((p) => at(text, p.range))).toEqual(['docker push r/$(NAME):latest']);
    expect(a.details.group).toBe('image');
    expect(b.tags[0].value).toBe('r/x');
    expect(c.context.path).toBe('/repo/sub');
    expect(c.details.group).toBe('other');
  });

  it('never throws on odd input', () => {
    for (const t of ['', '\t\t\n', 'a:\n\t$(', 'x = $(', 'define\n', 'a: b\n\tdocker build \\', '\tdocker build .\n', ':::\n\t"']) {
      expect(() => parseMakefile(t, '/r/Makefile')).not.toThrow();
    }
    // a recipe line outside a rule is not read
    expect(parseMakefile('\tdocker build .\n', '/r/Makefile').invocations).toEqual([]);
  });
});
