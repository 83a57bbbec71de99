import {
  byPosition,
  internalError,
  toDiagnostic,
  type AnyRule,
  type Diagnostic,
  type LineIndex,
  type Range,
  type RelatedLocation,
  type ReportInput,
  type RuleDefinition,
  type RuleMeta,
  type SemanticModel,
  type Severity,
} from '@stowage/core';
import type { LoadResult } from './load.js';
import type { BuildInvocation, BuildRun, InvocationFile } from './model.js';

/** A Dockerfile an invocation builds, parsed. */
export interface DockerfileInfo {
  path: string;
  lines: LineIndex;
  model: SemanticModel;
}

/** What a build rule sees: one invocation file, with the whole repository's invocations around it. */
export interface BuildRuleContext<Options> {
  /** The file being linted (compose file, script, workflow, bake file, Makefile). */
  readonly file: InvocationFile;
  /** Every invocation and run found in the repository (a cache is often written in one file and read in another). */
  readonly repository: Pick<LoadResult, 'invocations' | 'runs'>;
  readonly options: Options;
  /** The Dockerfile an invocation builds, parsed; null when it is remote, missing or unresolved. */
  dockerfileOf(invocation: BuildInvocation): DockerfileInfo | null;
  /** A related location in a Dockerfile (e.g. the stage a target names). */
  inDockerfile(info: DockerfileInfo, range: Range, message: string): RelatedLocation;
  /** Ranges are offsets into `file.text`. */
  report(input: ReportInput): void;
}

export interface BuildVisitors {
  /** Each invocation written in this file, in file order. */
  invocation?: (invocation: BuildInvocation) => void;
  /** Each compose / bake run written in this file. */
  run?: (run: BuildRun) => void;
  fileExit?: () => void;
}

/** A rule over build invocations: same folder contract, meta and messages as Dockerfile rules. */
export interface BuildRuleDefinition<Options = Record<string, never>> extends Omit<RuleDefinition<Options>, 'create'> {
  meta: RuleMeta & { appliesTo: 'builds' };
  create(context: BuildRuleContext<Options>): BuildVisitors;
}

// eslint-style erasure for registries holding rules with different option types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyBuildRule = BuildRuleDefinition<any>;

export function defineBuildRule<Options = Record<string, never>>(rule: BuildRuleDefinition<Options>): BuildRuleDefinition<Options> {
  if (rule.meta.appliesTo !== 'builds') throw new Error(`Build rule '${rule.meta.id}' must declare meta.appliesTo 'builds'.`);
  if (Object.keys(rule.messages).length === 0) throw new Error(`Rule '${rule.meta.id}' has no messages.`);
  return rule;
}

export function isBuildRule(rule: AnyRule | AnyBuildRule): rule is AnyBuildRule {
  return rule.meta.appliesTo === 'builds';
}

export interface EnabledBuildRule {
  rule: AnyBuildRule;
  severity: Exclude<Severity, 'off'>;
  options?: unknown;
}

export interface BuildLintOptions {
  rules: EnabledBuildRule[];
  repository: Pick<LoadResult, 'invocations' | 'runs'>;
  dockerfileOf(invocation: BuildInvocation): DockerfileInfo | null;
}

/** The findings of one invocation file, shaped like a Dockerfile's LintResult for the reporters. */
export interface BuildLintResult {
  filePath: string;
  text: string;
  lines: LineIndex;
  diagnostics: Diagnostic[];
}

/** Runs build rules over one invocation file. Never throws: a rule that throws becomes an internal-error finding. */
export function lintInvocationFile(file: InvocationFile, options: BuildLintOptions): BuildLintResult {
  const out: Diagnostic[] = [];
  const invocations = options.repository.invocations.filter((i) => i.file.path === file.path).sort((a, b) => a.range.start - b.range.start);
  const runs = options.repository.runs.filter((r) => r.file.path === file.path).sort((a, b) => a.range.start - b.range.start);
  for (const enabled of options.rules) {
    const rule = enabled.rule;
    // A Dockerfile rule given here by mistake (a registry mixing both kinds) has nothing to visit.
    if (!isBuildRule(rule)) continue;
    let at: Range = { start: 0, end: 0 };
    try {
      const visitors = rule.create({
        file,
        repository: options.repository,
        options: (enabled.options ?? rule.options?.defaults ?? {}) as never,
        dockerfileOf: options.dockerfileOf,
        inDockerfile: (info, range, message) => ({ message, range, file: { path: info.path, lines: info.lines } }),
        report: (input) => out.push(toDiagnostic(rule as unknown as AnyRule, enabled.severity, input)),
      });
      for (const inv of invocations) {
        at = inv.range;
        visitors.invocation?.(inv);
      }
      for (const run of runs) {
        at = run.range;
        visitors.run?.(run);
      }
      at = { start: 0, end: 0 };
      visitors.fileExit?.();
    } catch (error) {
      out.push(internalError(rule as unknown as AnyRule, error, at));
    }
  }
  return { filePath: file.path, text: file.text, lines: file.lines, diagnostics: out.sort(byPosition) };
}
