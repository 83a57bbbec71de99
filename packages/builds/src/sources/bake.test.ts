import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Range } from '@stowage/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { envVar } from '../expand.js';
import { initHcl } from '../hcl.js';
import { parseBakeFiles, parseBakeHcl, parseBakeJson } from './bake.js';

const SHOP = fileURLToPath(new URL('../../test-fixtures/shop/', import.meta.url));
const ROOT = SHOP.slice(0, -1);
const at = (text: string, r: Range | null) => (r === null ? null : text.slice(r.start, r.end));

beforeAll(() => initHcl());

describe('parseBakeFiles: docker-bake.hcl with its override', () => {
  const basePath = `${SHOP}docker-bake.hcl`;
  const overridePath = `${SHOP}docker-bake.override.hcl`;
  const base = readFileSync(basePath, 'utf8');
  const override = readFileSync(overridePath, 'utf8');
  let results: ReturnType<typeof parseBakeFiles>;
  beforeAll(() => {
    results = parseBakeFiles([
      { path: basePath, text: base },
      { path: overridePath, text: override },
    ]);
  });
  const target = (n: string) => results[0].invocations.find((i) => i.name === n)!;

  it('one invocation per target, in the file defining it first', () => {
    expect(results.map((r) => r.problems)).toEqual([[], []]);
    expect(results[0].invocations.map((i) => [i.kind, i.tool, i.name])).toEqual([
      ['bake-target', 'bake', '_common'],
      ['bake-target', 'bake', 'app'],
      ['bake-target', 'bake', 'api'],
    ]);
    expect(results[1].invocations).toEqual([]);
  });

  it('app: inherits, variables with defaults, object cache-to, args merged, override tags', () => {
    const app = target('app');
    expect(at(base, app.nameRange)).toBe('"app"');
    expect(app.file.lines.positionAt(app.range.start)).toEqual({ line: 22, column: 1 });
    expect(at(base, app.range)).toMatch(/^target "app" \{\n[\s\S]*\n\}$/);
    expect(app.details).toEqual({ group: 'app', bakeGroups: ['default'], inherits: ['_common'], inheritedBy: [] });
    // dockerfile inherited from _common, resolved against the default context
    expect([app.dockerfile.value, at(base, app.dockerfile.range), at(base, app.dockerfile.keyRange), app.dockerfile.path]).toEqual([
      'docker/Dockerfile',
      '"docker/Dockerfile"',
      'dockerfile',
      `${SHOP}docker/Dockerfile`,
    ]);
    expect(app.context.defaulted).toBe(true);
    expect(app.context.path).toBe(ROOT);
    expect([app.target?.value, at(base, app.target!.range), at(base, app.target!.keyRange)]).toEqual(['final', '"final"', 'target']);
    expect(app.cacheFrom.map((c) => [c.value, at(base, c.range), c.spec.ref])).toEqual([
      ['type=registry,ref=registry.example.com/shop/app:buildcache', '"type=registry,ref=${REGISTRY}/shop/app:buildcache"', 'registry.example.com/shop/app:buildcache'],
    ]);
    expect(app.cacheTo.map((c) => [c.value, at(base, c.range), c.spec.type, c.spec.mode, c.spec.ref])).toEqual([
      [
        'type=registry,ref=registry.example.com/shop/app:buildcache,mode=max',
        '{ type = "registry", ref = "${REGISTRY}/shop/app:buildcache", mode = "max" }',
        'registry',
        'max',
        'registry.example.com/shop/app:buildcache',
      ],
    ]);
    expect(app.buildArgs.map((a) => [a.name, a.value?.value, at(base, a.nameRange), at(base, a.value!.range)])).toEqual([
      ['NODE_ENV', 'production', 'NODE_ENV', '"production"'],
      ['APP_VERSION', 'dev', 'APP_VERSION', '"${TAG}"'],
    ]);
    // tags come from the override file: the setting says so
    expect(app.tags.map((t) => [t.value, t.file?.path, at(override, t.range)])).toEqual([['registry.example.com/shop/app:override', overridePath, '"${REGISTRY}/shop/app:override"']]);
    expect(app.push).toEqual([]);
  });

  it('api: own context, output pushes, gha cache with scope', () => {
    const api = target('api');
    expect(api.context.path).toBe(`${SHOP}services/api`);
    expect(at(base, api.context.range)).toBe('"services/api"');
    expect(api.dockerfile.path).toBe(`${SHOP}services/api/Dockerfile`);
    expect(api.dockerfile.defaulted).toBe(true);
    expect(api.cacheFrom.map((c) => [c.spec.type, c.spec.scope])).toEqual([['gha', 'api']]);
    expect(api.push.map((p) => [p.via, at(base, p.range)])).toEqual([['output', '"type=registry"']]);
    expect(api.tags.map((t) => t.value)).toEqual(['registry.example.com/shop/api:dev']);
  });

  it('_common is a template others inherit from', () => {
    expect(target('_common').details.inheritedBy).toEqual(['app']);
    expect(target('_common').details.bakeGroups).toEqual([]);
  });

  it('a variable without default is unresolved; the environment overrides defaults', () => {
    const app = target('app');
    expect(app.unresolved).toEqual([]);
    const r = parseBakeHcl(base, basePath, { env: new Map([['TAG', envVar('1.0')]]) });
    const app2 = r.invocations.find((i) => i.name === 'app')!;
    expect(app2.tags.map((t) => [t.value, t.unresolved])).toEqual([
      ['registry.example.com/shop/app:1.0', []],
      ['registry.example.com/shop/app:${GIT_SHA}', ['${GIT_SHA}']],
    ]);
    expect(app2.unresolved.map((u) => [u.text, u.setting, at(base, u.range)])).toEqual([['${GIT_SHA}', 'tags', '"${REGISTRY}/shop/app:${GIT_SHA}"']]);
  });
});

