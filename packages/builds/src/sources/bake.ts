import { dirname, resolve } from 'node:path';
import type { Range } from '@stowage/core';
import type { Document } from 'yaml';
import { parseCacheSpec, specOf } from '../cache.js';
import type { Env, Expanded } from '../expand.js';
import { emptyResult, guarded, invocationFile } from '../file.js';
import { parseHcl, type HBlock, type HEntry, type HFile, type HValue } from '../hcl.js';
import type { BuildArg, BuildInvocation, CacheEntry, InvocationFile, ParseResult, PushSignal, Setting, Unresolved } from '../model.js';
import { contextSetting, dockerfileSetting, uniq } from '../paths.js';
import { asMap, deref, isMap, isScalar, isSeq, keyText, nodeRange, pairRange, pairsOf, parseYamlFile, scalarText } from '../yaml.js';

export interface BakeOptions {
  /** Variable values from the environment (they override `default`s, as bake does). */
  env?: Env;
  /** The folder bake runs in (relative contexts resolve against it); default: the first file's folder. */
  cwd?: string;
}

export interface BakeSource {
  path: string;
  text: string;
}

/**
 * One bake file (HCL). Needs `initHcl()`. See parseBakeFiles for a base file with its overrides.
 */
export function parseBakeHcl(text: string, filePath: string, options: BakeOptions = {}): ParseResult {
  return parseBakeFiles([{ path: filePath, text }], options)[0];
}

/** One bake file (JSON). */
export function parseBakeJson(text: string, filePath: string, options: BakeOptions = {}): ParseResult {
  return parseBakeFiles([{ path: filePath, text }], options)[0];
}

interface Loaded {
  file: InvocationFile;
  result: ParseResult;
  hcl: HFile | null;
}

/**
 * Bake files read together, as `docker buildx bake` does with its default set (`docker-bake.hcl`
 * then `docker-bake.override.hcl`, or `-f` files): later files override attributes of targets and
 * variables of earlier ones. `.json` files are read as bake JSON, others as HCL (needs `initHcl()`).
 * Targets: `context`, `dockerfile`, `dockerfile-inline`, `target`, `cache-from` / `cache-to`
 * (strings or objects), `args`, `tags`, `output` (type=registry pushes), `no-cache`, `inherits`
 * (followed; `args` merge key-wise); `variable` blocks (and top-level attributes) give `${VAR}`
 * values from their `default` unless `env` has them; `group`s are listed per target. Function
 * calls, conditionals, `for` and attribute references are not evaluated (unresolved). One result
 * per file; a target belongs to the file that defines it first.
 */
export function parseBakeFiles(sources: BakeSource[], options: BakeOptions = {}): ParseResult[] {
  const loaded: Loaded[] = [];
  for (const src of sources) {
    const path = resolve(src.path);
    const file = invocationFile(path, 'bake', src.text);
    const result = emptyResult(file);
    let hcl: HFile | null = null;
    guarded(result, () => {
      if (/\.json$/i.test(path)) hcl = readJson(file, result);
      else {
        hcl = parseHcl(src.text);
        for (const e of hcl.errors.slice(0, 5)) {
          result.problems.push({ file, range: e, message: 'HCL syntax error: the bake file cannot be fully read.', severity: 'error' });
        }
      }
    });
    loaded.push({ file, result, hcl });
  }
  if (loaded.length === 0) return [];
  const cwd = options.cwd !== undefined ? resolve(options.cwd) : dirname(loaded[0].file.path);
  guarded(loaded[0].result, () => evaluate(loaded, cwd, options.env ?? new Map()));
  return loaded.map((l) => l.result);
}

// ---------------------------------------------------------------------------------------------
// docker-bake.json into the same tree.

