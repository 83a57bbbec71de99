import path from 'node:path';
import { errorsOnly, formatJson, formatStylish, type FileReport } from '@stowage/reporters';
import type { CliOptions } from './args.js';
import { useColor } from './color.js';
import { configFor, createLoader, printableConfig } from './config.js';
import { discover } from './discover.js';
import type { LintSettings } from './lint-file.js';
import { lintDiscovered, lintStdin, readStdin } from './run.js';

/** `stowage [paths...]` and `stowage --print-config <file>`; returns the exit code. */
export async function lintCommand(options: CliOptions): Promise<number> {
  const cwd = process.cwd();
  const settings: LintSettings = {
    cwd,
    configPath: options.configPath,
    noConfig: options.noConfig,
    cliRules: options.rules,
    fix: options.fix,
    dryRun: options.dryRun,
    reportUnusedDisableDirectives: options.reportUnusedDisableDirectives ? 'error' : undefined,
  };
  const loader = createLoader(cwd);
  // Bad --rule values fail before any file is read.
  if (Object.keys(options.rules).length > 0) loader.forFile(path.join(cwd, 'Dockerfile'), { noConfig: true, cliRules: options.rules });

  if (options.command === 'print-config') {
    const config = configFor(loader, options.printConfig!, settings);
    const printed = printableConfig(config, settings.reportUnusedDisableDirectives ?? config.reportUnusedDisableDirectives);
    process.stdout.write(`${JSON.stringify(printed, null, 2)}\n`);
    return 0;
  }

  // --stdin-filename alone means the text comes from stdin.
  const paths = options.paths.length === 0 && options.stdinFilename !== undefined ? ['-'] : options.paths;
  const discovery = await discover(paths, { loader, settings, builds: options.builds });
  let reports: FileReport[] = [];
  if (discovery.stdin) reports.push(await lintStdin(await readStdin(), settings, options.stdinFilename, loader));
  reports.push(...(await lintDiscovered(discovery, settings, { loader, workers: options.workers })));
  if (discovery.targets.length === 0 && !discovery.stdin) process.stderr.write('stowage: no Dockerfiles found.\n');

  if (options.quiet) reports = reports.map(errorsOnly);
  const output =
    options.format === 'json'
      ? `${formatJson(reports)}\n`
      : formatStylish(reports, { color: useColor(options.color, process.env, process.stdout.isTTY === true) });
  process.stdout.write(output);

  const errors = reports.reduce((n, r) => n + r.errorCount, 0);
  const warnings = reports.reduce((n, r) => n + r.warningCount, 0);
  if (errors > 0) return 1;
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) {
    process.stderr.write(`stowage: too many warnings (${warnings}; --max-warnings is ${options.maxWarnings}).\n`);
    return 1;
  }
  return 0;
}