describe('bake forms', () => {
  it('functions, conditionals and references are unresolved; heredocs, escapes, nested groups, inherit chains', () => {
    const text = `REPO = "r/app"
variable "V" { default = "\${REPO}-v" }
group "default" { targets = ["all"] }
group "all" { targets = ["c"] }
target "a" {
  dockerfile-inline = <<EOT
FROM alpine
EOT
  tags = [upper(V), "x-\${V}", "lit-$\${NOPE}"]
}
target "b" {
  inherits = ["a"]
  target = V == "" ? "x" : "y"
  no-cache = true
  args = { FROM_ENV = null }
}
target "c" {
  inherits = ["b"]
  cache-from = [{ type = "gha", scope = "c" }]
}
`;
    const r = parseBakeHcl(text, '/repo/docker-bake.hcl');
    expect(r.problems).toEqual([]);
    const [a, b, c] = r.invocations;
    expect(a.dockerfile.remote).toBe(true);
    expect(a.dockerfile.value).toBe('FROM alpine\n');
    expect(a.tags.map((t) => [t.value, t.unresolved])).toEqual([
      ['upper(V)', ['${upper(V)}']],
      ['x-r/app-v', []],
      ['lit-${NOPE}', []],
    ]);
    expect(b.target?.unresolved).toEqual(['${V == "" ? "x" : "y"}']);
    expect(at(text, b.noCache)).toBe('no-cache = true');
    expect(b.buildArgs.map((x) => [x.name, x.value])).toEqual([['FROM_ENV', null]]);
    expect(c.details.inherits).toEqual(['b', 'a']);
    expect(c.details.bakeGroups).toEqual(['all', 'default']);
    expect(c.dockerfile.remote).toBe(true);
    expect(c.cacheFrom.map((x) => [x.value, x.spec.type, x.spec.scope])).toEqual([['type=gha,scope=c', 'gha', 'c']]);
    // inherited settings point where they are written (b's block)
    expect(at(text, c.noCache)).toBe('no-cache = true');
  });

  it('inherit cycles and unknown parents do not hang', () => {
    const r = parseBakeHcl('target "a" { inherits = ["b"] }\ntarget "b" { inherits = ["a", "zzz"] }\n', '/r/docker-bake.hcl');
    expect(r.invocations.map((i) => i.name)).toEqual(['a', 'b']);
  });

  it('docker-bake.json', () => {
    const text = `{
  "variable": { "TAG": { "default": "latest" } },
  "group": { "default": { "targets": ["web"] } },
  "target": {
    "web": {
      "context": "web",
      "dockerfile": "Dockerfile.prod",
      "target": "runtime",
      "tags": ["r/web:\${TAG}"],
      "cache-from": ["type=registry,ref=r/web:cache"],
      "cache-to": ["type=registry,ref=r/web:cache,mode=max"],
      "args": { "A": "1" }
    }
  }
}
`;
    const r = parseBakeJson(text, '/repo/docker-bake.json');
    expect(r.problems).toEqual([]);
    const [w] = r.invocations;
    expect(w.name).toBe('web');
    expect(at(text, w.nameRange)).toBe('"web"');
    expect(w.dockerfile.path).toBe('/repo/web/Dockerfile.prod');
    expect([w.target?.value, at(text, w.target!.range), at(text, w.target!.keyRange)]).toEqual(['runtime', '"runtime"', '"target"']);
    expect(w.tags.map((t) => [t.value, at(text, t.range)])).toEqual([['r/web:latest', '"r/web:${TAG}"']]);
    expect(w.cacheTo[0].spec.mode).toBe('max');
    expect(w.buildArgs.map((a) => [a.name, a.value?.value])).toEqual([['A', '1']]);
    expect(w.details.bakeGroups).toEqual(['default']);
  });

  it('an HCL syntax error gives problems, not an exception; what parses is kept', () => {
    const text = 'target "ok" {\n  target = "x"\n}\ntarget "bad" {\n  tags = ["a",\n';
    const r = parseBakeHcl(text, '/r/docker-bake.hcl');
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems[0].message).toMatch(/HCL syntax error/);
    expect(r.invocations.map((i) => i.name)).toContain('ok');
    for (const t of ['', '{{{', 'target {}', 'target "x" { tags = }', '"', 'variable "x" { default = x }\ntarget "t" { target = x }']) {
      expect(() => parseBakeHcl(t, '/r/docker-bake.hcl')).not.toThrow();
    }
    expect(parseBakeJson('{"target": [', '/r/docker-bake.json').problems[0].message).toMatch(/^JSON syntax error/);
  });
});
