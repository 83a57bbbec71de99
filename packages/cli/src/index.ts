import path from 'node:path';
import type { FileReport } from '@stowage/reporters';
import type { FixMode, Severity } from './args.js';
import { createLoader } from './config.js';
import { discover } from './discover.js';
import { lintDiscovered } from './run.js';

export type { FileReport, LintMessage } from '@stowage/reporters';

export interface LintFilesOptions {
  /** Base for relative paths and config lookup (default: the process's working directory). */
  cwd?: string;
  fix?: FixMode;
  /** Compute fixes without writing them; reports carry `output`. */
  dryRun?: boolean;
  configPath?: string;
  noConfig?: boolean;
  /** Like `--rule`: rule id (or hadolint/BuildKit code) to severity. */
  rules?: Record<string, Severity>;
  reportUnusedDisableDirectives?: Severity;
  /** Worker threads: 0 lints in-process; by default a pool is used above 8 files. */
  workers?: number;
  /** Read and lint the build invocation files in directories, as the command does (default true). */
  builds?: boolean;
}

/**
 * Lints files, directories and globs as the `stowage` command does (in directories, the build
 * invocation files too), across a worker pool when there are many files. Reports come sorted by
 * path. Throws ConfigError/UsageError for bad input.
 */
export async function lintFiles(paths: string[], options: LintFilesOptions = {}): Promise<FileReport[]> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const settings = {
    cwd,
    configPath: options.configPath,
    noConfig: options.noConfig,
    cliRules: options.rules,
    fix: options.fix ?? 'off',
    dryRun: options.dryRun,
    reportUnusedDisableDirectives: options.reportUnusedDisableDirectives,
  };
  const loader = createLoader(cwd);
  const discovery = await discover(paths.filter((p) => p !== '-'), { loader, settings, builds: options.builds ?? true });
  return lintDiscovered(discovery, settings, { workers: options.workers, loader });
}