function readJson(file: InvocationFile, result: ParseResult): HFile {
  const out: HFile = { attrs: [], blocks: [], errors: [] };
  const parsed = parseYamlFile(file);
  result.problems.push(...parsed.problems.map((p) => ({ ...p, message: p.message.replace(/^YAML/, 'JSON') })));
  const doc = parsed.doc;
  if (doc === null) return out;
  const top = asMap(doc, doc.contents);
  if (top === null) return out;
  for (const p of pairsOf(doc, top)) {
    const type = keyText(p);
    const typeRange = nodeRange(p.key);
    const m = asMap(doc, p.value);
    if (type === null || typeRange === null) continue;
    if (m === null || !['target', 'group', 'variable', 'function'].includes(type)) {
      // A top-level attribute (a variable).
      out.attrs.push({ key: type, keyRange: typeRange, value: jsonValue(doc, p.value, file.text), range: pairRange(p) ?? typeRange });
      continue;
    }
    for (const q of pairsOf(doc, m)) {
      const label = keyText(q);
      const labelRange = nodeRange(q.key);
      const body = asMap(doc, q.value);
      if (label === null || labelRange === null) continue;
      const b: HBlock = { type, typeRange, labels: [label], labelRanges: [labelRange], attrs: [], blocks: [], range: pairRange(q) ?? labelRange };
      if (body !== null) {
        for (const a of pairsOf(doc, body)) {
          const k = keyText(a);
          const kr = nodeRange(a.key);
          if (k === null || kr === null) continue;
          b.attrs.push({ key: k, keyRange: kr, value: jsonValue(doc, a.value, file.text), range: pairRange(a) ?? kr });
        }
      }
      out.blocks.push(b);
    }
  }
  return out;
}

function jsonValue(doc: Document, node: unknown, text: string): HValue {
  const n = deref(doc, node);
  const range = nodeRange(n) ?? { start: 0, end: 0 };
  if (isScalar(n)) {
    if (typeof n.value === 'string') return { kind: 'string', parts: templateParts(n.value, range), range };
    return { kind: 'literal', text: scalarText(n, text) ?? '', range };
  }
  if (isSeq(n)) return { kind: 'tuple', items: n.items.map((i) => jsonValue(doc, i, text)), range };
  if (isMap(n)) {
    const entries: HEntry[] = [];
    for (const p of pairsOf(doc, n)) {
      const k = keyText(p);
      const kr = nodeRange(p.key);
      if (k !== null && kr !== null) entries.push({ key: k, keyRange: kr, value: jsonValue(doc, p.value, text), range: pairRange(p) ?? kr });
    }
    return { kind: 'object', entries, range };
  }
  return { kind: 'other', text: text.slice(range.start, range.end), range };
}

/** `${VAR}` interpolations of a JSON string (`$${` is a literal `${`). */
function templateParts(s: string, range: Range): Array<string | HValue> {
  const parts: Array<string | HValue> = [];
  let lit = '';
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('$${', i)) {
      lit += '${';
      i += 3;
    } else if (s.startsWith('${', i)) {
      const end = s.indexOf('}', i + 2);
      if (end < 0) {
        lit += s.slice(i);
        break;
      }
      if (lit) parts.push(lit);
      lit = '';
      const inner = s.slice(i + 2, end).trim();
      parts.push(/^[A-Za-z_][A-Za-z0-9_-]*$/.test(inner) ? { kind: 'var', name: inner, range } : { kind: 'other', text: s.slice(i, end + 1), range });
      i = end + 1;
    } else lit += s[i++];
  }
  if (lit || parts.length === 0) parts.push(lit);
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Evaluation.

interface Sourced<T> {
  item: T;
  file: InvocationFile;
}

class Evaluator {
  private readonly vars = new Map<string, Sourced<HValue | null>>();
  private readonly evaluating = new Set<string>();

  constructor(private readonly env: Env) {}

  defineVar(name: string, value: HValue | null, file: InvocationFile): void {
    this.vars.set(name, { item: value, file });
  }

  str(v: HValue): Expanded {
    switch (v.kind) {
      case 'string': {
        let value = '';
        const unresolved: string[] = [];
        for (const p of v.parts) {
          if (typeof p === 'string') value += p;
          else {
            const x = this.str(p);
            value += p.kind === 'other' ? `\${${x.value}}` : x.value;
            unresolved.push(...x.unresolved);
          }
        }
        return { value, unresolved };
      }
      case 'literal':
        return { value: v.text === 'null' ? '' : v.text, unresolved: [] };
      case 'var':
        return this.variable(v.name);
      case 'other':
        return { value: v.text, unresolved: [v.text.startsWith('${') ? v.text : `\${${v.text}}`] };
      default:
        return { value: '', unresolved: [`(${v.kind})`] };
    }
  }

  private variable(name: string): Expanded {
    const fromEnv = this.env.get(name);
    if (fromEnv !== undefined) return { value: fromEnv.value, unresolved: fromEnv.unresolved };
    const d = this.vars.get(name);
    if (d === undefined || d.item === null || this.evaluating.has(name)) return { value: `\${${name}}`, unresolved: [`\${${name}}`] };
    this.evaluating.add(name);
    try {
      return this.str(d.item);
    } finally {
      this.evaluating.delete(name);
    }
  }

