import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fsBuildContext, initShell, lint, fixLoop, needsShell, type BuildsInfo, type ConfigLoader, type LintOptions } from '@stowage/core';
import { allRules } from '@stowage/rules';
import { fatalReport, toLintMessages, withCounts, type FileReport } from '@stowage/reporters';
import type { FixMode, Severity } from './args.js';
import { configFor, createLoader, enabledRules, type ConfigSettings } from './config.js';
import { writeAtomic } from './fix-write.js';

export interface LintSettings extends ConfigSettings {
  fix: FixMode;
  /** Compute fixes but do not write them; reports carry `output`. */
  dryRun?: boolean;
  /** Overrides the config's reportUnusedDisableDirectives. */
  reportUnusedDisableDirectives?: Severity;
}

/** A file to lint: its absolute path and the path shown to the user. */
export interface Target {
  path: string;
  display: string;
  /** Text from stdin with no --stdin-filename: where its build context is, is unknown. */
  noContext?: boolean;
  /** How the file is built, when invocation files were read; absent: nothing was looked for. */
  builds?: WireBuilds;
}

/** BuildsInfo as targets carry it to workers: plain arrays, not a Set. */
export interface WireBuilds {
  invocations: number;
  targets: string[];
}

function buildsInfo(wire: WireBuilds | undefined): BuildsInfo | null {
  return wire ? { invocations: wire.invocations, targets: new Set(wire.targets) } : null;
}

let shellReady: Promise<void> | undefined;
let linted = 0;

/** How many files (or texts) this thread has linted. */
export function filesLinted(): number {
  return linted;
}

/** Lints files with one settings object; one per process or worker. */
export class FileLinter {
  private readonly loader: ConfigLoader;

  constructor(
    private readonly settings: LintSettings,
    loader?: ConfigLoader,
  ) {
    this.loader = loader ?? createLoader(settings.cwd);
  }

  async lintFile(target: Target): Promise<FileReport> {
    let text: string;
    try {
      // Dockerfiles are small: a synchronous read costs less than a trip through the thread pool.
      text = readFileSync(target.path, 'utf8');
    } catch (error) {
      return fatalReport(target.display, `Could not read the file: ${reason(error)}`);
    }
    return this.lintText(text, target, !this.settings.dryRun);
  }

  /** Lints text; with fixes enabled, writes them to `target.path` when `write`, else reports `output`. */
  async lintText(text: string, target: Target, write: boolean): Promise<FileReport> {
    linted++;
    const config = configFor(this.loader, target.path, this.settings);
    const rules = enabledRules(config);
    if (needsShell(rules)) await (shellReady ??= initShell());
    const options: LintOptions = {
      filePath: target.display,
      rules,
      knownRules: allRules,
      reportUnusedDisableDirectives: this.settings.reportUnusedDisableDirectives ?? config.reportUnusedDisableDirectives,
      // The folder of the Dockerfile, as `docker build -f <file> <its folder>` would send.
      buildContext: target.noContext ? null : fsBuildContext(path.dirname(target.path)),
      builds: buildsInfo(target.builds),
    };
    if (this.settings.fix === 'off') return toLintMessages(lint(text, options));

    // Fix offsets are relative to the text without its BOM, which core strips; put it back on output.
    const bom = text.charCodeAt(0) === 0xfeff ? '\uFEFF' : '';
    const body = bom ? text.slice(1) : text;
    const fixed = fixLoop(body, (t) => lint(t, options), { unsafe: this.settings.fix === 'unsafe' });
    const report = toLintMessages(fixed.result);
    if (fixed.output === body) return report;
    if (!write) return { ...report, output: bom + fixed.output };
    try {
      await writeAtomic(target.path, bom + fixed.output);
    } catch (error) {
      // The file is unchanged: report its own problems along with the failure.
      const unfixed = toLintMessages(lint(body, options));
      const failure = fatalReport(target.display, `Could not write the fixes: ${reason(error)}`).messages;
      return withCounts(target.display, [...failure, ...unfixed.messages]);
    }
    return report;
  }
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'EISDIR') return 'is a directory';
  if (e.code === 'ENOENT') return 'no such file';
  return e.message ?? String(error);
}
