import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
