import { expand, type Instruction, type SemanticModel, type Stage } from '@stowage/core';

/**
 * What a stage reference (`FROM x`, `COPY --from=x`, `RUN --mount from=x`) may name at build time.
 * The model resolves references with the ARG defaults only; `FROM ${APP_ENV}_image` can name any
 * stage whose name fits once another value is passed with `--build-arg`.
 */
export interface RefCandidates {
  /** Stages the reference may name (its default included). */
  stages: Stage[];
  /**
   * The reference is a bare variable (`FROM $STAGE`) that may name any stage: its default names a
   * stage, or it has no default at all.
   */
  any: boolean;
  /** The stage the default values name, if any. */
  byDefault: Stage | null;
  /** The text is built from variables. */
  variable: boolean;
}

const MARK = '\u0001';
const VARIABLE = /\$(\{|[A-Za-z_])/;

const byKeyCache = new WeakMap<SemanticModel, Map<string, Stage[]>>();

/** The stages of each name (lower case), in file order: looked up per reference, so built once per file. */
export function stagesByKey(model: SemanticModel): ReadonlyMap<string, readonly Stage[]> {
  let byKey = byKeyCache.get(model);
  if (!byKey) {
    byKey = new Map();
    for (const s of model.stages) {
      if (!s.key) continue;
      const list = byKey.get(s.key);
      if (list) list.push(s);
      else byKey.set(s.key, [s]);
    }
    byKeyCache.set(model, byKey);
  }
  return byKey;
}

/** The last stage before `before` named `key`, else any other stage of that name (a forward or self reference the author meant). */
function stageNamed(model: SemanticModel, key: string, before: Stage): Stage | undefined {
  const named = stagesByKey(model).get(key);
  if (!named) return undefined;
  let found: Stage | undefined;
  for (const s of named) {
    if (s.index >= before.index) break;
    found = s;
  }
  return found ?? named.find((s) => s !== before);
}

/**
 * Candidates of one reference written `raw` in `stage` (`instr` is the instruction holding it, for
 * the variables in scope; FROM sees global ARGs only). Case is ignored: a reference that differs
 * from a stage name only in case is still the author's way of naming that stage.
 */
export function refCandidates(model: SemanticModel, stage: Stage, raw: string, kind: 'from' | 'copy' | 'mount', instr: Instruction): RefCandidates {
  const fromLine = kind === 'from';
  const dflt = fromLine ? { value: stage.base.expanded, unresolved: stage.base.unresolved } : model.scopeAt(instr).expand(raw);
  // COPY --from takes stage numbers; so does FROM in Buildah (BuildKit pulls an image named `0`).
  const byIndex = (value: string): Stage | null => {
    if (kind === 'mount' || !/^\d+$/.test(value)) return null;
    const n = Number(value);
    return n < stage.index ? model.stages[n] : null;
  };
  const byName = (value: string): Stage | null => (value ? stageNamed(model, value.toLowerCase(), stage) ?? null : null);
  const byDefault = dflt.unresolved.length === 0 ? byIndex(dflt.value) ?? byName(dflt.value) : null;

  if (!VARIABLE.test(raw)) return { stages: byDefault ? [byDefault] : [], any: false, byDefault, variable: false };

  // Every variable becomes a wildcard; the literal text around it must match the stage name.
  const shape = expand(raw, () => MARK, model.ast.escapeChar).value;
  if (shape.split(MARK).join('') === '') {
    // A bare variable: it names stages when its default does or when it has no default.
    const any = byDefault !== null || dflt.unresolved.length > 0 || dflt.value === '';
    return { stages: byDefault ? [byDefault] : [], any, byDefault, variable: true };
  }
  const pattern = new RegExp(`^${shape.split(MARK).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  const stages = model.stages.filter((s) => s !== stage && s.key !== null && pattern.test(s.key));
  if (byDefault && !stages.includes(byDefault)) stages.push(byDefault);
  return { stages, any: false, byDefault, variable: true };
}

/** The candidates of a stage's FROM. */
export function fromCandidates(model: SemanticModel, stage: Stage): RefCandidates {
  if (!stage.baseRange) return { stages: [], any: false, byDefault: null, variable: false };
  if (stage.parent && !stage.base.hasVariables) return { stages: [stage.parent], any: false, byDefault: stage.parent, variable: false };
  return refCandidates(model, stage, stage.base.raw, 'from', stage.from);
}

export interface StageUses {
  /** Stages each stage may read (FROM, COPY/ADD --from, RUN --mount from=), ONBUILD triggers excluded. */
  uses: Map<Stage, Set<Stage>>;
  /** Some reference may name any stage: no stage can be called unused. */
  anyStage: boolean;
}

/** Every stage reference of the file, with the stages each may name. */
export function stageUses(model: SemanticModel): StageUses {
  const uses = new Map<Stage, Set<Stage>>();
  let anyStage = false;
  for (const stage of model.stages) {
    const set = new Set<Stage>();
    const add = (c: RefCandidates) => {
      if (c.any) anyStage = true;
      for (const s of c.stages) if (s !== stage) set.add(s);
    };
    add(fromCandidates(model, stage));
    for (const dep of stage.deps) {
      if (dep.kind === 'from') continue;
      if (dep.stage && dep.ref === dep.expanded) set.add(dep.stage);
      else add(refCandidates(model, stage, dep.ref, dep.kind, dep.instruction));
    }
    // Triggers run in the stages of this file built FROM this one, and may name this file's stages.
    for (const instr of stage.instructions) {
      const t = instr.trigger;
      if (!t) continue;
      for (const flag of t.flags) {
        const name = flag.name.toLowerCase();
        const value = name === 'from' ? flag.value : name === 'mount' ? flag.options.find((o) => o.key.toLowerCase() === 'from')?.value : null;
        if (!value) continue;
        const named = stageNamed(model, value.toLowerCase(), stage);
        if (named) set.add(named);
      }
    }
    uses.set(stage, set);
  }
  return { uses, anyStage };
}

/**
 * The file is a template (Jinja `{% if %}`, Go or Mustache `{{ }}` in FROM lines, `<% %>`): its stages
 * are alternatives or placeholders the generator resolves, not a build graph to judge.
 */
export function isTemplate(model: SemanticModel): boolean {
  return model.ast.instructions.some(
    (i) => (!i.known && /^[{<%@]/.test(i.keyword.raw)) || (i.kind === 'FROM' && /\{\{|\{%|<%/.test(model.text.slice(i.range.start, i.range.end))),
  );
}

/** `roots` and every stage they need, transitively. */
export function closure(uses: Map<Stage, Set<Stage>>, roots: Iterable<Stage>): Set<Stage> {
  const seen = new Set<Stage>();
  const stack = [...roots];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    for (const d of uses.get(s) ?? []) if (!seen.has(d)) stack.push(d);
  }
  return seen;
}

/** 1-based line of an offset. */
export function lineAt(model: SemanticModel, offset: number): number {
  return model.lines.positionAt(offset).line;
}

const BUILDKIT_FLAGS: Record<string, ReadonlySet<string>> = {
  RUN: new Set(['mount', 'network', 'security', 'device']),
  COPY: new Set(['link', 'parents', 'exclude', 'chmod']),
  ADD: new Set(['link', 'parents', 'exclude', 'chmod', 'checksum', 'keep-git-dir', 'unpack']),
};

/**
 * The file is written for BuildKit: it has a `# syntax=` directive, or uses a feature the legacy
 * builder rejects (RUN --mount/--network/--security, heredocs, COPY/ADD --link, --chmod,
 * --parents, --exclude, ADD --checksum...). Such a file is not built with the legacy builder.
 */
export function writtenForBuildkit(model: SemanticModel): boolean {
  if (model.ast.directives.some((d) => d.name === 'syntax' || d.name === 'check')) return true;
  for (const top of model.ast.instructions) {
    for (let i: Instruction | null = top; i; i = i.trigger) {
      if (i.heredocs.length > 0) return true;
      const flags = BUILDKIT_FLAGS[i.kind];
      if (flags && i.flags.some((f) => flags.has(f.name.toLowerCase()))) return true;
    }
  }
  return false;
}
