import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built command; `npm test` builds before running the tests. */
export const BIN = fileURLToPath(new URL('../../packages/cli/bin/stowage.js', import.meta.url));

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  input?: string;
  env?: Record<string, string | undefined>;
}

export function stowage(args: string[], options: RunOptions): Run {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...options.env };
  // The test runner may force colours for its own output.
  if (!options.env || !('FORCE_COLOR' in options.env)) delete env.FORCE_COLOR;
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd, input: options.input ?? '', encoding: 'utf8', env, timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Parses `--format json` output. */
export function json(run: Run): FileReportJson[] {
  return JSON.parse(run.stdout) as FileReportJson[];
}

export interface FileReportJson {
  filePath: string;
  messages: {
    ruleId: string | null;
    severity: number;
    message: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    fatal?: boolean;
    fix?: { range: [number, number]; text: string; title: string; applicability: string };
  }[];
  errorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  output?: string;
}

const dirs: string[] = [];

/** A temporary directory holding `files` (path → content; `null` makes a directory). */
export function project(files: Record<string, string | Buffer | null> = {}): string {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'stowage-cli-')));
  dirs.push(root);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    if (content === null) {
      mkdirSync(abs, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return root;
}

export function cleanup(): void {
  for (const dir of dirs.splice(0)) {
    try {
      chmodSync(dir, 0o755);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A user error must never show a stack trace. */
export function noStack(run: Run): void {
  if (run.stderr.includes('    at ')) throw new Error(`stack trace in stderr:\n${run.stderr}`);
}
