import { dirname, resolve } from 'node:path';
import type { Env } from '../expand.js';
import { emptyResult, guarded, invocationFile } from '../file.js';
import type { ParseResult } from '../model.js';
import { uniq } from '../paths.js';
import { analyzeShell, newGroup } from '../shell.js';

export interface ShellScriptOptions {
  /**
   * Working directories the script may run from, best first. Default: the script's folder, then
   * `root` when given (CI jobs often run scripts from the repository root).
   */
  cwd?: string[];
  /** The repository root. */
  root?: string;
  /** Variables known before the script runs. */
  env?: Env;
}

/**
 * Builds in a shell script: `docker build`, `docker buildx build`, `docker image build`,
 * `podman build`, `buildah bud|build`, `nerdctl build` (their `docker push` / `docker tag` lines
 * link to them), and compose / bake runs. Needs `initShell()` (from @stowage/core) first.
 */
export function parseShellScript(text: string, filePath: string, options: ShellScriptOptions = {}): ParseResult {
  const path = resolve(filePath);
  const file = invocationFile(path, 'shell', text);
  const result = emptyResult(file);
  return guarded(result, () => {
    const dir = dirname(path);
    const root = options.root !== undefined ? resolve(options.root) : null;
    const cwd = options.cwd ?? uniq(root !== null ? [dir, root] : [dir]);
    const g = newGroup(file, 'shell-command', dir, root, cwd);
    analyzeShell(g, [{ text, original: text, toFile: (o) => o, fresh: true, env: options.env, cwd }]);
    result.invocations.push(...g.invocations);
    result.runs.push(...g.runs);
    result.problems.push(...g.problems);
  });
}
