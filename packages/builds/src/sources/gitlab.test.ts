import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initShell, type Range } from '@stowage/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseGitlabCi } from './gitlab.js';

const SHOP = fileURLToPath(new URL('../../test-fixtures/shop/', import.meta.url));
const ROOT = SHOP.slice(0, -1);
const at = (text: string, r: Range | null) => (r === null ? null : text.slice(r.start, r.end));

beforeAll(() => initShell());

describe('parseGitlabCi: fixture', () => {
  const path = `${SHOP}.gitlab-ci.yml`;
  const text = readFileSync(path, 'utf8');

  it('reads the job script (multi-line plain scalar) with its variables', () => {
    const r = parseGitlabCi(text, path);
    expect(r.problems).toEqual([]);
    expect(r.invocations).toHaveLength(1);
    const b = r.invocations[0];
    expect([b.kind, b.tool, b.details.group]).toEqual(['gitlab-script', 'docker buildx build', 'build-api']);
    expect(at(text, b.range)).toBe(
      'docker buildx build\n        --cache-from type=registry,ref=$CACHE_REF\n        --cache-to type=registry,ref=$CACHE_REF,mode=max\n        --target runtime --push -t $IMAGE:$CI_COMMIT_SHA services/api',
    );
    expect(b.file.lines.positionAt(b.range.start)).toEqual({ line: 17, column: 7 });
    expect(b.cacheFrom.map((c) => [c.value, c.spec.ref, at(text, c.range), c.unresolved])).toEqual([
      ['type=registry,ref=$CI_REGISTRY_IMAGE/api:buildcache', '$CI_REGISTRY_IMAGE/api:buildcache', 'type=registry,ref=$CACHE_REF', ['$CI_REGISTRY_IMAGE']],
    ]);
    expect(b.cacheTo.map((c) => [c.spec.mode, at(text, c.range)])).toEqual([['max', 'type=registry,ref=$CACHE_REF,mode=max']]);
    expect([b.target?.value, at(text, b.target!.range)]).toEqual(['runtime', 'runtime']);
    expect(b.push.map((p) => [p.via, at(text, p.range)])).toEqual([['flag', '--push']]);
    expect(b.tags.map((t) => [t.value, at(text, t.range)])).toEqual([['$CI_REGISTRY_IMAGE/api:$CI_COMMIT_SHA', '$IMAGE:$CI_COMMIT_SHA']]);
    expect([b.context.value, b.context.path, b.dockerfile.path]).toEqual(['services/api', `${SHOP}services/api`, `${SHOP}services/api/Dockerfile`]);
    expect(b.legacy).toEqual([]);
    expect(r.runs.map((x) => [x.tool, x.targets.map((t) => t.value), x.push.length, x.cwd])).toEqual([['bake', ['app'], 1, [ROOT]]]);
    const o = r.runs[0].overrides[0];
    expect([o.pattern, o.key, o.value.value, at(text, o.value.range)]).toEqual([
      '*',
      'cache-from',
      'type=registry,ref=registry.example.com/shop/bake:cache',
      'type=registry,ref=registry.example.com/shop/bake:cache',
    ]);
  });
});

describe('parseGitlabCi: forms', () => {
  it('extends, !reference, nested lists, variables, default before_script and after_script', () => {
    const text = `default:
  before_script:
    - export DOCKER_BUILDKIT=0
variables:
  REPO: registry.example.com/app
  RAW:
    value: $NOT_EXPANDED
    expand: false
.setup:
  script:
    - TAG=ci
.base:
  variables:
    STAGE: deps
build:
  extends: [.base]
  variables:
    DOCKER_BUILDKIT: "1"
  script:
    - !reference [.setup, script]
    - - docker build --target $STAGE -t $REPO:$TAG -t "$RAW" .
  after_script:
    - docker build -t after .
hidden-only:
  stage: test
.template:
  script:
    - docker build -t never .
`;
    const r = parseGitlabCi(text, '/repo/.gitlab-ci.yml');
    expect(r.problems).toEqual([]);
    expect(r.invocations.map((i) => i.tags.map((t) => t.value))).toEqual([['registry.example.com/app:ci', '$NOT_EXPANDED'], ['after']]);
    const [b, after] = r.invocations;
    expect(b.target?.value).toBe('deps');
    // the default before_script exports DOCKER_BUILDKIT=0 after the job variable set it to 1
    expect(b.legacy.map((l) => [l.via, at(text, l.range)])).toEqual([['DOCKER_BUILDKIT=0', 'DOCKER_BUILDKIT=0']]);
    // after_script runs in a shell of its own: the job's variables only
    expect(after.legacy).toEqual([]);
    expect(b.details.group).toBe('build');
  });

  it('DOCKER_BUILDKIT in variables is a legacy signal at that entry', () => {
    const text = 'variables:\n  DOCKER_BUILDKIT: 0\nb:\n  script: docker build .\n';
    const r = parseGitlabCi(text, '/repo/.gitlab-ci.yml');
    expect(r.invocations[0].legacy.map((l) => at(text, l.range))).toEqual(['DOCKER_BUILDKIT: 0']);
  });

  it('broken YAML gives problems, not exceptions', () => {
    const r = parseGitlabCi('b:\n  script:\n    - "docker build\n  x: [\n', '/r/.gitlab-ci.yml');
    expect(r.problems.length).toBeGreaterThan(0);
    for (const t of ['', 'b: 1', 'b:\n  script: {}', 'b:\n  extends: b\n  script: [1]', 'a:\n  extends: b\nb:\n  extends: a\n  script: x']) {
      expect(() => parseGitlabCi(t, '/r/.gitlab-ci.yml')).not.toThrow();
    }
  });
});
