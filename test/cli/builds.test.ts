import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, json, noStack, project, stowage, type FileReportJson } from './helpers.js';

afterAll(cleanup);

// The classic multi-stage file: final copies from stage2, which builds on stage1. `test` is a
// leaf no build needs (stage-unused's subject).
const DOCKERFILE = [
  'FROM alpine:3.20 AS stage1', // 1
  'RUN echo one > /one', // 2
  'FROM stage1 AS stage2', // 3
  'RUN echo two > /two', // 4
  'FROM stage2 AS test', // 5
  'RUN test -f /two', // 6
  'FROM alpine:3.20 AS final', // 7
  'COPY --from=stage2 /two /two', // 8
].join('\n') + '\n';

/** Only the named rules on, so findings do not change as rules are added. */
const CONFIG = JSON.stringify({
  extends: [],
  rules: {
    'stage-unused': 'warn',
    'build-target-unknown': 'error',
    'build-target-missing': 'warn',
    'build-cache-from-incomplete': 'warn',
    'build-legacy-builder': 'warn',
    'build-secret-in-cached-stage': 'error',
  },
});

/** A repository whose CI caches every stage: each stage is built, pushed and listed as a cache source. */
const WELL_CACHED = {
  'stowage.config.json': CONFIG,
  Dockerfile: DOCKERFILE,
  'docker-compose.yml': [
    'services:',
    '  app:',
    '    build:',
    '      context: .',
    '      target: final',
    '      args:',
    '        BUILDKIT_INLINE_CACHE: 1',
    '      cache_from:',
    '        - registry.example.com/app:stage1',
    '        - registry.example.com/app:stage2',
    '        - registry.example.com/app:latest',
    '    image: registry.example.com/app:latest',
    '',
  ].join('\n'),
  'ci/build.sh': [
    '#!/bin/sh',
    'set -e',
    'IMAGE=registry.example.com/app',
    'docker build --target stage1 --build-arg BUILDKIT_INLINE_CACHE=1 --cache-from $IMAGE:stage1 -t $IMAGE:stage1 .',
    'docker push $IMAGE:stage1',
    'docker build --target stage2 --build-arg BUILDKIT_INLINE_CACHE=1 --cache-from $IMAGE:stage1 --cache-from $IMAGE:stage2 -t $IMAGE:stage2 .',
    'docker push $IMAGE:stage2',
    'docker compose build',
    'docker compose push',
    '',
  ].join('\n'),
  '.github/workflows/ci.yml': [
    'name: ci',
    'on: push',
    'jobs:',
    '  image:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - name: Build',
    '        uses: docker/build-push-action@v6',
    '        with:',
    '          context: .',
    '          target: final',
    '          push: true',
    '          tags: ghcr.io/acme/app:latest',
    '          cache-from: type=gha',
    '          cache-to: type=gha,mode=max',
    '',
  ].join('\n'),
  'docker-bake.hcl': [
    'group "default" {',
    '  targets = ["app"]',
    '}',
    '',
    'target "app" {',
    '  dockerfile = "Dockerfile"',
    '  target = "final"',
    '  cache-from = ["type=registry,ref=registry.example.com/app:cache"]',
    '  cache-to = ["type=registry,ref=registry.example.com/app:cache,mode=max"]',
    '}',
    '',
  ].join('\n'),
};

/** The same kinds of files, each set up wrong. */
const MISCONFIGURED = {
  'stowage.config.json': CONFIG,
  Dockerfile: DOCKERFILE,
  // Only the final image as cache: stage1 and stage2 rebuild on a clean runner.
  'docker-compose.yml': [
    'services:',
    '  app:',
    '    build:',
    '      context: .',
    '      target: final',
    '      cache_from:',
    '        - registry.example.com/app:latest', // line 7, column 11
    '    image: registry.example.com/app:latest',
    '',
  ].join('\n'),
  'ci/build.sh': [
    '#!/bin/sh',
    'set -e',
    'DOCKER_BUILDKIT=0 docker build --target final -t registry.example.com/legacy:latest .', // line 3
    'docker compose build',
    'docker compose push',
    '',
  ].join('\n'),
  // gha cache without mode=max keeps only the final image's layers.
  '.github/workflows/ci.yml': [
    'name: ci',
    'on: push',
    'jobs:',
    '  image:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - name: Build',
    '        uses: docker/build-push-action@v6',
    '        with:',
    '          context: .',
    '          target: final',
    '          push: true',
    '          tags: ghcr.io/acme/app:latest',
    '          cache-from: type=gha',
    '          cache-to: type=gha', // line 16, column 21
    '',
  ].join('\n'),
  // A typo in the target: line 2, column 12.
  'docker-bake.hcl': 'target "app" {\n  target = "fnial"\n}\n',
};

