import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initShell, type Range } from '@stowage/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseShellScript } from './shell.js';

const SHOP = fileURLToPath(new URL('../../test-fixtures/shop/', import.meta.url));
const ROOT = SHOP.slice(0, -1);
const at = (text: string, r: Range | null) => (r === null ? null : text.slice(r.start, r.end));

beforeAll(() => initShell());

describe('parseShellScript: a CI script that builds and pushes each stage', () => {
  const path = `${SHOP}ci/build.sh`;
  let text: string;
  let r: ReturnType<typeof parseShellScript>;
  beforeAll(() => {
    text = readFileSync(path, 'utf8');
    r = parseShellScript(text, path, { root: ROOT });
  });

  it('finds the three builds (not `docker pull`)', () => {
    expect(r.problems).toEqual([]);
    expect(r.invocations.map((i) => [i.kind, i.tool, i.name, i.target?.value ?? null])).toEqual([
      ['shell-command', 'docker build', 'docker build', 'stage1'],
      ['shell-command', 'docker build', 'docker build', 'stage2'],
      ['shell-command', 'docker build', 'docker build', null],
    ]);
  });

  it('stage1: every setting with its range', () => {
    const b = r.invocations[0];
    expect(at(text, b.range)).toBe('docker build --target stage1 \\\n  --cache-from "$IMAGE:stage1" \\\n  -t "$IMAGE:stage1" -f docker/Dockerfile .');
    expect(at(text, b.nameRange)).toBe('docker build');
    expect(b.file.lines.positionAt(b.range.start)).toEqual({ line: 11, column: 1 });
    expect(at(text, b.target!.range)).toBe('stage1');
    expect(at(text, b.target!.keyRange)).toBe('--target');
    expect(b.cacheFrom.map((c) => [c.value, at(text, c.range), at(text, c.keyRange)])).toEqual([
      ['registry.example.com/shop/app:stage1', '"$IMAGE:stage1"', '--cache-from'],
    ]);
    expect(b.cacheFrom[0].spec.plainImage).toBe(true);
    expect(b.tags.map((t) => [t.value, at(text, t.range), at(text, t.keyRange)])).toEqual([['registry.example.com/shop/app:stage1', '"$IMAGE:stage1"', '-t']]);
    // `cd "$(dirname "$0")/.."` makes the repository root the working directory
    expect(b.context.value).toBe('.');
    expect(at(text, b.context.range)).toBe('.');
    expect(b.context.path).toBe(ROOT);
    expect(b.dockerfile.value).toBe('docker/Dockerfile');
    expect(at(text, b.dockerfile.range)).toBe('docker/Dockerfile');
    expect(at(text, b.dockerfile.keyRange)).toBe('-f');
    expect(b.dockerfile.path).toBe(`${SHOP}docker/Dockerfile`);
    expect(b.legacy.map((l) => [l.via, at(text, l.range)])).toEqual([['DOCKER_BUILDKIT=0', 'DOCKER_BUILDKIT=0']]);
    expect(b.file.lines.positionAt(b.legacy[0].range.start).line).toBe(8);
    // pushed by the loop at the end
    expect(b.push.map((p) => [p.via, p.ref, at(text, p.range)])).toEqual([['push-command', 'registry.example.com/shop/app:stage1', 'docker push "$IMAGE:$stage"']]);
    expect(b.unresolved).toEqual([]);
  });

  it('stage2: `--cache-from=value` gives the value part its own range', () => {
    const b = r.invocations[1];
    expect(b.cacheFrom.map((c) => [c.value, at(text, c.range), at(text, c.keyRange)])).toEqual([
      ['registry.example.com/shop/app:stage1', '"$IMAGE:stage1"', '--cache-from'],
      ['registry.example.com/shop/app:stage2', '"$IMAGE:stage2"', '--cache-from'],
    ]);
  });

  it('final: inline cache build arg, `docker tag` alias, pushes of both names', () => {
    const b = r.invocations[2];
    expect(b.target).toBeNull();
    expect(b.cacheFrom.map((c) => c.value.split(':').pop())).toEqual(['stage1', 'stage2', 'latest']);
    expect(b.buildArgs).toHaveLength(1);
    const a = b.buildArgs[0];
    expect(a.name).toBe('BUILDKIT_INLINE_CACHE');
    expect(a.value?.value).toBe('1');
    expect(at(text, a.nameRange)).toBe('BUILDKIT_INLINE_CACHE');
    expect(at(text, a.value!.range)).toBe('1');
    expect(at(text, a.range)).toBe('BUILDKIT_INLINE_CACHE=1');
    expect(at(text, a.value!.keyRange)).toBe('--build-arg');
    expect(b.tags.map((t) => [t.value, at(text, t.range)])).toEqual([
      ['registry.example.com/shop/app:latest', '"$IMAGE:latest"'],
      ['registry.example.com/shop/app:${CI_COMMIT_SHA}', '"$IMAGE:${CI_COMMIT_SHA}"'],
    ]);
    expect(b.tags[1].unresolved).toEqual(['${CI_COMMIT_SHA}']);
    expect(b.push.map((p) => at(text, p.range))).toEqual(['docker push "$IMAGE:$stage"', 'docker push "$IMAGE:${CI_COMMIT_SHA}"']);
  });
});

