import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { BuildContext } from './types.js';

/** A build context read from disk; nothing outside `root` is reachable through it. */
export function fsBuildContext(root: string): BuildContext {
  const resolve = (p: string): string | null => {
    const abs = path.resolve(root, p);
    return abs === root || abs.startsWith(root + path.sep) ? abs : null;
  };
  const stat = (p: string) => {
    const abs = resolve(p);
    if (!abs) return null;
    try {
      return statSync(abs);
    } catch {
      return null;
    }
  };
  return {
    root,
    isFile: (p) => stat(p)?.isFile() ?? false,
    isDirectory: (p) => stat(p)?.isDirectory() ?? false,
    list: (p) => {
      const abs = resolve(p);
      if (!abs) return null;
      try {
        return readdirSync(abs).sort();
      } catch {
        return null;
      }
    },
    read: (p, maxBytes = 1 << 20) => {
      const abs = resolve(p);
      if (!abs) return null;
      let fd: number | undefined;
      try {
        fd = openSync(abs, 'r');
        const buf = Buffer.alloc(maxBytes);
        const n = readSync(fd, buf, 0, maxBytes, 0);
        return buf.subarray(0, n).toString('utf8');
      } catch {
        return null;
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    },
  };
}
