import { existsSync, readFileSync } from 'node:fs';
import { HELP, parseCli, type CliOptions } from './args.js';
import { UsageError } from './errors.js';

function packageJson(): URL {
  for (const rel of ['../package.json', '../../package.json']) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(url)) return url;
  }
  throw new Error('cannot find the package.json of stowage');
}

/** Runs the `stowage` command; returns the exit code. */
async function main(argv: string[]): Promise<number> {
  try {
    return await run(parseCli(argv));
  } catch (error) {
    // ConfigError is matched by name so that --help and --version never load core.
    if (error instanceof UsageError || (error instanceof Error && error.name === 'ConfigError')) {
      process.stderr.write(`stowage: ${error.message}\n`);
    } else {
      process.stderr.write(`stowage: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    return 2;
  }
}

async function run(options: CliOptions): Promise<number> {
  switch (options.command) {
    case 'help':
      process.stdout.write(HELP);
      return 0;
    case 'version': {
      // dist/main.js and dist/bundle/main.cjs both sit below the package root.
      const pkg = JSON.parse(readFileSync(packageJson(), 'utf8')) as { version: string };
      process.stdout.write(`${pkg.version}\n`);
      return 0;
    }
    case 'rules': {
      const { rulesTable } = await import('./commands.js');
      process.stdout.write(rulesTable());
      return 0;
    }
    case 'explain': {
      const { explain } = await import('./commands.js');
      process.stdout.write(explain(options.paths[0]));
      return 0;
    }
    case 'targets': {
      const { targetsCommand } = await import('./targets.js');
      return targetsCommand(options);
    }
    case 'print-config':
    case 'lint': {
      const { lintCommand } = await import('./lint-command.js');
      return lintCommand(options);
    }
  }
}

let pipeHandled = false;

/** Runs the `stowage` command with these arguments; resolves to the exit code. */
export function runCli(argv: string[]): Promise<number> {
  if (!pipeHandled) {
    pipeHandled = true;
    // `stowage | head` closes the pipe early; that is not an error worth a trace.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(process.exitCode ?? 0);
    });
  }
  return main(argv);
}
