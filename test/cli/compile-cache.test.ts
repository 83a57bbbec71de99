// The bin runs the bundle with V8's code cache (bin/load-bundle.cjs). These tests use a copy of the
// built package, so that they neither race other tests for the cache file nor leave theirs behind.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { project } from './helpers.js';

const cliDir = fileURLToPath(new URL('../../packages/cli/', import.meta.url));
const copy = realpathSync(mkdtempSync(path.join(tmpdir(), 'stowage-pkg-')));
cpSync(path.join(cliDir, 'bin'), path.join(copy, 'bin'), { recursive: true });
cpSync(path.join(cliDir, 'dist/bundle'), path.join(copy, 'dist/bundle'), { recursive: true });
const bundleDir = path.join(copy, 'dist/bundle');
/** The cache files beside the copied bundle (named by the bundle's size, time and inode). */
const caches = () => readdirSync(bundleDir).filter((n) => n.startsWith('main.cjs.') && n.endsWith('.v8cache')).map((n) => path.join(bundleDir, n));
for (const c of caches()) rmSync(c, { recursive: true, force: true });
writeFileSync(path.join(copy, 'package.json'), '{ "type": "module" }\n');
// The bundle leaves ajv to the package's dependencies.
symlinkSync(path.join(cliDir, 'node_modules'), path.join(copy, 'node_modules'));
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
    expect(caches()).toEqual([]);
    expect(run(['--version'], cwd).status).toBe(0);
    expect(caches()).toEqual([]);
  });

  it('is written by the first lint, then read without being rewritten, with the same output', () => {
    expect(run(['-f', 'json', '--no-config', 'Dockerfile'], cwd)).toEqual(expected);
    const [cache] = caches();
    const written = statSync(cache);
    expect(written.size).toBeGreaterThan(100_000);
    expect(run(['-f', 'json', '--no-config', 'Dockerfile'], cwd)).toEqual(expected);
    expect(caches()).toEqual([cache]);
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
    const [cache] = caches();
    writeFileSync(cache, 'not a code cache');
    expect(run(['-f', 'json', '--no-config', 'Dockerfile'], cwd)).toEqual(expected);
    expect(readFileSync(cache).length).toBeGreaterThan(100_000);
  });

  it('is not used for a changed bundle of the same length (V8 checks only the length)', () => {
    const bundle = path.join(bundleDir, 'main.cjs');
    const [old] = caches();
    const source = readFileSync(bundle, 'utf8');
    expect(source).toContain('names no stage');
    writeFileSync(bundle, source.replaceAll('names no stage', 'NAMES NO STAGE'));
    const r = run(['-f', 'json', '--no-config', 'Dockerfile'], project({ Dockerfile: 'FROM alpine AS build\nFROM alpine\nCOPY --from=biuld /a /b\n' }));
    expect(r.stdout).toContain('NAMES NO STAGE');
    // The new bundle's cache replaced the old one.
    expect(caches()).toHaveLength(1);
    expect(caches()[0]).not.toBe(old);
    writeFileSync(bundle, source);
  });

  it('is skipped when it cannot be written', () => {
    for (const c of caches()) rmSync(c, { recursive: true, force: true });
    // A directory in the cache file's place: the write fails, the run does not.
    const stats = statSync(path.join(bundleDir, 'main.cjs'));
    const cache = path.join(bundleDir, `main.cjs.${stats.size}-${Math.floor(stats.mtimeMs)}-${stats.ino}.v8cache`);
    cpSync(path.join(copy, 'bin'), cache, { recursive: true });
    expect(run(['-f', 'json', '--no-config', 'Dockerfile'], cwd)).toEqual(expected);
    expect(statSync(cache).isDirectory()).toBe(true);
    rmSync(cache, { recursive: true, force: true });
  });
});
