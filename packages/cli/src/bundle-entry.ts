import { isMainThread } from 'node:worker_threads';

/**
 * The entry of the CLI's bundle (bin/load-bundle.cjs runs it): the command in the main thread, a
 * lint worker in a worker thread, so that both load the same bundle and share its code cache.
 * Resolves to the exit code, or null in a worker.
 */
export async function start(argv: string[]): Promise<{ exitCode: number; linted: number } | null> {
  if (!isMainThread) {
    await import('./worker.js');
    return null;
  }
  const { runCli } = await import('./main.js');
  const { filesLinted } = await import('./lint-file.js');
  const exitCode = await runCli(argv);
  return { exitCode, linted: filesLinted() };
}
