import { defineRule, type Instruction, type SemanticModel, type Stage, type TextEdit } from '@stowage/core';
import { isTemplate, lineAt, writtenForBuildkit } from '../_lib/stages.js';

/** Instructions that can move into a shared stage unchanged: the stages built FROM it inherit what they do. */
const MOVABLE = new Set(['ARG', 'RUN', 'COPY', 'ADD', 'ENV', 'WORKDIR', 'USER', 'SHELL', 'LABEL']);
/** Instructions that do work worth sharing (a run of ENV or WORKDIR lines alone is boilerplate). */
const WORK = new Set(['RUN', 'COPY', 'ADD']);
/**
 * Fewest source lines a shared run must span to be worth a stage of its own: one repeated
 * `COPY . /src` or `RUN apk add git` is not (a new stage costs as many lines as it saves).
 */
const MIN_LINES = 3;

const label = (s: Stage) => (s.name ? `'${s.name}'` : `${s.index}`);

export default defineRule({
  meta: {
    id: 'stage-duplicate-first-instruction',
    summary: 'Report stages that start with the same instruction as an earlier stage',
    category: 'cache',
    severity: 'warn',
    fix: 'unsafe',
    sources: [],
    onbuild: false,
  },
  messages: {
    sameBase:
      'Stage {{stage}} repeats the start of stage {{first}} (line {{line}}): the same base and the same {{count}}. BuildKit builds identical steps on the same base only once, so this costs no build time, but the copies must be kept in step by hand (once they drift, each stage builds its own). Extract them into a shared stage (`FROM {{image}} AS <name>`) and build these stages FROM it.',
    differentBase:
      'Stage {{stage}} starts with the same instruction as stage {{first}} (line {{line}}) on a different base. BuildKit keys its cache on the parent too, so this only matters for the legacy builder with `--cache-from`, where a stage can pick up the other stage\'s cached layer; if you build that way, make the first instructions differ.',
    extract: "Extract the shared instructions into a stage '{{name}}' and build {{stages}} FROM it",
  },
  create(ctx) {
    const { model } = ctx;
    return {
      fileExit() {
        if (model.stages.length < 2 || isTemplate(model)) return;
        const norm = new Map<Instruction, string>();
        const text = (i: Instruction) => {
          let t = norm.get(i);
          if (t === undefined) norm.set(i, (t = normalize(model, i)));
          return t;
        };
        const firstOf = (s: Stage) => s.instructions.find((i) => i.kind !== 'ARG');
        const groups = new Map<string, Stage[]>();
        for (const s of model.stages) {
          const first = firstOf(s);
          // A FROM without an image is a syntax error; nothing to compare it with.
          if (!first || !s.baseRange) continue;
          const key = text(first);
          const list = groups.get(key) ?? [];
          list.push(s);
          groups.set(key, list);
        }
        const legacyPossible = !writtenForBuildkit(model);

        for (const group of groups.values()) {
          if (group.length < 2) continue;
          // Same base: the later stages whose shared leading run with the first such stage does work.
          const bySameBase = new Map<Stage, { stage: Stage; run: number }[]>();
          const reported = new Set<Stage>();
          for (let i = 1; i < group.length; i++) {
            const later = group[i];
            const first = group.slice(0, i).find((s) => baseRelation(s, later) === 'same' && !reported.has(s));
            if (!first) continue;
            const run = sharedRun(model, first, later, text);
            if (run === 0) continue;
            const list = bySameBase.get(first) ?? [];
            list.push({ stage: later, run });
            bySameBase.set(first, list);
            reported.add(later);
          }
          for (const [first, laters] of bySameBase) {
            const run = Math.min(...laters.map((l) => l.run));
            const fix = extractFix(model, [first, ...laters.map((l) => l.stage)], run, text);
            for (const { stage, run: n } of laters) {
              const shared = first.instructions.slice(0, n).filter((i) => i.kind !== 'ARG');
              ctx.report({
                messageId: 'sameBase',
                data: {
                  stage: label(stage),
                  first: label(first),
                  line: lineAt(model, first.from.range.start),
                  count: shared.length === 1 ? `${shared[0].kind} instruction` : `${shared.length} leading instructions`,
                  image: fromImageText(model, first),
                },
                range: firstLine(model, firstOf(stage)!),
                related: [{ message: `Stage ${label(first)} starts the same way here.`, range: firstLine(model, firstOf(first)!) }],
                fix,
              });
            }
          }
          if (!legacyPossible) continue;
          for (let i = 1; i < group.length; i++) {
            const later = group[i];
            if (reported.has(later)) continue;
            const first = group.slice(0, i).find((s) => baseRelation(s, later) === 'different');
            if (!first) continue;
            ctx.report({
              messageId: 'differentBase',
              data: { stage: label(later), first: label(first), line: lineAt(model, first.from.range.start) },
              range: firstLine(model, firstOf(later)!),
              related: [{ message: `Stage ${label(first)} starts with the same instruction here.`, range: firstLine(model, firstOf(first)!) }],
              severity: 'info',
            });
          }
        }
      },
    };
  },
});