describe('parseShellScript: commands and variables', () => {
  const parse = (text: string, path = '/repo/scripts/build.sh') => parseShellScript(text, path, { root: '/repo' });

  it('resolves simple variables, defaults, and keeps unknown ones as written', () => {
    const text = 'IMAGE=foo\nTAG=${TAG:-dev}\nA=1 B=2\ndocker build -t $IMAGE:$TAG -t "$IMAGE:$GIT_SHA" --build-arg "A=$A$B" .\n';
    const [b] = parse(text).invocations;
    expect(at(text, b.range)).toMatch(/^docker build -t/);
    expect(b.tags.map((t) => [t.value, t.unresolved])).toEqual([
      ['foo:dev', []],
      ['foo:$GIT_SHA', ['$GIT_SHA']],
    ]);
    expect(b.buildArgs[0].value?.value).toBe('12');
    expect(at(text, b.buildArgs[0].nameRange)).toBe('A');
    expect(at(text, b.buildArgs[0].value!.range)).toBe('$A$B"');
    expect(b.unresolved).toEqual([{ text: '$GIT_SHA', range: b.tags[1].range, setting: 'tag' }]);
  });

  it('runs from the script folder or the root; `cd` moves it', () => {
    const [a, b] = parse('docker build -f docker/Dockerfile .\ncd services/api\ndocker build .\n').invocations;
    expect(a.context.candidates).toEqual(['/repo/scripts', '/repo']);
    expect(a.dockerfile.candidates).toEqual(['/repo/scripts/docker/Dockerfile', '/repo/docker/Dockerfile']);
    expect(b.context.candidates).toEqual(['/repo/scripts/services/api', '/repo/services/api']);
    const [c] = parse('cd "$SOMEWHERE"\ndocker build .\n').invocations;
    expect(c.context.path).toBeNull();
    expect(c.unresolved.map((u) => [u.text, u.setting])).toEqual([['cd "$SOMEWHERE"', 'cwd']]);
  });

  it('buildx with cache exports, push, outputs and a builder', () => {
    const text = 'docker buildx --builder ci build --platform linux/amd64 \\\n  --cache-to type=registry,ref=r/app:cache,mode=max --cache-from type=registry,ref=r/app:cache \\\n  --push --output type=image,push=true --no-cache -t r/app ./app\n';
    const [b] = parse(text).invocations;
    expect(b.tool).toBe('docker buildx build');
    expect(at(text, b.nameRange)).toBe('docker buildx --builder ci build');
    expect(b.cacheTo[0].spec).toEqual({ type: 'registry', attrs: { type: 'registry', ref: 'r/app:cache', mode: 'max' }, ref: 'r/app:cache', mode: 'max', scope: null, plainImage: false });
    expect(b.push.map((p) => [p.via, at(text, p.range)])).toEqual([
      ['flag', '--push'],
      ['output', 'type=image,push=true'],
    ]);
    expect(at(text, b.noCache)).toBe('--no-cache');
    expect(b.context.candidates).toEqual(['/repo/scripts/app', '/repo/app']);
    expect(b.legacy).toEqual([]);
  });

  it('recognises the other builders and wrappers', () => {
    const text = [
      'sudo -E docker image build -t a .',
      'docker --context remote build -t b .',
      'podman build -f Containerfile -t c .',
      'buildah bud --layers -t d .',
      'buildah build -t e .',
      'nerdctl build -t f .',
      '/usr/bin/docker builder build -t g .',
      'env DOCKER_BUILDKIT=0 docker build -t h .',
      'time docker buildx b -t i .',
      'docker run --rm alpine echo docker build -t nope .',
      'echo docker build .',
    ].join('\n');
    const r = parse(text);
    expect(r.invocations.map((i) => [i.tool, i.tags[0].value])).toEqual([
      ['docker build', 'a'],
      ['docker build', 'b'],
      ['podman build', 'c'],
      ['buildah build', 'd'],
      ['buildah build', 'e'],
      ['nerdctl build', 'f'],
      ['docker build', 'g'],
      ['docker build', 'h'],
      ['docker buildx build', 'i'],
    ]);
    // podman also looks for a relative -f in the context folder
    expect(r.invocations[2].dockerfile.candidates).toEqual(['/repo/scripts/Containerfile', '/repo/Containerfile']);
    expect(r.invocations[7].legacy.map((l) => [l.via, at(text, l.range)])).toEqual([['DOCKER_BUILDKIT=0', 'DOCKER_BUILDKIT=0']]);
  });

  it('DOCKER_BUILDKIT=0 only for that command, and not for buildx', () => {
    const text = 'DOCKER_BUILDKIT=0 docker build -t a .\ndocker build -t b .\nDOCKER_BUILDKIT=0 docker buildx build -t c .\n';
    const r = parse(text);
    expect(r.invocations.map((i) => i.legacy.map((l) => at(text, l.range)))).toEqual([['DOCKER_BUILDKIT=0'], [], []]);
  });

  it('a `for` loop over static values gives one invocation per value', () => {
    const text = 'REPO=r/app\nSTAGES="deps build"\nfor s in $STAGES final; do\n  docker build --target "$s" -t "$REPO:$s" .\n  docker push "$REPO:$s"\ndone\n';
    const r = parse(text);
    expect(r.invocations.map((i) => [i.target?.value, i.tags[0].value, i.push.length, i.details.loop])).toEqual([
      ['deps', 'r/app:deps', 1, { s: 'deps' }],
      ['build', 'r/app:build', 1, { s: 'build' }],
      ['final', 'r/app:final', 1, { s: 'final' }],
    ]);
    expect(at(text, r.invocations[1].target!.range)).toBe('"$s"');
  });

  it('words that may hide options are noted; stdin and remote contexts have no path', () => {
    const text = 'docker build $BUILD_OPTS -t a .\ndocker build -t b - < Dockerfile\ndocker build -f - -t c .\ndocker build https://github.com/acme/app.git#main\n';
    const [a, b, c, d] = parse(text).invocations;
    expect(a.unresolved).toEqual([{ text: '$BUILD_OPTS', range: { start: 13, end: 24 }, setting: 'args' }]);
    expect(a.context.value).toBe('.');
    expect(b.context.remote).toBe(true);
    expect(b.dockerfile.path).toBeNull();
    expect(c.dockerfile.remote).toBe(true);
    expect(c.context.path).toBe('/repo/scripts');
    expect(d.context.remote).toBe(true);
    expect(d.dockerfile.path).toBeNull();
  });

  it('expands unquoted variables into several options', () => {
    const text = 'OPTS="--target build --cache-from r/app:build"\ndocker build $OPTS -t r/app .\n';
    const [b] = parse(text).invocations;
    expect(b.target?.value).toBe('build');
    expect(at(text, b.target!.range)).toBe('$OPTS');
    expect(b.cacheFrom.map((c) => c.value)).toEqual(['r/app:build']);
    expect(b.unresolved).toEqual([]);
  });

  it('compose and bake runs', () => {
    const text = [
      'docker compose -f deploy/compose.yml --project-directory . build --push web',
      'docker-compose up -d --build',
      'COMPOSE_DOCKER_CLI_BUILD=1 DOCKER_BUILDKIT=1 docker-compose build',
      "docker buildx bake -f docker-bake.hcl --set '*.cache-to=type=gha,mode=max' --set app.target=prod --push app",
    ].join('\n');
    const r = parse(text);
    expect(r.invocations).toEqual([]);
    expect(r.runs.map((x) => [x.tool, x.command, x.targets.map((t) => t.value), x.push.length, x.legacy.map((l) => l.via)])).toEqual([
      ['compose', 'build', ['web'], 1, []],
      ['compose', 'up', [], 0, ['docker-compose']],
      ['compose', 'build', [], 0, []],
      ['bake', 'bake', ['app'], 1, []],
    ]);
    expect(r.runs[0].files.map((f) => f.candidates)).toEqual([['/repo/scripts/deploy/compose.yml', '/repo/deploy/compose.yml']]);
    expect(r.runs[0].cwd).toEqual(['/repo/scripts', '/repo']);
    expect(at(text, r.runs[1].legacy[0].range)).toBe('docker-compose');
    const bake = r.runs[3];
    expect(bake.overrides.map((o) => [o.pattern, o.key, o.value.value, at(text, o.value.range), at(text, o.value.keyRange)])).toEqual([
      ['*', 'cache-to', 'type=gha,mode=max', 'type=gha,mode=max', '*.cache-to'],
      ['app', 'target', 'prod', 'prod', 'app.target'],
    ]);
  });

  it('a heredoc body is not read as assignments or commands', () => {
    const text = 'IMAGE=a\ncat > .env <<EOF\nIMAGE=b\ndocker build -t nope .\nEOF\ndocker build -t $IMAGE .\n';
    const r = parse(text);
    expect(r.invocations.map((i) => i.tags[0].value)).toEqual(['a']);
  });

  it('unparsable shell gives a problem, not an exception', () => {
    const text = 'docker build -t a .\nif then fi ((( "\ndocker build -t b .\n';
    const r = parse(text);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0].severity).toBe('warning');
    expect(r.invocations[0].tags[0].value).toBe('a');
    for (const bad of ['', '\u0000', '$((', '"unterminated', 'docker build --target', 'docker buildx', 'docker', '`', '${', 'for x in; do', 'done done']) {
      expect(() => parse(bad)).not.toThrow();
    }
  });
});
