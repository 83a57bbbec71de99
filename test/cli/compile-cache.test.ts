// The bin runs the bundle with V8's code cache (bin/load-bundle.cjs). These tests use a copy of the
// built package, so that they neither race other tests for the cache file nor leave theirs behind.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { project } from './helpers.js';

const cliDir = fileURLToPath(new URL('../../packages/cli/', import.meta.url));
const copy = realpathSync(mkdtempSync(path.join(tmpdir(), 'stowage-pkg-')));
cpSync(path.join(cliDir, 'bin'), path.join(copy, 'bin'), { recursive: true });
cpSync(path.join(cliDir, 'dist/bundle'), path.join(copy, 'dist/bundle'), { recursive: true });
rmSync(path.join(copy, 'dist/bundle/main.cjs.v8cache'), { force: true });
writeFileSync(path.join(copy, 'package.json'), '{ "type": "module" }\n');
// The bundle leaves ajv to the package's dependencies.
symlinkSync(path.join(cliDir, 'node_modules'), path.join(copy, 'node_modules'));
const cache = path.join(copy, 'dist/bundle/main.cjs.v8cache');
afterAll(() => rmSync(copy, { recursive: true, force: true }));

const DOCKERFILE = 'FROM alpine AS build\nRUN apk update\nFROM alpine\nCOPY --from=0 /a /b\n';

function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.join(copy, 'bin/stowage.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('compile cache', () => {
  const cwd = project({ Dockerfile: DOCKERFILE });
  const expected = run(['-f', 'json', '--no-config', 'Dockerfile'], cwd, { STOWAGE_COMPILE_CACHE: '0' });

  it('is not written when turned off, nor after a run that lints nothing', () => {
    expect(expected.status).toBe(0);
    expect(JSON.parse(expected.stdout)[0].messages.map((m: { ruleId: string }) => m.ruleId)).toContain('copy-from-index');
    expect(existsSync(cache)).toBe(false);
    expect(run(['--version'], cwd).status).toBe(0);
    expect(existsSync(cache)).toBe(false);
  });

  it('is written by the first lint, then read without being rewritten, with the same output', () => {
    expect(run(['-f', 'json', '--no-config', 'Dockerfile'], cwd)).toEqual(expected);
    const written = statSync(cache);
    expect(written.size).toBeGreaterThan(100_000);
    expect(run(['-f', 'json', '--no-config', 'Dockerfile'], cwd)).toEqual(expected);
    expect(statSync(cache).mtimeMs).toBe(written.mtimeMs);
  });

  it('serves the lint workers too', () => {
    const many = project(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`s${i}/Dockerfile`, DOCKERFILE])));
    const r = run(['-f', 'json', '--no-config', '--concurrency', '2'], many);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    const reports = JSON.parse(r.stdout) as { messages: { ruleId: string }[] }[];
    expect(reports).toHaveLength(12);
    for (const report of reports) expect(report.messages.map((m) => m.ruleId)).toContain('copy-from-index');
  });

  it('is replaced when V8 rejects it, and the run is unaffected', () => {
    writeFileSync(cache, 'not a code cache');
    expect(run(['-f', 'json', '--no-config', 'Dockerfile'], cwd)).toEqual(expected);
    expect(readFileSync(cache).length).toBeGreaterThan(100_000);
  });

  it('is skipped when it cannot be written', () => {
    rmSync(cache, { force: true });
    // A directory in the cache file's place: the write fails, the run does not.
    cpSync(path.join(copy, 'bin'), cache, { recursive: true });
    expect(run(['-f', 'json', '--no-config', 'Dockerfile'], cwd)).toEqual(expected);
    expect(statSync(cache).isDirectory()).toBe(true);
    rmSync(cache, { recursive: true, force: true });
  });
});
