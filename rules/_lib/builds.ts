// Shared by the build rules (meta.appliesTo 'builds'): which stage an invocation builds, how to
// name files and stages in messages, and where a setting is written.
import { dirname, relative, sep } from 'node:path';
import type { Range, RelatedLocation, SemanticModel, Stage } from '@stowage/core';
import { workflowRoot, type BuildInvocation, type BuildRuleContext, type DockerfileInfo, type InvocationFile, type Setting } from '@stowage/builds/rule-api';
import { isTemplate, stageUses } from './stages.js';

/** Invocations read from shell text, where an unresolved word may hide more options. */
const SHELL_KINDS = new Set<BuildInvocation['kind']>(['shell-command', 'makefile-recipe', 'github-run', 'gitlab-script']);

/**
 * A word of the command could not be resolved and may hold options (`docker build $OPTS .`): a
 * `--target`, `--cache-from` or `-f` may hide there, so nothing may be concluded from their absence.
 */
export function hidesOptions(inv: BuildInvocation): boolean {
  return SHELL_KINDS.has(inv.kind) && inv.unresolved.some((u) => u.setting === 'args');
}

/**
 * A bake target that only others inherit from (`target "_common"` listed in no group): a template,
 * not a build. Targets a run names directly are builds.
 */
export function isBakeTemplate(inv: BuildInvocation): boolean {
  if (inv.kind !== 'bake-target') return false;
  if ((inv.details.inheritedBy ?? []).length === 0 || (inv.details.bakeGroups ?? []).length > 0) return false;
  return !inv.runs.some((r) => r.targets.some((t) => t.value === inv.name));
}

/** The file a setting is written in (bake overrides and `--set` live in other files). */
export function fileOf(inv: BuildInvocation, s: { file?: InvocationFile }): InvocationFile {
  return s.file ?? inv.file;
}

/** The setting is written in the file being linted. */
export function writtenHere(ctx: BuildRuleContext<unknown>, inv: BuildInvocation, s: { file?: InvocationFile }): boolean {
  return fileOf(inv, s).path === ctx.file.path;
}

/** The setting is written and its value fully resolved. */
export function certain(s: Setting | null | undefined): boolean {
  return s !== null && s !== undefined && s.unresolved.length === 0;
}

export interface BuiltTarget {
  /** The stage built: the `--target` stage, or the last stage. */
  stage: Stage;
  /** A target was written (else the last stage is built by default). */
  explicit: boolean;
}

/**
 * The stage an invocation builds, or null when that is not certain: an unresolved target, a target
 * naming no stage, options that may hide a `--target`, an empty file.
 */
export function builtTarget(inv: BuildInvocation, model: SemanticModel): BuiltTarget | null {
  if (inv.target !== null) {
    if (inv.target.unresolved.length > 0) return null;
    const stage = model.stageByName(inv.target.value);
    return stage ? { stage, explicit: true } : null;
  }
  if (hidesOptions(inv) || model.finalStage === null) return null;
  return { stage: model.finalStage, explicit: false };
}

const graphCache = new WeakMap<SemanticModel, boolean>();

/**
 * The stage graph the model resolved (ARG defaults) is the only one the file can have: no stage
 * reference is built from a variable that could name another stage, no template, no ONBUILD trigger
 * naming a stage. Only then may a rule say which stages a target needs.
 */
export function graphIsCertain(model: SemanticModel): boolean {
  let ok = graphCache.get(model);
  if (ok !== undefined) return ok;
  ok = !isTemplate(model);
  if (ok) {
    const { uses, anyStage } = stageUses(model);
    ok = !anyStage;
    for (const stage of model.stages) {
      if (!ok) break;
      const resolved = new Set(stage.deps.map((d) => d.stage).filter((s): s is Stage => s !== null && s !== stage));
      const possible = uses.get(stage) ?? new Set<Stage>();
      ok = resolved.size === possible.size && [...possible].every((s) => resolved.has(s));
    }
  }
  graphCache.set(model, ok);
  return ok;
}