  /** The strings of a list value (a single string counts as a one-item list). */
  list(v: HValue): HValue[] {
    return v.kind === 'tuple' ? v.items : [v];
  }
}

interface TargetDef {
  name: string;
  blocks: Array<Sourced<HBlock>>;
}

function evaluate(loaded: Loaded[], cwd: string, env: Env): void {
  const ev = new Evaluator(env);
  const targets = new Map<string, TargetDef>();
  const groups = new Map<string, Array<Sourced<HEntry>>>();
  for (const l of loaded) {
    const h = l.hcl;
    if (h === null) continue;
    for (const a of h.attrs) ev.defineVar(a.key, a.value, l.file);
    for (const b of h.blocks) {
      const label = b.labels[0];
      if (label === undefined) continue;
      if (b.type === 'variable') {
        const d = b.attrs.find((a) => a.key === 'default');
        ev.defineVar(label, d ? d.value : null, l.file);
      } else if (b.type === 'target') {
        let t = targets.get(label);
        if (t === undefined) targets.set(label, (t = { name: label, blocks: [] }));
        t.blocks.push({ item: b, file: l.file });
      } else if (b.type === 'group') {
        const ts = b.attrs.find((a) => a.key === 'targets');
        if (ts) groups.set(label, [{ item: ts, file: l.file }]);
      }
    }
  }

  // Attributes of each target with inheritance: parents in order, then the target's own blocks.
  const effective = new Map<string, Map<string, Sourced<HEntry>>>();
  const argsOf = new Map<string, Map<string, Sourced<HEntry>>>();
  const chain = new Map<string, string[]>();
  const resolving = new Set<string>();
  const own = (t: TargetDef) => {
    const m = new Map<string, Sourced<HEntry>>();
    const args = new Map<string, Sourced<HEntry>>();
    for (const b of t.blocks) {
      for (const a of b.item.attrs) {
        m.set(a.key, { item: a, file: b.file });
        if (a.key === 'args' && a.value.kind === 'object') for (const e of a.value.entries) args.set(e.key, { item: e, file: b.file });
      }
    }
    return { m, args };
  };
  const resolveTarget = (name: string): void => {
    if (effective.has(name) || resolving.has(name)) return;
    const t = targets.get(name);
    if (t === undefined) return;
    resolving.add(name);
    const { m, args } = own(t);
    const merged = new Map<string, Sourced<HEntry>>();
    const mergedArgs = new Map<string, Sourced<HEntry>>();
    const parents: string[] = [];
    const inh = m.get('inherits');
    if (inh) {
      for (const v of ev.list(inh.item.value)) {
        const p = ev.str(v).value;
        if (!targets.has(p)) continue;
        resolveTarget(p);
        parents.push(p, ...(chain.get(p) ?? []));
        for (const [k, a] of effective.get(p) ?? []) merged.set(k, a);
        for (const [k, a] of argsOf.get(p) ?? []) mergedArgs.set(k, a);
      }
    }
    for (const [k, a] of m) if (k !== 'inherits') merged.set(k, a);
    for (const [k, a] of args) mergedArgs.set(k, a);
    effective.set(name, merged);
    argsOf.set(name, mergedArgs);
    chain.set(name, uniq(parents));
    resolving.delete(name);
  };
  for (const name of targets.keys()) resolveTarget(name);

  // Groups (transitively) per target.
  const groupTargets = new Map<string, string[]>();
  for (const [g, [ts]] of groups) groupTargets.set(g, ev.list(ts.item.value).map((v) => ev.str(v).value));
  const groupsOf = (target: string): string[] => {
    const out: string[] = [];
    const visit = (name: string, seen: Set<string>) => {
      for (const [g, members] of groupTargets) {
        if (seen.has(g) || !members.includes(name)) continue;
        seen.add(g);
        out.push(g);
        visit(g, seen);
      }
    };
    visit(target, new Set());
    return out;
  };
  const inheritedBy = new Map<string, string[]>();
  for (const t of targets.keys()) {
    const inh = targets.get(t)!.blocks.flatMap((b) => b.item.attrs.filter((a) => a.key === 'inherits'));
    for (const a of inh) for (const v of ev.list(a.value)) {
      const p = ev.str(v).value;
      const list = inheritedBy.get(p) ?? [];
      if (!list.includes(t)) list.push(t);
      inheritedBy.set(p, list);
    }
  }

  const resultOf = new Map(loaded.map((l) => [l.file, l.result]));
  for (const [name, t] of targets) {
    const first = t.blocks[0];
    const inv = targetInvocation(name, first, effective.get(name)!, argsOf.get(name)!, ev, cwd);
    inv.details.bakeGroups = groupsOf(name);
    inv.details.inherits = chain.get(name) ?? [];
    inv.details.inheritedBy = inheritedBy.get(name) ?? [];
    resultOf.get(first.file)!.invocations.push(inv);
  }
}

