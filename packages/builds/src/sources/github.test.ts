import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initShell, type Range } from '@stowage/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { workflowRoot } from '../paths.js';
import { parseGithubWorkflow } from './github.js';

const SHOP = fileURLToPath(new URL('../../test-fixtures/shop/', import.meta.url));
const ROOT = SHOP.slice(0, -1);
const at = (text: string, r: Range | null) => (r === null ? null : text.slice(r.start, r.end));

beforeAll(() => initShell());

describe('parseGithubWorkflow: build-push-action with gha cache', () => {
  const path = `${SHOP}.github/workflows/images.yml`;
  const text = readFileSync(path, 'utf8');
  let r: ReturnType<typeof parseGithubWorkflow>;
  let app: (typeof r.invocations)[number];
  let api: typeof app;
  let tools: typeof app;
  beforeAll(async () => {
    await initShell();
    r = parseGithubWorkflow(text, path);
    [app, api, tools] = r.invocations;
  });

  it('finds two action steps and one run step', () => {
    expect(workflowRoot(path)).toBe(ROOT);
    expect(r.problems).toEqual([]);
    expect(r.invocations.map((i) => [i.kind, i.tool, i.name, i.details.group])).toEqual([
      ['github-build-push-action', 'build-push-action', 'Build app', 'build'],
      ['github-build-push-action', 'build-push-action', 'Build api', 'build'],
      ['github-run', 'docker build', 'docker build', 'tools'],
    ]);
  });

  it('app: inputs with ranges; multi-line inputs give one entry per line', () => {
    expect(at(text, app.nameRange)).toBe('docker/build-push-action@v6');
    expect(app.file.lines.positionAt(app.nameRange.start)).toEqual({ line: 18, column: 15 });
    expect(at(text, app.range)).toMatch(/^name: Build app\n\s+uses: docker\/build-push-action@v6\n[\s\S]*cache-to: type=gha,scope=app,mode=max\n$/);
    expect([app.context.value, at(text, app.context.range), at(text, app.context.keyRange), app.context.path]).toEqual(['.', '.', 'context', ROOT]);
    expect([app.dockerfile.value, at(text, app.dockerfile.range), app.dockerfile.path]).toEqual(['docker/Dockerfile', 'docker/Dockerfile', `${SHOP}docker/Dockerfile`]);
    expect([app.target?.value, at(text, app.target!.range)]).toEqual(['final', 'final']);
    expect(app.tags.map((t) => [t.value, at(text, t.range), app.file.lines.positionAt(t.range.start).line, t.unresolved])).toEqual([
      ['ghcr.io/acme/shop:latest', '${{ env.IMAGE }}:latest', 25, []],
      ['ghcr.io/acme/shop:${{ github.sha }}', '${{ env.IMAGE }}:${{ github.sha }}', 26, ['${{ github.sha }}']],
    ]);
    expect(app.buildArgs.map((a) => [a.name, a.value?.value, at(text, a.nameRange), at(text, a.value!.range), at(text, a.range)])).toEqual([
      ['NODE_ENV', 'production', 'NODE_ENV', 'production', 'NODE_ENV=production'],
      ['GIT_SHA', '${{ github.sha }}', 'GIT_SHA', '${{ github.sha }}', 'GIT_SHA=${{ github.sha }}'],
    ]);
    expect(app.cacheFrom.map((c) => [c.spec.type, c.spec.scope, c.spec.mode, at(text, c.range), at(text, c.keyRange)])).toEqual([
      ['gha', 'app', null, 'type=gha,scope=app', 'cache-from'],
    ]);
    expect(app.cacheTo.map((c) => [c.spec.type, c.spec.scope, c.spec.mode, at(text, c.range)])).toEqual([['gha', 'app', 'max', 'type=gha,scope=app,mode=max']]);
    // push depends on the event: not knowable
    expect(app.push.map((p) => [p.via, p.value, at(text, p.range)])).toEqual([['input', null, "${{ github.event_name != 'pull_request' }}"]]);
    expect(app.legacy).toEqual([]);
  });

  it('api: default Dockerfile in the context, comma-separated tags, gha cache without scope', () => {
    expect(api.context.path).toBe(`${SHOP}services/api`);
    expect(api.dockerfile.defaulted).toBe(true);
    expect(api.dockerfile.path).toBe(`${SHOP}services/api/Dockerfile`);
    expect(at(text, api.dockerfile.range)).toBe('docker/build-push-action@v6');
    expect(api.tags.map((t) => [t.value, at(text, t.range)])).toEqual([
      ['ghcr.io/acme/shop-api:latest', '${{ env.IMAGE }}-api:latest'],
      ['ghcr.io/acme/shop-api:${{ github.sha }}', '${{ env.IMAGE }}-api:${{ github.sha }}'],
    ]);
    expect(api.cacheFrom.map((c) => [c.spec.type, c.spec.scope])).toEqual([['gha', null]]);
    expect(api.cacheTo.map((c) => [c.spec.type, c.spec.scope, c.spec.mode])).toEqual([['gha', null, 'max']]);
    expect(api.push.map((p) => [p.via, p.value, at(text, p.range)])).toEqual([['input', true, 'true']]);
  });

  it('run step: job env (DOCKER_BUILDKIT: 0, workflow IMAGE), `${{ }}` inside the script, push in the same step', () => {
    expect(at(text, tools.range)).toBe('docker build --target tools -t "$IMAGE-tools:${{ github.sha }}" .');
    expect(tools.file.lines.positionAt(tools.range.start)).toEqual({ line: 48, column: 11 });
    expect(tools.details.step).toBe('Tools image');
    expect(tools.tags.map((t) => [t.value, at(text, t.range)])).toEqual([['ghcr.io/acme/shop-tools:${{ github.sha }}', '"$IMAGE-tools:${{ github.sha }}"']]);
    expect(tools.legacy.map((l) => [l.via, at(text, l.range)])).toEqual([['DOCKER_BUILDKIT=0', 'DOCKER_BUILDKIT: 0']]);
    expect(tools.push.map((p) => at(text, p.range))).toEqual(['docker push "$IMAGE-tools:${{ github.sha }}"']);
    expect(tools.dockerfile.path).toBe(`${SHOP}Dockerfile`);
  });
});

