import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { ConfigLoader } from '@stowage/core';
import type { FileReport } from '@stowage/reporters';
import { FileLinter, type LintSettings, type Target } from './lint-file.js';

/** Above this many files, linting moves to worker threads (below it, starting workers costs more than it saves). */
const POOL_THRESHOLD = 8;

export interface RunOptions {
  /** Worker threads besides the calling thread: 0 lints in-process; undefined picks by the number of files and cores. */
  workers?: number;
  /** Reused for in-process linting (workers make their own). */
  loader?: ConfigLoader;
}

/** Lints files, in-process or across a worker pool; reports in the order of `targets`. */
export async function lintTargets(targets: Target[], settings: LintSettings, options: RunOptions = {}): Promise<FileReport[]> {
  const linter = new FileLinter(settings, options.loader);
  // The calling thread lints too, so it counts as one of the cores.
  const workers =
    options.workers ?? (targets.length > POOL_THRESHOLD ? Math.min(availableParallelism() - 1, Math.ceil(targets.length / 4)) : 0);
  if (workers > 0) {
    const { lintInPool } = await import('./pool.js');
    return lintInPool(targets, settings, workers, linter);
  }
  const reports: FileReport[] = [];
  for (const target of targets) reports.push(await linter.lintFile(target));
  return reports;
}

/** Lints text read from stdin; fixes are reported as `output`, never written. */
export async function lintStdin(
  text: string,
  settings: LintSettings,
  stdinFilename: string | undefined,
  loader?: ConfigLoader,
): Promise<FileReport> {
  const target: Target = {
    path: path.resolve(settings.cwd, stdinFilename ?? 'Dockerfile'),
    // Rules see `Dockerfile` for nameless stdin; the user sees `<stdin>`.
    display: stdinFilename ?? 'Dockerfile',
  };
  const report = await new FileLinter(settings, loader).lintText(text, target, false);
  return stdinFilename === undefined ? { ...report, filePath: '<stdin>' } : report;
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
