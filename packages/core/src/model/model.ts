import type { DockerfileAst, Flag, Instruction, Property } from '../syntax/ast.js';
import type { LineIndex, Range } from '../text.js';
import { shellOfInstruction, type ShellScript } from '../shell/shell.js';
import { expand, type Expansion } from './expand.js';
import { parseImageRef, type ImageRef } from './image.js';

/** ARGs BuildKit sets for every build; usable in FROM, and in a stage once declared with `ARG NAME`. */
export const PLATFORM_ARGS: Readonly<Record<string, string>> = {
  TARGETPLATFORM: 'linux/amd64',
  TARGETOS: 'linux',
  TARGETARCH: 'amd64',
  TARGETVARIANT: '',
  BUILDPLATFORM: 'linux/amd64',
  BUILDOS: 'linux',
  BUILDARCH: 'amd64',
  BUILDVARIANT: '',
};

/** ARGs available in RUN environments without being declared. */
export const PREDEFINED_ARGS = new Set([
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy',
  'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
]);

export interface Stage {
  index: number;
  /** Stage name as written after AS, or null. */
  name: string | null;
  /** Lower-cased name: stage names are case-insensitive in BuildKit. */
  key: string | null;
  nameRange: Range | null;
  from: Instruction;
  base: ImageRef;
  /** Range of the image word in FROM. */
  baseRange: Range | null;
  /** The earlier stage FROM names, if any. */
  parent: Stage | null;
  platform: Flag | null;
  /** Instructions after FROM up to the next FROM (ONBUILD triggers stay inside their ONBUILD). */
  instructions: Instruction[];
  range: Range;
  /** Edges to what this stage reads: its base, `COPY --from`, `RUN --mount from=`. */
  deps: StageDependency[];
}

export interface StageDependency {
  kind: 'from' | 'copy' | 'mount';
  /** The reference as written, e.g. `builder`, `0`, `${BASE}`. */
  ref: string;
  /** After ARG expansion. */
  expanded: string;
  /** The stage it resolves to, or null when it names an image (or nothing). */
  stage: Stage | null;
  /**
   * It is written as a number (`--from=0`). COPY/ADD resolve numbers to stages; BuildKit reads a
   * number in `RUN --mount from=` as an image name, so such mounts never resolve to a stage.
   */
  byIndex: boolean;
  instruction: Instruction;
  /** Range of the reference text. */
  range: Range;
  flag: Flag | null;
}

export interface VarBinding {
  name: string;
  kind: 'arg' | 'env';
  /** Value in effect (ARG default, or global default for a bare re-declaration); undefined when unset. */
  value: string | undefined;
  instruction: Instruction;
  property: Property;
}

/** Variables visible at one point of the file. */
export interface Scope {
  lookup(name: string): string | undefined;
  /** The declaration in effect (ENV wins over ARG of the same name, as in Docker). */
  binding(name: string): VarBinding | undefined;
  isDeclared(name: string): boolean;
  expand(raw: string): Expansion;
}

export interface SemanticModel {
  ast: DockerfileAst;
  lines: LineIndex;
  text: string;
  stages: Stage[];
  /** ARG instructions before the first FROM. */
  globalArgs: VarBinding[];
  /** The last stage: what a build without --target produces. */
  finalStage: Stage | null;
  stageOf(instr: Instruction): Stage | null;
  /** The stage a name refers to (case-insensitive; with duplicate names the last one, as BuildKit resolves `--from`). */
  stageByName(name: string): Stage | undefined;
  /** Stages `stage` needs, transitively (without itself). */
  dependenciesOf(stage: Stage): ReadonlySet<Stage>;
  /** Stages that need `stage`, transitively. */
  dependentsOf(stage: Stage): ReadonlySet<Stage>;
  /** Stages built for a target (the final stage when omitted), including the target. */
  stagesForTarget(target?: Stage): ReadonlySet<Stage>;
  /**
   * The variables visible to an instruction. For an ONBUILD trigger: those of the later build
   * that runs it (the triggers before it, then this image's ENV), not this stage's ARGs.
   */
  scopeAt(instr: Instruction): Scope;
  /** Parsed shell of a RUN (shell form, heredoc, exec form); parsed on first use and cached. */
  shellOf(instr: Instruction): ShellScript | null;
}

/** Declarations by name, each list in file order: lookups stay cheap in files with thousands of ARGs. */
type VarsByName = Map<string, VarBinding[]>;

function declare(vars: VarsByName, b: VarBinding): void {
  const list = vars.get(b.name);
  if (list) list.push(b);
  else vars.set(b.name, [b]);
}

/** Index of the last declaration before instruction `index` (binary search; -1 when none). */
function lastBefore(list: VarBinding[], index: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].instruction.index < index) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function last(vars: VarsByName, name: string): VarBinding | undefined {
  const list = vars.get(name);
  return list ? list[list.length - 1] : undefined;
}