describe('parseGithubWorkflow: forms', () => {
  it('working directories, shells, bake-action, a later `docker push` step, folded scripts', () => {
    const text = `on: push
defaults:
  run:
    working-directory: web
jobs:
  a:
    runs-on: ubuntu-latest
    env:
      REPO: r/app
    steps:
      - uses: docker/build-push-action@v5
        with:
          load: true
          tags: \${{ env.REPO }}:ci
          outputs: type=registry
          no-cache: true
      - run: docker push "$REPO:ci"
      - run: docker build -t x .
        working-directory: \${{ matrix.dir }}
      - run: docker build -t pwsh .
        shell: pwsh
      - uses: docker/build-push-action@v6
        with:
          context: \${{ github.workspace }}/web
      - run: >
          docker build
          --target test
          -t folded .
      - uses: docker/bake-action@v6
        with:
          files: |
            ./docker-bake.hcl
          targets: app,api
          push: true
          set: |
            *.cache-from=type=gha,scope=\${{ github.ref_name }}
  win:
    runs-on: windows-latest
    steps:
      - run: docker build -t win .
`;
    const r = parseGithubWorkflow(text, '/repo/.github/workflows/ci.yml');
    expect(r.problems).toEqual([]);
    expect(r.invocations.map((i) => i.tags[0]?.value)).toEqual(['r/app:ci', 'x', undefined, 'folded']);
    const [action, x, ws, folded] = r.invocations;
    expect(ws.context.path).toBe('/repo/web');
    expect(action.push.map((p) => [p.via, at(text, p.range)])).toEqual([
      ['output', 'type=registry'],
      ['push-command', 'docker push "$REPO:ci"'],
    ]);
    expect(at(text, action.noCache)).toBe('no-cache: true');
    expect(action.context.defaulted).toBe(true);
    expect(action.context.path).toBe('/repo');
    expect(x.context.path).toBeNull();
    expect(x.unresolved.map((u) => u.setting)).toEqual(['cwd']);
    expect(folded.context.path).toBe('/repo/web');
    expect([folded.target?.value, at(text, folded.target!.range)]).toEqual(['test', 'test']);
    expect(at(text, folded.range)).toBe('docker build\n          --target test\n          -t folded .');
    expect(r.runs).toHaveLength(1);
    const bake = r.runs[0];
    expect(bake.tool).toBe('bake');
    expect(bake.files.map((f) => f.path)).toEqual(['/repo/docker-bake.hcl']);
    expect(bake.targets.map((t) => [t.value, at(text, t.range)])).toEqual([
      ['app', 'app'],
      ['api', 'api'],
    ]);
    expect(bake.push.map((p) => p.value)).toEqual([true]);
    expect(bake.overrides.map((o) => [o.pattern, o.key, o.value.value, at(text, o.value.range), o.value.unresolved])).toEqual([
      ['*', 'cache-from', 'type=gha,scope=${{ github.ref_name }}', 'type=gha,scope=${{ github.ref_name }}', ['${{ github.ref_name }}']],
    ]);
  });

  it('broken YAML and odd shapes give problems, not exceptions', () => {
    const r = parseGithubWorkflow('jobs:\n  a:\n    steps:\n      - run: "unterminated\n', '/r/.github/workflows/x.yml');
    expect(r.problems.length).toBeGreaterThan(0);
    for (const t of ['', 'jobs: 1', 'jobs:\n  a: 1', 'jobs:\n  a:\n    steps: {}', 'jobs:\n  a:\n    steps:\n      - uses: docker/build-push-action@v6\n        with: 3', '- a\n- b']) {
      expect(() => parseGithubWorkflow(t, '/r/.github/workflows/x.yml')).not.toThrow();
    }
  });
});