type Finding = [string | null, number, number, number];
const findings = (reports: FileReportJson[]): Record<string, Finding[]> =>
  Object.fromEntries(reports.map((r) => [r.filePath, r.messages.map((m): Finding => [m.ruleId, m.line, m.column, m.severity])]));

describe('build invocation files', () => {
  it('are found in a directory and linted, findings at the offending value with the Dockerfile as related location', () => {
    const cwd = project(MISCONFIGURED);
    const run = stowage(['-f', 'json'], { cwd });
    noStack(run);
    expect(run.status).toBe(1);
    const reports = json(run);
    expect(findings(reports)).toEqual({
      '.github/workflows/ci.yml': [['build-cache-from-incomplete', 16, 21, 1]],
      Dockerfile: [['stage-unused', 5, 1, 1]],
      'ci/build.sh': [['build-legacy-builder', 3, 19, 1]],
      'docker-bake.hcl': [['build-target-unknown', 2, 12, 2]],
      'docker-compose.yml': [['build-cache-from-incomplete', 7, 11, 1]],
    });
    const unknown = reports.find((r) => r.filePath === 'docker-bake.hcl')!.messages[0] as FileReportJson['messages'][number] & { related?: unknown[] };
    expect(unknown.message).toContain("'fnial'");
    expect(unknown.related).toEqual([expect.objectContaining({ filePath: 'Dockerfile', line: 7, column: 21 })]);

    const stylish = stowage([], { cwd });
    expect(stylish.stdout).toContain('\ndocker-bake.hcl\n  2:12  error');
    expect(stylish.stdout).toContain('\nci/build.sh\n  3:19  warning');
  });

  it('a repository set up right gets no build findings; its invocation files are listed as linted', () => {
    const run = stowage(['-f', 'json'], { cwd: project(WELL_CACHED) });
    expect(run.stderr).toBe('');
    expect(findings(json(run))).toEqual({
      '.github/workflows/ci.yml': [],
      Dockerfile: [['stage-unused', 5, 1, 1]],
      'ci/build.sh': [],
      'docker-bake.hcl': [],
      'docker-compose.yml': [],
    });
  });

  it('stage-unused is a warning when the builds are known, and a hint otherwise', () => {
    const cwd = project(WELL_CACHED);
    const severity = (args: string[]) => json(stowage(['-f', 'json', ...args], { cwd })).find((r) => r.filePath === 'Dockerfile')!.messages.map((m) => [m.ruleId, m.severity]);
    expect(severity([])).toEqual([['stage-unused', 1]]);
    expect(severity(['--no-builds'])).toEqual([['stage-unused', 0]]);
    // A file named explicitly is linted without looking for its builds.
    expect(severity(['Dockerfile'])).toEqual([['stage-unused', 0]]);
    // A targeted stage is used: with a build of `--target test`, nothing is unused.
    writeFileSync(path.join(cwd, 'ci/test.sh'), 'docker build --target test .\n');
    expect(severity([])).toEqual([]);
  });

  it('--no-builds reads no invocation file', () => {
    const cwd = project(MISCONFIGURED);
    const run = stowage(['-f', 'json', '--no-builds'], { cwd });
    expect(run.status).toBe(0);
    expect(findings(json(run))).toEqual({ Dockerfile: [['stage-unused', 5, 1, 0]] });
  });

  it('what workers lint gets the builds too', () => {
    const files: Record<string, string> = { 'stowage.config.json': CONFIG };
    const compose = ['services:'];
    for (let i = 0; i < 12; i++) {
      files[`svc${i}/Dockerfile`] = DOCKERFILE;
      // Even services build the test stage: nothing of their file is unused.
      compose.push(`  svc${i}:`, '    build:', `      context: ./svc${i}`, ...(i % 2 === 0 ? ['      target: test'] : []));
    }
    files['compose.yaml'] = `${compose.join('\n')}\n`;
    const cwd = project(files);
    const pooled = json(stowage(['-f', 'json', '--concurrency', '2'], { cwd }));
    expect(json(stowage(['-f', 'json', '--concurrency', 'off'], { cwd }))).toEqual(pooled);
    for (const r of pooled.filter((p) => p.filePath.endsWith('Dockerfile'))) {
      const i = Number(/svc(\d+)/.exec(r.filePath)![1]);
      expect(r.messages.map((m) => [m.ruleId, m.severity])).toEqual(i % 2 === 0 ? [] : [['stage-unused', 1]]);
    }
  });

  it('broken invocation files are reported as warnings, and the run goes on', () => {
    const cwd = project({
      'stowage.config.json': CONFIG,
      Dockerfile: DOCKERFILE,
      'compose.yaml': 'services:\n  app:\n    build: .\n   image: [oops\n',
      'docker-bake.hcl': 'target "app" {\n  dockerfile = \n',
    });
    const run = stowage(['-f', 'json'], { cwd });
    noStack(run);
    expect(run.status).toBe(0);
    const reports = json(run);
    const compose = reports.find((r) => r.filePath === 'compose.yaml')!;
    expect(compose.messages.length).toBeGreaterThan(0);
    expect(compose.messages[0]).toMatchObject({ ruleId: null, severity: 1, line: 4, column: 1 });
    expect(compose.messages[0].message).toMatch(/^YAML syntax error: /);
    const bake = reports.find((r) => r.filePath === 'docker-bake.hcl')!;
    expect(bake.messages.map((m) => [m.ruleId, m.severity, m.message])).toEqual([[null, 1, 'HCL syntax error: the bake file cannot be fully read.']]);

    const targets = stowage(['targets'], { cwd });
    expect(targets.status).toBe(0);
    expect(targets.stdout).toContain('\nProblems reading build files:\n  compose.yaml:4:1  YAML syntax error: ');
    expect(targets.stdout).toContain('  docker-bake.hcl:1:1  HCL syntax error: the bake file cannot be fully read.\n');
  });
});

