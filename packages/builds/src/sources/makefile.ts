import { dirname, resolve } from 'node:path';
import { envVar, expandMake, type Env, type MakeExpandContext } from '../expand.js';
import { emptyResult, guarded, invocationFile } from '../file.js';
import type { ParseResult } from '../model.js';
import { analyzeSegment, newGroup, type ShellSegment } from '../shell.js';

export interface MakefileOptions {
  /** The repository root. */
  root?: string;
  /** Variables of the environment make runs in. */
  env?: Env;
}

interface Line {
  /** Offset of the first character. */
  start: number;
  /** Offset of the end of the logical line (continuations included), before its line break. */
  end: number;
  /** Offset of the next logical line. */
  next: number;
}

/** Splits text into logical lines (a trailing backslash continues a line). */
function logicalLines(text: string): Line[] {
  const out: Line[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let j = i;
    for (;;) {
      let e = text.indexOf('\n', j);
      if (e < 0) e = n;
      let k = e;
      if (k > j && text[k - 1] === '\r') k--;
      let bs = 0;
      while (k - 1 - bs >= j && text[k - 1 - bs] === '\\') bs++;
      if (bs % 2 === 1 && e < n) {
        j = e + 1;
        continue;
      }
      out.push({ start: i, end: k, next: e + 1 });
      i = e + 1;
      break;
    }
  }
  return out;
}

const ASSIGN = /^((?:(?:export|override|private|unexport)\s+)*)([^\s:#=?+!]+)\s*(::?=|:::=|\?=|\+=|!=|=)\s*([\s\S]*)$/;
const RULE = /^([^\t#=:][^#=]*?)\s*::?(?!=)\s*([^=]*)$/;

/**
 * Builds in Makefile recipes. Variables from `VAR = value`, `VAR := value`, `VAR ?= value`,
 * `VAR += value` (and `export`) are followed in `$(VAR)` / `${VAR}`; recipe lines (after a tab,
 * with `@`, `-`, `+` prefixes and backslash continuations) are read with the shell parser, each in a
 * shell of its own; `docker push` / `docker tag` lines anywhere in the Makefile link to the builds
 * they name. Conditionals (`ifeq` ...) are not evaluated: every branch is read. Needs `initShell()`.
 */
export function parseMakefile(text: string, filePath: string, options: MakefileOptions = {}): ParseResult {
  const path = resolve(filePath);
  const file = invocationFile(path, 'makefile', text);
  const result = emptyResult(file);
  return guarded(result, () => {
    const dir = dirname(path);
    const root = options.root !== undefined ? resolve(options.root) : null;
    const lines = logicalLines(text);
    const ctx: MakeExpandContext = { vars: new Map(), dir, opaque: [] };
    const exported = new Set<string>();
    let exportAll = false;
    const recipes: Array<{ target: string; line: Line }> = [];
    let rule: string | null = null;
    let inDefine = false;
    for (const line of lines) {
      const raw = text.slice(line.start, line.end);
      if (inDefine) {
        if (/^\s*endef\b/.test(raw)) inDefine = false;
        continue;
      }
      if (raw.startsWith('\t')) {
        if (rule !== null) recipes.push({ target: rule, line });
        continue;
      }
      const trimmed = raw.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      if (/^define\s/.test(trimmed) || /^(?:export\s+|override\s+)*define\s/.test(trimmed)) {
        inDefine = true;
        rule = null;
        continue;
      }
      if (/^(?:ifeq|ifneq|ifdef|ifndef|else|endif)\b/.test(trimmed) || /^-?include\s/.test(trimmed) || /^s?include\s/.test(trimmed)) continue;
      const joined = trimmed.replace(/\\\r?\n\s*/g, ' ');
      const a = ASSIGN.exec(joined);
      if (a !== null) {
        const [, mods, name, op, value] = a;
        const isExport = /\bexport\b/.test(mods);
        const range = { start: line.start, end: line.end };
        const prev = ctx.vars.get(name);
        if (op === '?=' && prev !== undefined) {
          if (isExport) exported.add(name);
          rule = null;
          continue;
        }
        if (op === '!=') ctx.vars.set(name, { value: `$(shell ${value})`, simple: false, range });
        else if (op === '+=') {
          if (prev === undefined) ctx.vars.set(name, { value, simple: false, range });
          else if (prev.simple) ctx.vars.set(name, { value: `${prev.value} ${expandMake(value, ctx).value}`.trim(), simple: true, range });
          else ctx.vars.set(name, { value: `${prev.value} ${value}`.trim(), simple: false, range });
        } else if (op === ':=' || op === '::=') ctx.vars.set(name, { value: expandMake(value, ctx).value, simple: true, range });
        else ctx.vars.set(name, { value, simple: false, range });
        if (isExport) exported.add(name);
        rule = null;
        continue;
      }
      const ex = /^export\s+([\s\S]+)$/.exec(joined);
      if (ex !== null && !ex[1].includes('=') && !ex[1].includes(':')) {
        for (const n of ex[1].split(/\s+/)) exported.add(n);
        continue;
      }
      if (joined === 'export') {
        exportAll = true;
        continue;
      }
      const r = RULE.exec(joined);
      if (r !== null) {
        rule = r[1].trim();
        if (rule === '.EXPORT_ALL_VARIABLES') exportAll = true;
        // `target: prereqs ; recipe`
        const semi = raw.indexOf(';');
        if (semi > 0 && raw.indexOf(':') < semi) {
          recipes.push({ target: rule, line: { start: line.start + semi + 1, end: line.end, next: line.next } });
        }
        continue;
      }
      rule = null;
    }

    // Environment of recipe shells: the given environment, then exported make variables.
    const env: Env = new Map(options.env ?? []);
    for (const [name, v] of ctx.vars) {
      if (!exportAll && !exported.has(name)) continue;
      const x = v.simple ? { value: v.value, unresolved: [] as string[] } : expandMake(v.value, ctx);
      const opaqueUnresolved = [...x.value.matchAll(/\uE000(\d+)\uE001/g)].flatMap((m) => ctx.opaque[Number(m[1])]?.unresolved ?? []);
      env.set(name, envVar(x.value.replace(/\uE000(\d+)\uE001/g, (_m, n: string) => ctx.opaque[Number(n)]?.text ?? ''), v.range, opaqueUnresolved, file));
    }

    const g = newGroup(file, 'makefile-recipe', null, root, [dir]);
    g.opaque = ctx.opaque;
    g.deferred = { tags: [], pushes: [] };
    for (const { target, line } of recipes) {
      let s = line.start;
      while (s < line.end && (text[s] === '\t' || text[s] === ' ' || text[s] === '@' || text[s] === '-' || text[s] === '+')) s++;
      if (s >= line.end) continue;
      const body = text.slice(s, line.end);
      const off = s;
      const seg: ShellSegment = {
        text: body,
        original: body,
        toFile: (o) => o + off,
        fresh: true,
        env,
        cwd: [dir],
        pre: (raw) => expandMake(raw, ctx).value,
        details: { group: target },
      };
      analyzeSegment(g, seg);
    }
    for (const f of g.deferred.tags) f();
    for (const f of g.deferred.pushes) f();
    result.invocations.push(...g.invocations);
    result.runs.push(...g.runs);
    result.problems.push(...g.problems);
  });
}
