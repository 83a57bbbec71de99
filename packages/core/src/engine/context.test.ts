import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsBuildContext } from './context.js';

describe('fsBuildContext', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'stowage-context-'));
  mkdirSync(path.join(root, 'app', 'src'), { recursive: true });
  writeFileSync(path.join(root, 'app', 'package.json'), '{"name":"x"}');
  writeFileSync(path.join(root, 'secret.txt'), 'outside');
  const ctx = fsBuildContext(path.join(root, 'app'));

  it('answers about files and folders inside the context', () => {
    expect(ctx.isFile('package.json')).toBe(true);
    expect(ctx.isDirectory('src')).toBe(true);
    expect(ctx.isFile('missing')).toBe(false);
    expect(ctx.list('.')).toEqual(['package.json', 'src']);
    expect(ctx.read('package.json')).toBe('{"name":"x"}');
    expect(ctx.read('package.json', 4)).toBe('{"na');
  });

  it('never reaches outside the context', () => {
    expect(ctx.isFile('../secret.txt')).toBe(false);
    expect(ctx.read('../secret.txt')).toBeNull();
    expect(ctx.list('..')).toBeNull();
  });
});