describe('start-up', () => {
  // Logs directory reads and wasm loads to stderr: what a run touches, without timing it.
  const TRACE = [
    "import fs from 'node:fs';",
    "import fsp from 'node:fs/promises';",
    "import { syncBuiltinESMExports } from 'node:module';",
    'const log = (what, p) => process.stderr.write(`[trace] ${what} ${p}\\n`);',
    'const readdirSync = fs.readdirSync;',
    'fs.readdirSync = function (p, ...rest) { log("readdir", p); return readdirSync.call(this, p, ...rest); };',
    'const readFile = fsp.readFile;',
    'fsp.readFile = function (p, ...rest) { if (String(p).endsWith(".wasm")) log("wasm", p); return readFile.call(this, p, ...rest); };',
    'const readFileSync = fs.readFileSync;',
    'fs.readFileSync = function (p, ...rest) { if (String(p).endsWith(".wasm")) log("wasm", p); return readFileSync.call(this, p, ...rest); };',
    'syncBuiltinESMExports();',
    '',
  ].join('\n');

  it('a file named explicitly is linted without walking the tree or loading the HCL grammar', () => {
    const cwd = project({ ...WELL_CACHED, 'trace.mjs': TRACE });
    const env = { NODE_OPTIONS: `--import=${path.join(cwd, 'trace.mjs')}` };
    const single = stowage(['-f', 'json', 'Dockerfile'], { cwd, env });
    expect(json(single).map((r) => r.filePath)).toEqual(['Dockerfile']);
    expect(single.stderr).not.toContain('[trace] readdir');
    expect(single.stderr).not.toContain('tree-sitter-hcl.wasm');

    // The same tree as a directory: walked, and the bake file read with the HCL grammar.
    const dir = stowage(['-f', 'json'], { cwd, env });
    expect(dir.stderr).toContain(`[trace] readdir ${cwd}\n`);
    expect(dir.stderr).toMatch(/\[trace\] wasm \S*tree-sitter-hcl\.wasm/);
  });

  it('a tree without bake files does not load the HCL grammar', () => {
    const { 'docker-bake.hcl': _bake, ...rest } = WELL_CACHED;
    const cwd = project({ ...rest, 'trace.mjs': TRACE });
    const run = stowage(['-f', 'json'], { cwd, env: { NODE_OPTIONS: `--import=${path.join(cwd, 'trace.mjs')}` } });
    expect(json(run).map((r) => r.filePath)).toContain('docker-compose.yml');
    expect(run.stderr).toContain('tree-sitter-bash.wasm');
    expect(run.stderr).not.toContain('tree-sitter-hcl.wasm');
  });
});