/** Instruction text with keyword case, line continuations, comment lines and runs of spaces normalised. */
function normalize(model: SemanticModel, instr: Instruction): string {
  const raw = model.text.slice(instr.keyword.range.end, instr.range.end);
  if (instr.heredocs.length > 0) return `${instr.kind} ${raw.trim()}`;
  const esc = model.ast.escapeChar === '`' ? '`' : '\\\\';
  const body = raw
    .replace(new RegExp(`${esc}[ \\t]*\\r?\\n`, 'g'), '\n')
    .split('\n')
    .filter((l, i) => i === 0 || !/^\s*#/.test(l))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  return `${instr.kind} ${body}`;
}

/**
 * Whether two stages start from the same image (or the same earlier stage) on the same platform:
 * `maybe` when variables written differently give the same default (`FROM $core` / `FROM $target`),
 * which other build args can make different.
 */
function baseRelation(a: Stage, b: Stage): 'same' | 'different' | 'maybe' {
  const platform = (s: Stage) => s.platform?.value ?? '';
  if (platform(a) !== platform(b)) return 'different';
  const sameDefault = a.parent || b.parent
    ? a.parent === b.parent
    : a.base.expanded !== '' && a.base.unresolved.length === 0 && b.base.unresolved.length === 0 && a.base.expanded === b.base.expanded;
  if (a.base.hasVariables || b.base.hasVariables) return a.base.raw === b.base.raw ? 'same' : sameDefault ? 'maybe' : 'different';
  return a.base.raw === b.base.raw || sameDefault ? 'same' : 'different';
}

/**
 * How many leading instructions (ARGs included) the two stages share, counted only when the shared
 * run can move to a shared stage, does work (RUN, COPY or ADD) and spans MIN_LINES lines: 0 otherwise.
 */
function sharedRun(model: SemanticModel, a: Stage, b: Stage, text: (i: Instruction) => string): number {
  let n = 0;
  while (n < a.instructions.length && n < b.instructions.length) {
    const x = a.instructions[n];
    const y = b.instructions[n];
    if (!MOVABLE.has(x.kind) || x.kind !== y.kind || text(x) !== text(y)) break;
    n++;
  }
  // Trailing ARGs belong to what follows, not to the shared run.
  while (n > 0 && a.instructions[n - 1].kind === 'ARG') n--;
  const run = a.instructions.slice(0, n).filter((i) => i.kind !== 'ARG');
  const lines = run.reduce((sum, i) => sum + lineAt(model, i.range.end) - lineAt(model, i.range.start) + 1, 0);
  return run.some((i) => WORK.has(i.kind)) && lines >= MIN_LINES ? n : 0;
}

/** The range of an instruction's first line (without a trailing continuation). */
function firstLine(model: SemanticModel, instr: Instruction): { start: number; end: number } {
  const start = instr.range.start;
  const nl = model.text.indexOf('\n', start);
  let end = nl < 0 || nl > instr.range.end ? instr.range.end : nl;
  const line = model.text.slice(start, end).replace(/\r$/, '');
  const trimmed = line.replace(new RegExp(`\\s*${model.ast.escapeChar === '`' ? '`' : '\\\\'}?\\s*$`), '');
  end = start + Math.max(trimmed.length, instr.keyword.raw.length);
  return { start, end };
}

/** The FROM text after the keyword up to the image (flags included), without the stage name. */
function fromImageText(model: SemanticModel, s: Stage): string {
  const start = s.from.flags[0]?.range.start ?? s.baseRange?.start ?? s.from.keyword.range.end;
  const end = s.baseRange?.end ?? start;
  return model.text.slice(start, end).replace(/\s+/g, ' ').trim();
}

const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
const lineEnd = (text: string, offset: number) => {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
};

/**
 * The unsafe fix: a new stage holding the shared run, inserted before the first of `stages`, each of
 * which then builds FROM it (keeping its AS name) without the run. Offered only when the FROM lines
 * are identical apart from the AS name, and no stage is referred to by number (the new stage shifts
 * the numbers).
 */
function extractFix(model: SemanticModel, stages: Stage[], run: number, text: (i: Instruction) => string) {
  const [first] = stages;
  const image = fromImageText(model, first);
  if (!image || stages.some((s) => fromImageText(model, s) !== image || s.from.range.end - s.from.range.start > 2000)) return undefined;
  if (model.stages.some((s) => s.deps.some((d) => d.byIndex))) return undefined;
  const src = model.text;
  if (stages.some((s) => src.slice(s.from.range.start, s.instructions[run - 1].range.end).includes('\r'))) return undefined;
  const name = freshName(model, first);
  const shared = first.instructions.slice(0, run);
  const runText = src.slice(lineStart(src, shared[0].range.start), shared[run - 1].range.end);
  const args = shared.filter((i) => i.kind === 'ARG').map((i) => src.slice(i.range.start, i.range.end));

  const edits: TextEdit[] = [];
  const at = insertionPoint(model, first);
  edits.push({ range: { start: at, end: at }, text: `FROM ${image} AS ${name}\n${runText}\n\n` });
  for (const s of stages) {
    const from = s.from.flags[0]?.range.start ?? s.baseRange!.start;
    edits.push({ range: { start: from, end: s.baseRange!.end }, text: name });
    const own = s.instructions.slice(0, run);
    if (own.some((i, k) => text(i) !== text(shared[k]))) return undefined;
    const start = lineStart(src, own[0].range.start);
    let end = lineEnd(src, own[run - 1].range.end);
    // Blank lines on both sides of the removed run would leave two in a row: keep one.
    const blankBefore = start > 0 && src.slice(lineStart(src, start - 1), start).trim() === '';
    if (args.length === 0 && blankBefore && end < src.length && src.slice(end, lineEnd(src, end)).trim() === '') end = lineEnd(src, end);
    edits.push({ range: { start, end }, text: args.map((a) => `${a}\n`).join('') });
  }
  const stagesText = stages.map(label).join(stages.length === 2 ? ' and ' : ', ');
  return { messageId: 'extract', data: { name, stages: stagesText }, edits, applicability: 'unsafe' as const };
}

/** Before the stage's FROM, above the comment lines directly on top of it (they describe that stage), unless they open the file. */
function insertionPoint(model: SemanticModel, stage: Stage): number {
  const src = model.text;
  const fromLine = lineStart(src, stage.from.range.start);
  const directives = model.ast.directives;
  let at = fromLine;
  while (at > 0) {
    const prev = lineStart(src, at - 1);
    const line = src.slice(prev, at);
    if (!/^\s*#/.test(line) || directives.some((d) => d.range.start >= prev && d.range.start < at)) break;
    at = prev;
  }
  // Comments from the top of the file down to the FROM are the file's header (licence, usage), not the stage's.
  return at === 0 ? fromLine : at;
}

/** A stage name no stage, image or `--from` of the file uses: `<image>-base` (`<stage>-common` for a stage), numbered if taken. */
function freshName(model: SemanticModel, stage: Stage): string {
  const taken = new Set<string>();
  for (const s of model.stages) {
    if (s.key) taken.add(s.key);
    taken.add(s.base.expanded.toLowerCase());
    taken.add(s.base.repository.toLowerCase());
    for (const d of s.deps) taken.add(d.expanded.toLowerCase());
  }
  const repo = stage.parent ? stage.parent.key ?? '' : stage.base.repository.split('/').pop() ?? '';
  let slug = repo.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z]+/, '').replace(/[-_.]+$/, '');
  if (!slug) slug = 'shared';
  const base = `${slug}-${stage.parent ? 'common' : 'base'}`;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  return name;
}
