import type { Instruction, SemanticModel, Stage } from '@stowage/core';
import { IMAGE_ENV, systemManagerOfImage, type EnvLookup, type Manager } from './package-managers.js';

/** The first stage of `stage`'s FROM chain: the one built on an image. */
export function rootStage(stage: Stage): Stage {
  let s = stage;
  const seen = new Set<Stage>();
  while (s.parent && !seen.has(s)) {
    seen.add(s);
    s = s.parent;
  }
  return s;
}

/** The last path component of the image a stage is built on (`python`, `golang`), lower-cased. */
export function imageName(stage: Stage): string {
  const repo = rootStage(stage).base.repository.toLowerCase();
  return repo.slice(repo.lastIndexOf('/') + 1);
}

/** The system package manager of the stage's base image, when the image is well known. */
export function stageSystemManager(stage: Stage): Manager | null {
  const base = rootStage(stage).base;
  if (base.scratch || base.unresolved.length > 0) return null;
  return systemManagerOfImage(base.repository, base.tag ?? '');
}

/**
 * The user a RUN runs as: the last USER before it in its stage chain, or null for root (no USER,
 * `root`, `0`, `root:root`, `0:0`). An unresolved variable gives `$NAME`.
 */
export function userAt(model: SemanticModel, run: Instruction): string | null {
  const outer = run.onbuild ?? run;
  const stage = model.stageOf(outer);
  if (!stage) return null;
  for (let s: Stage | null = stage, first = true; s; s = s.parent, first = false) {
    const { users, triggers } = usersOf(model, s);
    const before = first ? outer.index : Infinity;
    let instr = lastBefore(users, before);
    // A trigger runs after the earlier triggers, so an ONBUILD USER before it counts too.
    const trigger = run.onbuild && first ? lastBefore(triggers, before) : null;
    if (trigger && (!instr || trigger.index > instr.index)) instr = trigger;
    if (!instr) continue;
    const user = instr.kind === 'USER' ? instr : instr.trigger!;
    const raw = user.args[0]?.raw ?? '';
    const value = model.scopeAt(instr).expand(raw).value;
    const name = value.split(':')[0];
    return name === 'root' || name === '0' ? null : name || null;
  }
  return null;
}

const usersByStage = new WeakMap<SemanticModel, Map<Stage, { users: Instruction[]; triggers: Instruction[] }>>();

/** A stage's USER instructions and its ONBUILD USER ones, in order: once per stage, not per RUN. */
function usersOf(model: SemanticModel, stage: Stage): { users: Instruction[]; triggers: Instruction[] } {
  let byStage = usersByStage.get(model);
  if (!byStage) usersByStage.set(model, (byStage = new Map()));
  let found = byStage.get(stage);
  if (!found) {
    found = { users: [], triggers: [] };
    for (const instr of stage.instructions) {
      if (instr.kind === 'USER') found.users.push(instr);
      else if (instr.trigger?.kind === 'USER') found.triggers.push(instr);
    }
    byStage.set(stage, found);
  }
  return found;
}

/** The last of `list` (in file order) with an index below `index`, or null. */
function lastBefore(list: Instruction[], index: number): Instruction | null {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].index < index) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? list[lo - 1] : null;
}

/**
 * The environment a RUN's commands see, as far as the Dockerfile tells: its stage's ENV and ARG
 * values (a variable declared without a known value reads as `$NAME`, which tools treat as
 * unknown), then the base image's known variables (`IMAGE_ENV`), and HOME: `/root` for root, else
 * unknown (`$HOME`) unless ENV sets it.
 */
export function runEnv(model: SemanticModel, run: Instruction): EnvLookup {
  const stage = model.stageOf(run.onbuild ?? run);
  // A trigger's scope is the build that runs it: earlier triggers and the image's ENV.
  const scope = model.scopeAt(run);
  const image = stage ? IMAGE_ENV[imageName(stage)] ?? {} : {};
  const user = userAt(model, run);
  return (name) => {
    const b = scope.binding(name);
    if (b) return b.value ?? `$${name}`;
    if (name in image) return image[name];
    if (name === 'HOME') return user === null ? '/root' : '$HOME';
    return undefined;
  };
}
