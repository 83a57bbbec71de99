import type { Flag, FlagOption, Instruction, Range, SemanticModel, Stage } from '@stowage/core';
import { cacheCleanupOf, deletes, normalizePath } from './package-managers.js';

export const DOCKER_CLEAN = '/etc/apt/apt.conf.d/docker-clean';

/** A `RUN --mount=type=cache,...` flag. */
export interface CacheMount {
  flag: Flag;
  /** The target after variable expansion, normalized; null when a variable in it is unknown. */
  target: string | null;
  targetOption: FlagOption | null;
  sharing: FlagOption | null;
  id: string | null;
}

// Core reads option keys and values as BuildKit does: the quotes of `--mount="type=cache,..."` are off.
const opt = (flag: Flag, ...keys: string[]) => flag.options.find((o) => keys.includes(o.key.toLowerCase())) ?? null;

/** An option's value. */
export function optionValue(o: FlagOption | null): string | null {
  return o?.value ?? null;
}

/** The cache mounts of a RUN (`type=cache`, any case). */
export function cacheMounts(model: SemanticModel, run: Instruction): CacheMount[] {
  const out: CacheMount[] = [];
  const scope = model.scopeAt(run);
  for (const flag of run.flags) {
    if (flag.name !== 'mount') continue;
    const type = opt(flag, 'type');
    if (optionValue(type)?.toLowerCase() !== 'cache') continue;
    const targetOption = opt(flag, 'target', 'dst', 'destination');
    let target: string | null = null;
    const raw = optionValue(targetOption);
    if (raw) {
      const e = scope.expand(raw);
      target = e.unresolved.length === 0 && e.value.startsWith('/') ? normalizePath(e.value) : null;
    }
    out.push({ flag, target, targetOption, sharing: opt(flag, 'sharing'), id: optionValue(opt(flag, 'id')) });
  }
  return out;
}

/** The edit that adds or sets `sharing=locked` on a mount flag. */
export function lockEdit(m: CacheMount): { range: Range; text: string } | null {
  if (m.sharing) {
    if (!m.sharing.valueRange || !m.sharing.value) return null;
    // The value's range leaves out any quotes around it.
    return { range: m.sharing.valueRange, text: 'locked' };
  }
  const last = m.flag.options[m.flag.options.length - 1];
  if (!last) return null;
  // Before the closing quote of `--mount="type=cache,target=/x"`, which the option's range leaves out.
  return { range: { start: last.range.end, end: last.range.end }, text: ',sharing=locked' };
}

/** Whether a flag is a BuildKit mount of any type. */
export function isMount(flag: Flag): boolean {
  return flag.name === 'mount';
}

/**
 * Whether the stage (through its parents), before `run` or in `run` itself, removes, moves or edits
 * Debian's /etc/apt/apt.conf.d/docker-clean, sets `Keep-Downloaded-Packages`, or copies files into
 * /etc/apt/apt.conf.d (unknown content: assumed to handle it).
 */
export function dockerCleanHandled(model: SemanticModel, stage: Stage, run: Instruction): boolean {
  const outer = run.onbuild ?? run;
  if (firstCleanHandler(model, stage) <= outer.index) return true;
  for (let s = stage.parent; s; s = s.parent) if (firstCleanHandler(model, s) !== Infinity) return true;
  return false;
}

const cleanHandlers = new WeakMap<SemanticModel, Map<Stage, number>>();

/** The index of a stage's first instruction that handles docker-clean (see above), else Infinity; once per stage. */
function firstCleanHandler(model: SemanticModel, stage: Stage): number {
  let byStage = cleanHandlers.get(model);
  if (!byStage) cleanHandlers.set(model, (byStage = new Map()));
  let found = byStage.get(stage);
  if (found !== undefined) return found;
  found = Infinity;
  for (const instr of stage.instructions) {
    if (handlesDockerClean(model, instr)) {
      found = instr.index;
      break;
    }
  }
  byStage.set(stage, found);
  return found;
}

function handlesDockerClean(model: SemanticModel, instr: Instruction): boolean {
  const target = instr.kind === 'ONBUILD' ? instr.trigger : instr;
  if (!target) return false;
  const body = model.text.slice(target.range.start, target.range.end);
  if (/docker-clean|Keep-Downloaded-Packages/.test(body)) return true;
  if ((target.kind === 'COPY' || target.kind === 'ADD') && /\/etc\/apt\/apt\.conf\.d|\/etc\/apt\/?(\s|$)/.test(body)) return true;
  if (target.kind === 'RUN') {
    for (const c of model.shellOf(target)?.commands ?? []) {
      const cleanup = cacheCleanupOf(c);
      if (cleanup?.paths.some((p) => deletes(p, DOCKER_CLEAN))) return true;
    }
  }
  return false;
}

/** The targets of every `--mount` of a RUN (any type), expanded; null for one that cannot be resolved. */
export function mountTargets(model: SemanticModel, run: Instruction): (string | null)[] {
  const scope = model.scopeAt(run);
  const out: (string | null)[] = [];
  for (const flag of run.flags) {
    if (flag.name !== 'mount') continue;
    const raw = optionValue(opt(flag, 'target', 'dst', 'destination'));
    if (!raw) continue;
    const e = scope.expand(raw);
    if (e.unresolved.length > 0) out.push(null);
    else if (e.value.startsWith('/')) out.push(normalizePath(e.value));
    else {
      // Relative targets are relative to the working directory.
      const wd = workdirAt(model, run);
      out.push(wd === null ? null : normalizePath(`${wd}/${e.value}`));
    }
  }
  return out;
}

/** The working directory of a RUN (the last WORKDIR of its stage chain, resolved), `/` by default, or null when unknown. */
export function workdirAt(model: SemanticModel, run: Instruction): string | null {
  const outer = run.onbuild ?? run;
  const stage = model.stageOf(outer);
  const dirs: string[] = [];
  const chain: Stage[] = [];
  for (let s: Stage | null = stage; s && !chain.includes(s); s = s.parent) chain.unshift(s);
  for (const s of chain) {
    for (const instr of s.instructions) {
      if (s === stage && instr.index >= outer.index) break;
      if (instr.kind !== 'WORKDIR') continue;
      const e = model.scopeAt(instr).expand(instr.args[0]?.raw ?? '');
      if (e.unresolved.length > 0) return null;
      dirs.push(e.value);
    }
  }
  let wd = '/';
  for (const d of dirs) wd = d.startsWith('/') ? d : `${wd}/${d}`;
  return normalizePath(wd);
}