describe('stowage targets', () => {
  const SMALL = {
    Dockerfile: 'FROM alpine:3.20 AS stage1\nRUN echo one > /one\nFROM stage1 AS stage2\nRUN echo two > /two\nFROM alpine:3.20 AS final\nCOPY --from=stage2 /two /two\n',
    'compose.yaml': [
      'services:',
      '  app:',
      '    build:',
      '      context: .',
      '      cache_from:',
      '        - registry.example.com/app:stage1',
      '        - registry.example.com/app:latest',
      '    image: registry.example.com/app:latest',
      '',
    ].join('\n'),
    'ci/build.sh': [
      '#!/bin/sh',
      'IMAGE=registry.example.com/app',
      'docker build --target stage1 --build-arg BUILDKIT_INLINE_CACHE=1 -t $IMAGE:stage1 .',
      'docker push $IMAGE:stage1',
      '',
    ].join('\n'),
  };

  it('lists each build with its stages, caches and what a clean runner rebuilds', () => {
    const run = stowage(['targets'], { cwd: project(SMALL) });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      [
        'ci/build.sh:3  script: docker build',
        '  dockerfile    Dockerfile',
        '  target        stage1',
        '  stages        stage1',
        '  cache from    -',
        '  cache to      -',
        '  tags          registry.example.com/app:stage1',
        '  push          yes: docker push $IMAGE:stage1 (ci/build.sh:4)',
        '  builder       BuildKit',
        '  clean runner  rebuilds stage1 (no cache source)',
        '',
        'compose.yaml:2  compose service: app',
        '  dockerfile    Dockerfile',
        '  target        none (last stage: final)',
        '  stages        stage1, stage2, final',
        '  cache from    registry.example.com/app:stage1  pushed by ci/build.sh:3 (inline cache): stage1',
        '                registry.example.com/app:latest  nothing found writes it',
        '  cache to      -',
        '  tags          registry.example.com/app:latest',
        '  push          no',
        '  builder       BuildKit',
        '  clean runner  rebuilds stage2, final',
        '',
        '2 builds in 2 files.',
        '',
      ].join('\n'),
    );
  });

  it('prints json', () => {
    const run = stowage(['targets', '--format', 'json'], { cwd: project(SMALL) });
    const out = JSON.parse(run.stdout) as { builds: Record<string, unknown>[]; problems: unknown[] };
    expect(out.problems).toEqual([]);
    expect(out.builds).toHaveLength(2);
    expect(out.builds[1]).toMatchObject({
      file: 'compose.yaml',
      line: 2,
      column: 3,
      kind: 'compose-service',
      name: 'app',
      dockerfile: 'Dockerfile',
      dockerfileFound: true,
      target: null,
      stage: 'final',
      stages: ['stage1', 'stage2', 'final'],
      cacheFrom: [
        { value: 'registry.example.com/app:stage1', type: 'registry', providers: [{ by: 'ci/build.sh:3', via: 'image', mode: 'min', inline: true, covers: ['stage1'] }] },
        { value: 'registry.example.com/app:latest', type: 'registry', providers: [] },
      ],
      push: false,
      legacyBuilder: [],
      rebuilds: ['stage2', 'final'],
    });
  });

  it('covers every stage with a mode=max export, and reads bake files with the bundled HCL grammar', () => {
    const run = stowage(['targets', '-f', 'json'], { cwd: project(WELL_CACHED) });
    expect(run.stderr).toBe('');
    const builds = (JSON.parse(run.stdout) as { builds: Array<{ file: string; rebuilds: string[] | null }> }).builds;
    expect(builds.map((b) => [b.file, b.rebuilds])).toEqual([
      ['.github/workflows/ci.yml', []],
      ['ci/build.sh', []],
      ['ci/build.sh', []],
      ['docker-bake.hcl', []],
      ['docker-compose.yml', []],
    ]);
  });

  it('is in the help, with --no-builds', () => {
    const help = stowage(['--help'], { cwd: project() }).stdout;
    expect(help).toContain('       stowage targets [directories...]\n');
    expect(help).toContain('      --no-builds ');
  });

  it('says so when there is nothing, and rejects a file argument', () => {
    expect(stowage(['targets'], { cwd: project({ Dockerfile: DOCKERFILE }) })).toEqual({ status: 0, stdout: 'No builds found.\n', stderr: '' });
    const cwd = project({ Dockerfile: DOCKERFILE });
    expect(stowage(['targets', 'Dockerfile'], { cwd })).toEqual({ status: 2, stdout: '', stderr: "stowage: 'stowage targets' takes directories; 'Dockerfile' is not one.\n" });
  });
});