/** The stage and the stages it is built FROM: the layers (and config) of its image. */
export function chainOf(stage: Stage): Stage[] {
  const out: Stage[] = [];
  for (let s: Stage | null = stage; s && !out.includes(s); s = s.parent) out.push(s);
  return out;
}

/** `'build'`, or `stage 2 (golang:1.22)` for an unnamed one. */
export function stageName(stage: Stage): string {
  return stage.name ? `'${stage.name}'` : `stage ${stage.index} (${stage.base.raw || 'FROM'})`;
}

/** `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'` (in file order). */
export function stageList(stages: Iterable<Stage>): string {
  return joinWords([...stages].sort((a, b) => a.index - b.index).map(stageName));
}

export function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

const rootCache = new WeakMap<object, string>();

/**
 * The folder paths in messages are relative to: the deepest folder holding every invocation file
 * (a workflow counts from the folder holding `.github`) and every Dockerfile they build.
 */
export function repositoryRoot(ctx: BuildRuleContext<unknown>): string {
  const key = ctx.repository;
  const cached = rootCache.get(key);
  if (cached !== undefined) return cached;
  const dirs: string[] = [];
  for (const inv of ctx.repository.invocations) {
    dirs.push(inv.file.source === 'github-actions' ? workflowRoot(inv.file.path) : dirname(inv.file.path));
    if (inv.dockerfile.path !== null) dirs.push(dirname(inv.dockerfile.path));
  }
  for (const run of ctx.repository.runs) dirs.push(run.file.source === 'github-actions' ? workflowRoot(run.file.path) : dirname(run.file.path));
  if (dirs.length === 0) dirs.push(ctx.file.source === 'github-actions' ? workflowRoot(ctx.file.path) : dirname(ctx.file.path));
  let root = dirs[0];
  for (const d of dirs.slice(1)) {
    while (root !== dirname(root) && d !== root && !d.startsWith(root.endsWith(sep) ? root : root + sep)) root = dirname(root);
  }
  rootCache.set(key, root);
  return root;
}

/** A path as shown in messages: relative to the repository root, with `/`. */
export function shownPath(ctx: BuildRuleContext<unknown>, path: string): string {
  const rel = relative(repositoryRoot(ctx), path);
  return (rel === '' ? path : rel).split(sep).join('/');
}

/** `ci/build.sh:12`. */
export function shownAt(ctx: BuildRuleContext<unknown>, file: InvocationFile, range: Range): string {
  return `${shownPath(ctx, file.path)}:${file.lines.positionAt(range.start).line}`;
}

/** How to name an invocation in a message: `service 'app' (compose.yaml:12)`, `docker build (ci/build.sh:11)`. */
export function shownInvocation(ctx: BuildRuleContext<unknown>, inv: BuildInvocation): string {
  const at = shownAt(ctx, inv.file, inv.nameRange);
  switch (inv.kind) {
    case 'compose-service':
      return `service '${inv.name}' (${at})`;
    case 'bake-target':
      return `bake target '${inv.name}' (${at})`;
    case 'github-build-push-action':
      return `step '${inv.details.step ?? inv.name}' (${at})`;
    default:
      return `\`${inv.name}\` (${at})`;
  }
}

/** A related location in an invocation file (the linted one or another). */
export function relatedIn(ctx: BuildRuleContext<unknown>, file: InvocationFile, range: Range, message: string): RelatedLocation {
  return file.path === ctx.file.path ? { message, range } : { message, range, file: { path: file.path, lines: file.lines } };
}

/** Where a stage starts in the Dockerfile: its name, else its FROM. */
export function stageRange(stage: Stage): Range {
  return stage.nameRange ?? stage.from.range;
}

/** The Dockerfile of an invocation with the stage it builds, when both are certain. */
export interface Resolved {
  info: DockerfileInfo;
  model: SemanticModel;
  target: BuiltTarget;
}

export function resolveBuild(ctx: BuildRuleContext<unknown>, inv: BuildInvocation): Resolved | null {
  const info = ctx.dockerfileOf(inv);
  if (info === null) return null;
  const target = builtTarget(inv, info.model);
  return target ? { info, model: info.model, target } : null;
}
