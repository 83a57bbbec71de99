import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export type Severity = 'off' | 'info' | 'warn' | 'error';
export type FixMode = 'off' | 'safe' | 'unsafe';

export interface CliOptions {
  command: 'lint' | 'rules' | 'explain' | 'targets' | 'help' | 'version' | 'print-config';
  paths: string[];
  format: 'stylish' | 'json';
  fix: FixMode;
  dryRun: boolean;
  rules: Record<string, Severity>;
  configPath?: string;
  noConfig: boolean;
  printConfig?: string;
  maxWarnings?: number;
  /** Worker threads besides the main one; undefined picks by files and cores (`--concurrency auto`). */
  workers?: number;
  quiet: boolean;
  stdinFilename?: string;
  reportUnusedDisableDirectives: boolean;
  /** From --color / --no-color; undefined leaves it to the environment. */
  color?: boolean;
  /** Read build invocation files under directories (false with --no-builds). */
  builds: boolean;
}

export const HELP = `Usage: stowage [options] [paths...]
       stowage rules
       stowage explain <rule-id | hadolint code | BuildKit check>
       stowage targets [directories...]

Lints Dockerfiles. Paths may be files, directories (searched recursively for
Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile, ...; node_modules, .git
and .gitignore'd files are skipped) or globs; no paths lints the current
directory. A file named explicitly is always linted; a glob's matches are linted
whatever their name. '-' reads from stdin.

In directories, the files that build images are read and linted too: compose
files, *.sh, Makefiles, .github/workflows, .gitlab-ci.yml, docker-bake.*. They
tell which stages are built (--target) and how they are cached. Files named
explicitly are linted without them.

'stowage targets' lists the builds found (current directory by default): the
Dockerfile and stages each builds, its cache sources and exports, pushes, and
the stages a clean CI runner would rebuild.

Options:
  -f, --format <name>          Output format: stylish (default) or json
      --fix                    Apply safe fixes to the files
      --fix-unsafe             Apply safe and unsafe fixes
      --fix-dry-run            Compute fixes without writing; json output gets
                               an "output" field with the fixed text
      --rule <id:severity>     Set a rule's severity (off, info, warn, error); the id
                               may be a hadolint or BuildKit code. Repeatable
  -c, --config <file>          Use this config file instead of searching for one
      --no-config              Ignore config files
      --print-config <file>    Print the configuration for <file> as JSON
      --max-warnings <n>       Exit with 1 when there are more than n warnings
      --quiet                  Report errors only
      --concurrency <n|auto|off>
                               Linting threads: a number, auto (by files and
                               cores; the default) or off (one thread)
      --stdin-filename <path>  Path of the text read from stdin (config lookup,
                               output). With stdin, --fix does not write
                               anything: it acts as --fix-dry-run
      --no-builds              Do not read build invocation files in directories
      --report-unused-disable-directives
                               Report suppression comments that suppress nothing
      --color, --no-color      Force colours on or off (default: on for a
                               terminal; FORCE_COLOR and NO_COLOR are honoured)
  -h, --help                   Show this help
  -v, --version                Show the version

Exit codes: 0 no errors, 1 errors found (or too many warnings),
2 usage or configuration error.
`;

const OPTIONS = {
  format: { type: 'string', short: 'f' },
  fix: { type: 'boolean' },
  'fix-unsafe': { type: 'boolean' },
  'fix-dry-run': { type: 'boolean' },
  rule: { type: 'string', multiple: true },
  config: { type: 'string', short: 'c' },
  'no-config': { type: 'boolean' },
  'print-config': { type: 'string' },
  'max-warnings': { type: 'string' },
  concurrency: { type: 'string' },
  quiet: { type: 'boolean' },
  'stdin-filename': { type: 'string' },
  'report-unused-disable-directives': { type: 'boolean' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  'no-builds': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

const SEVERITY_NAMES: Record<string, Severity> = { off: 'off', info: 'info', warn: 'warn', error: 'error', 0: 'off', 1: 'warn', 2: 'error' };

export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    throw toUsageError(error);
  }
  const { values, positionals, tokens } = parsed;

  const format = values.format ?? 'stylish';
  if (format !== 'stylish' && format !== 'json') throw new UsageError(`unknown format '${format}' (expected 'stylish' or 'json').`);

  let maxWarnings: number | undefined;
  if (values['max-warnings'] !== undefined) {
    const raw = values['max-warnings'];
    if (!/^\d+$/.test(raw)) throw new UsageError(`--max-warnings expects a non-negative integer; got '${raw}'.`);
    maxWarnings = Number(raw);
  }

  let workers: number | undefined;
  const concurrency = values.concurrency ?? 'auto';
  if (concurrency === 'off') workers = 0;
  else if (/^[1-9]\d*$/.test(concurrency)) workers = Number(concurrency) - 1;
  else if (concurrency !== 'auto') throw new UsageError(`--concurrency expects a positive integer, 'auto' or 'off'; got '${concurrency}'.`);

  const rules: Record<string, Severity> = {};
  for (const value of values.rule ?? []) {
    const at = value.lastIndexOf(':');
    const severity = SEVERITY_NAMES[value.slice(at + 1)];
    if (at <= 0 || severity === undefined) {
      throw new UsageError(`invalid --rule '${value}': expected <rule-id>:<severity> with severity off, info, warn or error.`);
    }
    rules[value.slice(0, at)] = severity;
  }

  if (values.config !== undefined && values['no-config']) throw new UsageError(`--config and --no-config cannot be used together.`);

  // The last of --color / --no-color wins.
  let color: boolean | undefined;
  for (const token of tokens ?? []) {
    if (token.kind === 'option' && token.name === 'color') color = true;
    if (token.kind === 'option' && token.name === 'no-color') color = false;
  }

  let command: CliOptions['command'] = 'lint';
  let paths = positionals;
  if (values.help) command = 'help';
  else if (values.version) command = 'version';
  else if (values['print-config'] !== undefined) command = 'print-config';
  else if (positionals[0] === 'rules' || positionals[0] === 'explain' || positionals[0] === 'targets') {
    command = positionals[0];
    paths = positionals.slice(1);
    if (command === 'rules' && paths.length > 0) throw new UsageError(`'stowage rules' takes no arguments.`);
    if (command === 'explain' && paths.length !== 1) throw new UsageError(`usage: stowage explain <rule-id>`);
  }

  return {
    command,
    paths,
    format,
    fix: values['fix-unsafe'] ? 'unsafe' : values.fix || values['fix-dry-run'] ? 'safe' : 'off',
    dryRun: values['fix-dry-run'] ?? false,
    rules,
    configPath: values.config,
    noConfig: values['no-config'] ?? false,
    printConfig: values['print-config'],
    maxWarnings,
    workers,
    quiet: values.quiet ?? false,
    stdinFilename: values['stdin-filename'],
    reportUnusedDisableDirectives: values['report-unused-disable-directives'] ?? false,
    color,
    builds: !values['no-builds'],
  };
}

function toUsageError(error: unknown): UsageError {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(message)?.[1] ?? message;
    return new UsageError(`unknown option '${option}'. Run 'stowage --help'.`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /--[\w-]+/.exec(message)?.[0];
    if (option && message.includes('argument missing')) return new UsageError(`option '${option}' needs a value. Run 'stowage --help'.`);
    if (option && message.includes('does not take an argument')) return new UsageError(`option '${option}' does not take a value.`);
  }
  return new UsageError(`${message.replace(/\.$/, '')}. Run 'stowage --help'.`);
}
