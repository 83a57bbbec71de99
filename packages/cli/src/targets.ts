import { statSync } from 'node:fs';
import type { BuildInvocation, InvocationFile, InvocationKind, PushSignal } from '@stowage/builds';
import type { Range } from '@stowage/core';
import type { CliOptions } from './args.js';
import { analyseBuilds, shownProblems } from './builds.js';
import { createLoader } from './config.js';
import { coverageOf, stageLabel, type Coverage, type Provider } from './coverage.js';
import { discover, displayPath } from './discover.js';
import { UsageError } from './errors.js';
import { formatTargets, type ProblemJson } from './targets-text.js';

/** One build as `stowage targets --format json` prints it. */
export interface TargetJson {
  file: string;
  line: number;
  column: number;
  kind: InvocationKind;
  name: string;
  /** Displayed path, or the value as written when it does not name a readable file. */
  dockerfile: string;
  /** The Dockerfile was read (false: remote, unresolved or missing). */
  dockerfileFound: boolean;
  /** `--target` as written, or null for none. */
  target: string | null;
  /** Why `target` names no known stage: it is not resolved (a variable), or the Dockerfile has no such stage. */
  targetIssue: 'unresolved' | 'no-such-stage' | null;
  /** The stage built: the target's, or the last stage's; null when unknown. */
  stage: string | null;
  /** Stages the build runs, in file order; null when unknown. */
  stages: string[] | null;
  /** Each cache source with the builds found that write it (null: not looked for, the Dockerfile is not known). */
  cacheFrom: Array<{ value: string; type: string; providers: ProviderJson[] | null }>;
  cacheTo: Array<{ value: string; type: string; mode: string | null }>;
  tags: string[];
  /** true: pushes; null: conditionally; false: nothing found pushes it. */
  push: boolean | null;
  pushedBy: string[];
  /** Why the classic builder may run it; empty: BuildKit. */
  legacyBuilder: string[];
  noCache: boolean;
  /** Stages a clean runner rebuilds; null when unknown. */
  rebuilds: string[] | null;
}

export interface ProviderJson {
  /** `file:line` of the build that writes it. */
  by: string;
  via: 'export' | 'image';
  mode: 'max' | 'min';
  inline: boolean;
  covers: string[];
}

/** `stowage targets [dirs...]`: the builds found and what a clean runner rebuilds; returns the exit code. */
export async function targetsCommand(options: CliOptions): Promise<number> {
  const cwd = process.cwd();
  const dirs = options.paths.length > 0 ? options.paths : ['.'];
  for (const d of dirs) {
    let dir = false;
    try {
      dir = statSync(d).isDirectory();
    } catch {
      // reported below
    }
    if (!dir) throw new UsageError(`'stowage targets' takes directories; '${d}' is not one.`);
  }
  const settings = { cwd, configPath: options.configPath, noConfig: options.noConfig, cliRules: options.rules };
  const discovery = await discover(dirs, { loader: createLoader(cwd), settings, builds: true });
  const analysis = await analyseBuilds(discovery.buildRoots);
  const invocations = [...analysis.invocations].sort((a, b) => compare(displayPath(cwd, a.file.path), displayPath(cwd, b.file.path)) || a.range.start - b.range.start);
  const rows = invocations.map((inv) => toJson(inv, coverageOf(inv, analysis.invocations, analysis.dockerfileOf), cwd));
  const problems = shownProblems(analysis).map((p): ProblemJson => ({ file: displayPath(cwd, p.file.path), ...position(p.file, p.range), severity: p.severity, message: p.message }));
  process.stdout.write(options.format === 'json' ? `${JSON.stringify({ builds: rows, problems }, null, 2)}\n` : formatTargets(rows, problems));
  return 0;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function position(file: InvocationFile, range: Range): { line: number; column: number } {
  const { line, column } = file.lines.positionAt(range.start);
  return { line, column };
}

function toJson(inv: BuildInvocation, cov: Coverage, cwd: string): TargetJson {
  const at = (file: InvocationFile, range: Range) => `${displayPath(cwd, file.path)}:${position(file, range).line}`;
  const df = inv.dockerfile;
  const stage = cov.target.kind === 'named' || cov.target.kind === 'last' ? stageLabel(cov.target.stage) : null;
  const provider = (p: Provider): ProviderJson => ({ by: at(p.writer.file, p.writer.range), via: p.via, mode: p.mode, inline: p.inline, covers: p.covers.map(stageLabel) });
  const push = inv.push.some((p) => p.value === true) ? true : inv.push.some((p) => p.value === null) ? null : false;
  return {
    file: displayPath(cwd, inv.file.path),
    ...position(inv.file, inv.range),
    kind: inv.kind,
    name: inv.name,
    dockerfile: df.path !== null && !df.remote ? displayPath(cwd, df.path) : df.value,
    dockerfileFound: cov.model !== null,
    target: inv.target?.value ?? null,
    targetIssue: cov.target.kind === 'unresolved' || cov.target.kind === 'no-such-stage' ? cov.target.kind : null,
    stage,
    stages: cov.rebuilds === null ? null : cov.needs.map(stageLabel),
    cacheFrom: inv.cacheFrom.map((c, i) => ({ value: c.value, type: c.spec.type, providers: cov.sources?.[i].providers.map(provider) ?? null })),
    cacheTo: inv.cacheTo.map((c) => ({ value: c.value, type: c.spec.type, mode: c.spec.mode })),
    tags: inv.tags.map((t) => t.value),
    push,
    pushedBy: inv.push.filter((p) => p.value !== false).map((p) => `${pushText(p)} (${at(p.file, p.range)})`),
    legacyBuilder: inv.legacy.map((l) => `${l.via} (${at(l.file, l.range)})`),
    noCache: inv.noCache !== null,
    rebuilds: cov.rebuilds?.map(stageLabel) ?? null,
  };
}

/** What pushes, as written: `--push`, `docker push $IMAGE:stage1`, `push: true`. */
function pushText(p: PushSignal): string {
  const text = p.file.text.slice(p.range.start, p.range.end).split('\n')[0].trim();
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return p.via === 'input' ? `push: ${shown}` : shown;
}