export function buildModel(ast: DockerfileAst, lines: LineIndex): SemanticModel {
  const text = ast.text;
  const stages: Stage[] = [];
  const globalArgs: VarBinding[] = [];
  const stageOfIndex: (Stage | null)[] = [];
  const globalVars: VarsByName = new Map();
  const stageVars = new Map<Stage, VarsByName>();
  /** ONBUILD ARG/ENV triggers per stage: the variables of the build that runs the triggers. */
  const triggerVars = new Map<Stage, VarsByName>();
  const byKey = new Map<string, Stage>();

  /** A global ARG's value as FROM lines and bare stage re-declarations see it. */
  const globalDefault = (name: string): string | undefined => {
    const b = last(globalVars, name);
    if (b) return b.value;
    return name in PLATFORM_ARGS ? PLATFORM_ARGS[name] : undefined;
  };

  let current: Stage | null = null;
  for (const instr of ast.instructions) {
    if (instr.kind === 'FROM') {
      current = newStage(instr, stages.length);
      stages.push(current);
      stageVars.set(current, new Map());
      if (current.key) byKey.set(current.key, current);
    } else if (current) {
      current.instructions.push(instr);
      current.range = { start: current.range.start, end: instr.range.end };
    } else if (instr.kind === 'ARG') {
      for (const p of instr.properties) {
        const value = p.value === null ? undefined : expand(p.rawValue ?? '', globalDefault, ast.escapeChar).value;
        const b: VarBinding = { name: p.name, kind: 'arg', value, instruction: instr, property: p };
        globalArgs.push(b);
        declare(globalVars, b);
      }
    }
    stageOfIndex[instr.index] = current;
  }

  function newStage(from: Instruction, index: number): Stage {
    const words = from.args;
    const imageWord = words[0];
    let name: string | null = null;
    let nameRange: Range | null = null;
    if (words.length >= 3 && words[1].value.toLowerCase() === 'as') {
      name = words[2].value;
      nameRange = words[2].range;
    }
    const raw = imageWord?.value ?? '';
    const e = expand(imageWord?.raw ?? '', globalDefault, ast.escapeChar);
    const base = parseImageRef(raw, e.value, e.unresolved);
    // BuildKit matches the expanded image text exactly against the (lower-cased) names of the
    // stages before this one, the last of duplicates winning: `FROM Build` is not stage `build`.
    const parent = byKey.get(base.expanded) ?? null;
    const stage: Stage = {
      index,
      name,
      key: name ? name.toLowerCase() : null,
      nameRange,
      from,
      base,
      baseRange: imageWord?.range ?? null,
      parent,
      platform: from.flags.find((f) => f.name.toLowerCase() === 'platform') ?? null,
      instructions: [],
      range: from.range,
      deps: [],
    };
    if (parent) {
      stage.deps.push({
        kind: 'from', ref: raw, expanded: base.expanded, stage: parent, byIndex: false,
        instruction: from, range: imageWord.range, flag: null,
      });
    }
    return stage;
  }

  // Variables per stage, then stage edges (which need the stage's variables to expand refs).
  for (const stage of stages) {
    const vars = stageVars.get(stage)!;
    for (const instr of stage.instructions) {
      if (instr.kind !== 'ARG' && instr.kind !== 'ENV') continue;
      // One scope per instruction: its own properties are not visible to it (index < instr.index).
      let before: Scope | null = null;
      for (const p of instr.properties) {
        let value: string | undefined;
        if (instr.kind === 'ARG' && p.value === null) value = globalDefault(p.name);
        else value = (before ??= makeScope(stage, instr.index)).expand(p.rawValue ?? '').value;
        declare(vars, { name: p.name, kind: instr.kind === 'ARG' ? 'arg' : 'env', value, instruction: instr, property: p });
      }
    }
    const tvars: VarsByName = new Map();
    triggerVars.set(stage, tvars);
    for (const instr of stage.instructions) {
      const trigger = instr.kind === 'ONBUILD' ? instr.trigger : null;
      if (trigger === null || (trigger.kind !== 'ARG' && trigger.kind !== 'ENV')) continue;
      let before: Scope | null = null;
      for (const p of trigger.properties) {
        // A bare `ONBUILD ARG X` takes its value from the building Dockerfile: unknown here.
        const value = trigger.kind === 'ARG' && p.value === null ? undefined : (before ??= makeTriggerScope(stage, trigger.index)).expand(p.rawValue ?? '').value;
        declare(tvars, { name: p.name, kind: trigger.kind === 'ARG' ? 'arg' : 'env', value, instruction: trigger, property: p });
      }
    }
    for (const instr of stage.instructions) {
      const target = instr.kind === 'ONBUILD' ? null : instr;
      if (!target) continue;
      if (target.kind === 'COPY' || target.kind === 'ADD') {
        for (const flag of target.flags) {
          if (flag.name.toLowerCase() !== 'from' || flag.value === null || !flag.valueRange) continue;
          stage.deps.push(resolveRef('copy', flag.value, flag.valueRange, target, flag, stage));
        }
      } else if (target.kind === 'RUN') {
        for (const flag of target.flags) {
          if (flag.name.toLowerCase() !== 'mount') continue;
          const from = flag.options.find((o) => o.key.toLowerCase() === 'from');
          if (!from || from.value === null || !from.valueRange) continue;
          stage.deps.push(resolveRef('mount', from.value, from.valueRange, target, flag, stage));
        }
      }
    }
  }

  function resolveRef(kind: 'copy' | 'mount', ref: string, range: Range, instr: Instruction, flag: Flag, stage: Stage): StageDependency {
    const expanded = makeScope(stage, instr.index).expand(ref).value;
    let target: Stage | null = null;
    let byIndex = false;
    if (/^\d+$/.test(expanded)) {
      byIndex = true;
      const n = Number(expanded);
      target = kind === 'copy' && n < stage.index ? stages[n] : null;
    } else {
      const found = byKey.get(expanded.toLowerCase());
      target = found && found.index < stage.index ? found : null;
    }
    return { kind, ref, expanded, stage: target, byIndex, instruction: instr, range, flag };
  }

  function makeScope(stage: Stage | null, index: number): Scope {
    const binding = (name: string): VarBinding | undefined => {
      if (!stage) {
        // Before the first FROM: only global ARGs declared earlier are visible.
        const list = globalVars.get(name);
        return list ? list[lastBefore(list, index)] : undefined;
      }
      let arg: VarBinding | undefined;
      for (let s: Stage | null = stage, first = true; s; s = s.parent, first = false) {
        const bindings = stageVars.get(s)!.get(name);
        if (!bindings) continue;
        for (let i = first ? lastBefore(bindings, index) : bindings.length - 1; i >= 0; i--) {
          const b = bindings[i];
          if (b.kind === 'env') return b;
          // ARGs do not cross FROM: only the stage's own ARGs count.
          if (first && !arg) arg = b;
        }
      }
      return arg;
    };
    const lookup = (name: string): string | undefined => {
      const b = binding(name);
      if (b) return b.value;
      if (!stage) return name in PLATFORM_ARGS ? PLATFORM_ARGS[name] : undefined;
      return undefined;
    };
    return {
      binding,
      lookup,
      isDeclared: (name) => binding(name) !== undefined || (!stage && name in PLATFORM_ARGS) || PREDEFINED_ARGS.has(name),
      expand: (raw) => expand(raw, lookup, ast.escapeChar),
    };
  }

  /**
   * What an ONBUILD trigger sees when it runs, in a later build FROM this stage's image: the ARG
   * and ENV triggers before it, then the image's environment (every ENV of the stage and of the
   * stages it is built on, wherever in the stage). The stage's ARGs do not reach that build.
   */
  function makeTriggerScope(stage: Stage, index: number): Scope {
    const binding = (name: string): VarBinding | undefined => {
      const triggers = triggerVars.get(stage)?.get(name);
      if (triggers) {
        const i = lastBefore(triggers, index);
        if (i >= 0) return triggers[i];
      }
      for (let s: Stage | null = stage; s; s = s.parent) {
        const bindings = stageVars.get(s)!.get(name);
        if (!bindings) continue;
        for (let i = bindings.length - 1; i >= 0; i--) if (bindings[i].kind === 'env') return bindings[i];
      }
      return undefined;
    };
    const lookup = (name: string): string | undefined => binding(name)?.value;
    return {
      binding,
      lookup,
      isDeclared: (name) => binding(name) !== undefined || PREDEFINED_ARGS.has(name),
      expand: (raw) => expand(raw, lookup, ast.escapeChar),
    };
  }

  const depCache = new Map<Stage, ReadonlySet<Stage>>();
  const dependenciesOf = (stage: Stage): ReadonlySet<Stage> => {
    const cached = depCache.get(stage);
    if (cached) return cached;
    const seen = new Set<Stage>();
    const stack = [stage];
    while (stack.length > 0) {
      const s = stack.pop()!;
      for (const d of s.deps) {
        if (d.stage && d.stage !== stage && !seen.has(d.stage)) {
          seen.add(d.stage);
          stack.push(d.stage);
        }
      }
    }
    depCache.set(stage, seen);
    return seen;
  };
  const shellCache = new Map<Instruction, ShellScript | null>();
  const finalStage = stages.length > 0 ? stages[stages.length - 1] : null;

  return {
    ast,
    lines,
    text,
    stages,
    globalArgs,
    finalStage,
    stageOf: (instr) => stageOfIndex[instr.index] ?? null,
    stageByName: (name) => byKey.get(name.toLowerCase()),
    dependenciesOf,
    dependentsOf: (stage) => new Set(stages.filter((s) => dependenciesOf(s).has(stage))),
    stagesForTarget: (target) => {
      const t = target ?? finalStage;
      if (!t) return new Set();
      return new Set([t, ...dependenciesOf(t)]);
    },
    scopeAt: (instr) => {
      const stage = stageOfIndex[instr.index] ?? null;
      return instr.onbuild !== null && stage !== null ? makeTriggerScope(stage, instr.index) : makeScope(stage, instr.index);
    },
    shellOf: (instr) => {
      if (instr.kind !== 'RUN') return null;
      let script = shellCache.get(instr);
      if (script === undefined) {
        script = shellOfInstruction(instr, text, ast.escapeChar);
        shellCache.set(instr, script);
      }
      return script;
    },
  };
}
