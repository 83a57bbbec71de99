import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Instruction } from '../../packages/core/src/syntax/ast.js';
import { parse } from '../../packages/core/src/syntax/parse.js';

/** `shared/` sits beside the repository (CI clones it there too). */
export const sharedDir = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const corpusDir = path.join(sharedDir, 'corpus');
export const goldTarball = path.join(sharedDir, 'binnacle-gold-432-dockerfiles.tar.xz');

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Extracts the gold set once into a temp directory and lists its Dockerfiles. */
export function goldFiles(): string[] {
  const dest = mkdtempSync(path.join(tmpdir(), 'stowage-gold-'));
  execFileSync('tar', ['-xJf', goldTarball, '-C', dest]);
  return listFiles(dest);
}

export const haveShared = existsSync(corpusDir) && existsSync(goldTarball);

/** Every RUN of the corpus and the gold set (ONBUILD triggers too): its file, its file's text and escape character. */
export function* corpusRuns(): Generator<{ file: string; text: string; esc: string; run: Instruction }> {
  for (const file of [...listFiles(corpusDir), ...goldFiles()]) {
    const { ast } = parse(readFileSync(file, 'utf8'));
    const esc = ast.escapeChar || '\\';
    for (const top of ast.instructions) {
      const run = top.trigger ?? top;
      if (run.kind === 'RUN') yield { file, text: ast.text, esc, run };
    }
  }
}
