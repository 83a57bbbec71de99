import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Range } from '@stowage/core';
import { afterAll, describe, expect, it } from 'vitest';
import { isHclReady } from './hcl.js';
import { buildsInfoFor, classifyFile, findInvocationFiles, invocationsFor, loadInvocations } from './load.js';

const SHOP = fileURLToPath(new URL('../test-fixtures/shop', import.meta.url));
const at = (text: string, r: Range | null) => (r === null ? null : text.slice(r.start, r.end));
const tmp = mkdtempSync(join(tmpdir(), 'stowage-builds-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('findInvocationFiles', () => {
  it('classifies file names', () => {
    expect(
      ['/r/compose.yaml', '/r/docker-compose.prod.yml', '/r/compose.override.yml', '/r/x/.github/workflows/ci.yaml', '/r/ci.yml', '/r/.gitlab-ci.yml', '/r/ci/jobs.gitlab-ci.yml', '/r/GNUmakefile', '/r/docker.mk', '/r/docker-bake.override.json', '/r/scripts/a.sh', '/r/README.md'].map(
        classifyFile,
      ),
    ).toEqual(['compose', 'compose', 'compose', 'github-actions', null, 'gitlab-ci', 'gitlab-ci', 'makefile', 'makefile', 'bake', 'shell', null]);
  });

  it('walks the tree, skipping node_modules, .git, .gitignored paths and `ignore` patterns', () => {
    const root = join(tmp, 'walk');
    cpSync(SHOP, root, { recursive: true });
    for (const f of ['node_modules/pkg/build.sh', '.git/hooks/pre-commit.sh', 'build/out.sh', 'ci/tmp.generated.sh', 'vendor/x/compose.yml', 'sub/.gitignore', 'sub/keep.sh', 'sub/drop.sh']) {
      mkdirSync(join(root, f, '..'), { recursive: true });
      writeFileSync(join(root, f), f === 'sub/.gitignore' ? 'drop.sh\n' : 'docker build .\n');
    }
    const found = findInvocationFiles(root, { ignore: ['vendor/'] }).map((f) => [f.path.slice(root.length + 1), f.source]);
    expect(found).toEqual([
      ['.github/workflows/images.yml', 'github-actions'],
      ['.gitlab-ci.yml', 'gitlab-ci'],
      ['Makefile', 'makefile'],
      ['ci/build.sh', 'shell'],
      ['docker-bake.hcl', 'bake'],
      ['docker-bake.override.hcl', 'bake'],
      ['docker-compose.yml', 'compose'],
      ['sub/keep.sh', 'shell'],
    ]);
  });
});

describe('loadInvocations', () => {
  it('loads the HCL grammar only when a bake HCL file exists', async () => {
    const root = join(tmp, 'nobake');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'compose.yaml'), 'services:\n  a:\n    build: .\n');
    const r = await loadInvocations(root);
    expect(r.invocations.map((i) => i.name)).toEqual(['a']);
    expect(isHclReady()).toBe(false);
  });

  it('reads every source of the fixture repository and links runs', async () => {
    const r = await loadInvocations(SHOP);
    expect(isHclReady()).toBe(true);
    expect(r.problems).toEqual([]);
    const summary = r.invocations.map((i) => `${i.kind} ${i.name}${i.target ? ` --target ${i.target.value}` : ''}`);
    expect(summary).toEqual([
      'github-build-push-action Build app --target final',
      'github-build-push-action Build api',
      'github-run docker build --target tools',
      'gitlab-script docker buildx build --target runtime',
      'makefile-recipe docker build --target tools',
      'shell-command docker build --target stage1',
      'shell-command docker build --target stage2',
      'shell-command docker build',
      'compose-service stage1 --target stage1',
      'compose-service stage2 --target stage2',
      'compose-service app --target final',
      'compose-service api',
      'bake-target _common',
      'bake-target app --target final',
      'bake-target api --target runtime',
    ]);
    expect(r.runs.map((x) => `${x.tool} ${x.command} ${x.file.path.slice(SHOP.length + 1)}`)).toEqual(['bake bake .gitlab-ci.yml', 'compose build Makefile']);

    // `docker-compose build app` in the Makefile builds the compose service with the v1 binary
    const app = r.invocations.find((i) => i.kind === 'compose-service' && i.name === 'app')!;
    expect(app.runs.map((x) => x.file.path.slice(SHOP.length + 1))).toEqual(['.gitlab-ci.yml', 'Makefile']);
    const legacy = app.legacy.find((l) => l.via === 'docker-compose')!;
    expect([legacy.file.path, at(legacy.file.text, legacy.range)]).toEqual([`${SHOP}/Makefile`, 'docker-compose']);

    // `docker buildx bake --push --set '*.cache-from=...' app` in GitLab: pushes bake's app, its cache-from replaced
    const bakeApp = r.invocations.find((i) => i.kind === 'bake-target' && i.name === 'app')!;
    expect(bakeApp.push.map((p) => [p.via, p.file.path.slice(SHOP.length + 1), at(p.file.text, p.range)])).toEqual([['run', '.gitlab-ci.yml', '--push']]);
    expect(bakeApp.cacheFrom.map((c) => [c.value, c.file?.path.slice(SHOP.length + 1)])).toEqual([['type=registry,ref=registry.example.com/shop/bake:cache', '.gitlab-ci.yml']]);
    const bakeApi = r.invocations.find((i) => i.kind === 'bake-target' && i.name === 'api')!;
    expect(bakeApi.runs).toEqual([]);

    // scripts may run from their folder or the root: the path that exists wins
    const mk = r.invocations.find((i) => i.kind === 'makefile-recipe')!;
    expect(mk.dockerfile.path).toBe(`${SHOP}/Dockerfile`);
  });

  it('invocationsFor and buildsInfoFor: what builds a Dockerfile', async () => {
    const r = await loadInvocations(SHOP);
    const df = `${SHOP}/docker/Dockerfile`;
    expect(invocationsFor(df, r.invocations).map((i) => `${i.file.path.slice(SHOP.length + 1)}:${i.file.lines.positionAt(i.nameRange.start).line} ${i.name}`)).toEqual([
      '.github/workflows/images.yml:18 Build app',
      'ci/build.sh:11 docker build',
      'ci/build.sh:14 docker build',
      'ci/build.sh:17 docker build',
      'docker-compose.yml:8 stage1',
      'docker-compose.yml:15 stage2',
      'docker-compose.yml:23 app',
      'docker-bake.hcl:15 _common',
      'docker-bake.hcl:22 app',
    ]);
    const info = buildsInfoFor(df, r.invocations);
    expect(info.invocations).toBe(9);
    expect([...info.targets].sort()).toEqual(['final', 'stage1', 'stage2']);
    expect(invocationsFor(`${SHOP}/services/api/Dockerfile`, r.invocations).map((i) => i.kind)).toEqual([
      'github-build-push-action',
      'gitlab-script',
      'compose-service',
      'bake-target',
    ]);
    expect(invocationsFor(`${SHOP}/Dockerfile`, r.invocations).map((i) => i.target?.value)).toEqual(['tools', 'tools']);
  });

  it('is fast once the parsers are loaded', async () => {
    await loadInvocations(SHOP);
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) await loadInvocations(SHOP);
    const each = (performance.now() - t0) / 10;
    expect(each).toBeLessThan(100);
  });
});
