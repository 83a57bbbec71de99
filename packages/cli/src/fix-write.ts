import { chmod, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';

/**
 * Replaces a file's content atomically: a temporary file next to it, renamed over it, so a reader
 * or a crash never sees half a file. Writes through symlinks and keeps the file's mode.
 */
export async function writeAtomic(filePath: string, text: string): Promise<void> {
  const target = await realpath(filePath);
  const { mode } = await stat(target);
  const tmp = `${target}.stowage-tmp-${process.pid}`;
  try {
    await writeFile(tmp, text, { encoding: 'utf8', mode });
    // writeFile's mode is filtered by the umask.
    await chmod(tmp, mode & 0o7777);
    await rename(tmp, target);
  } catch (error) {
    await unlink(tmp).catch(() => {});
    throw error;
  }
}