function targetInvocation(
  name: string,
  first: Sourced<HBlock>,
  attrs: Map<string, Sourced<HEntry>>,
  args: Map<string, Sourced<HEntry>>,
  ev: Evaluator,
  cwd: string,
): BuildInvocation {
  const file = first.file;
  const nameRange = first.item.labelRanges[0] ?? first.item.typeRange;
  const range = first.item.range;
  const unresolved: Unresolved[] = [];
  const setting = (v: HValue, a: Sourced<HEntry>): Setting => {
    const x = ev.str(v);
    const s: Setting = { raw: a.file.text.slice(v.range.start, v.range.end), value: x.value, range: v.range, keyRange: a.item.keyRange, unresolved: uniq(x.unresolved) };
    if (a.file !== file) s.file = a.file;
    for (const u of s.unresolved) if (a.file === file) unresolved.push({ text: u, range: s.range, setting: a.item.key });
    return s;
  };
  const one = (key: string): Setting | null => {
    const a = attrs.get(key);
    return a ? setting(a.item.value, a) : null;
  };
  const many = (key: string): Setting[] => {
    const a = attrs.get(key);
    return a ? ev.list(a.item.value).map((v) => setting(v, a)) : [];
  };
  const caches = (key: string): CacheEntry[] => {
    const a = attrs.get(key);
    if (!a) return [];
    return ev.list(a.item.value).map((v) => {
      if (v.kind === 'object') {
        const obj: Record<string, string> = {};
        const un: string[] = [];
        for (const e of v.entries) {
          const x = ev.str(e.value);
          obj[e.key.toLowerCase()] = x.value;
          un.push(...x.unresolved);
        }
        const s: CacheEntry = {
          raw: a.file.text.slice(v.range.start, v.range.end),
          value: Object.entries(obj).map(([k, x]) => `${k}=${x}`).join(','),
          range: v.range,
          keyRange: a.item.keyRange,
          unresolved: uniq(un),
          spec: specOf(obj, false),
        };
        if (a.file !== file) s.file = a.file;
        for (const u of s.unresolved) if (a.file === file) unresolved.push({ text: u, range: s.range, setting: key });
        return s;
      }
      const s = setting(v, a);
      return { ...s, spec: parseCacheSpec(s.value) };
    });
  };
  const ctx = contextSetting(one('context'), [cwd], nameRange);
  let dockerfile = dockerfileSetting(one('dockerfile'), ctx, ctx.candidates, nameRange);
  const inline = one('dockerfile-inline');
  if (inline !== null) dockerfile = { ...inline, path: null, candidates: [], defaulted: false, remote: true };
  const buildArgs: BuildArg[] = [];
  for (const [k, a] of args) {
    const v = a.item.value;
    const value = v.kind === 'literal' && v.text === 'null' ? null : setting(v, { item: { ...a.item, keyRange: a.item.keyRange }, file: a.file });
    const arg: BuildArg = { name: k, nameRange: a.item.keyRange, value, range: a.item.range };
    if (a.file !== file) arg.file = a.file;
    buildArgs.push(arg);
  }
  const push: PushSignal[] = [];
  for (const o of many('output')) {
    if (/(?:^|,)type=registry(?:,|$)/.test(o.value) || (/(?:^|,)type=image(?:,|$)/.test(o.value) && /(?:^|,)push=true(?:,|$)/.test(o.value))) {
      push.push({ via: 'output', value: true, file: o.file ?? file, range: o.range });
    }
  }
  const nc = attrs.get('no-cache');
  const noCache = nc && nc.item.value.kind === 'literal' && nc.item.value.text === 'true' && nc.file === file ? nc.item.range : null;
  return {
    kind: 'bake-target',
    tool: 'bake',
    file,
    range,
    nameRange,
    name,
    details: { group: name },
    context: ctx,
    dockerfile,
    target: one('target'),
    cacheFrom: caches('cache-from'),
    cacheTo: caches('cache-to'),
    buildArgs,
    tags: many('tags'),
    push,
    legacy: [],
    noCache,
    unresolved: unresolved.sort((a, b) => a.range.start - b.range.start),
    runs: [],
  };
}
