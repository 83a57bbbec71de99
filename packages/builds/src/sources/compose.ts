import { dirname, resolve } from 'node:path';
import type { Range } from '@stowage/core';
import type { Document, Pair, YAMLMap } from 'yaml';
import { expandCompose, type Env } from '../expand.js';
import { emptyResult, guarded, invocationFile } from '../file.js';
import type { BuildArg, BuildInvocation, CacheEntry, ParseResult, PushSignal, Setting, Unresolved } from '../model.js';
import { contextSetting, dockerfileSetting } from '../paths.js';
import { asMap, deref, get, getPair, isScalar, isSeq, keyText, nodeRange, pairRange, pairsOf, parseYamlFile, scalarText } from '../yaml.js';
import { buildArgFromLine, cacheEntry, keyRangeOf, scalarSetting, type Interpolate } from './yaml-settings.js';

export interface ComposeOptions {
  /** Variables for `${VAR}` interpolation: the environment and the project's `.env` (see `readDotEnv`). Unset ones are unresolved unless they have a default. */
  env?: Env;
  /** The project folder (default: the compose file's folder); relative contexts resolve against it. */
  projectDir?: string;
}

/**
 * Services with a `build:` (a string context or a map: `context`, `dockerfile`, `dockerfile_inline`,
 * `target`, `args`, `cache_from`, `cache_to`, `tags`, `no_cache`, and the `x-bake` extension's
 * `cache-from`, `cache-to`, `tags`, `output`, `no-cache`), with `image:` as a tag. `${VAR}`
 * interpolation uses defaults; `extends:` within the file and YAML anchors / merge keys are followed.
 */
export function parseCompose(text: string, filePath: string, options: ComposeOptions = {}): ParseResult {
  const path = resolve(filePath);
  const file = invocationFile(path, 'compose', text);
  const result = emptyResult(file);
  return guarded(result, () => {
    const parsed = parseYamlFile(file);
    result.problems.push(...parsed.problems);
    const doc = parsed.doc;
    if (doc === null) return;
    const root = asMap(doc, doc.contents);
    const services = asMap(doc, get(doc, root, 'services'));
    if (services === null) return;
    const env = options.env ?? new Map();
    const interpolate: Interpolate = (s) => expandCompose(s, (n) => env.get(n));
    const projectDir = options.projectDir !== undefined ? resolve(options.projectDir) : dirname(path);
    for (const pair of pairsOf(doc, services)) {
      const name = keyText(pair);
      const svc = asMap(doc, pair.value);
      if (name === null || svc === null) continue;
      const inv = service(doc, services, name, pair, svc, file, interpolate, projectDir);
      if (inv !== null) result.invocations.push(inv);
    }
  });
}

interface Entry {
  key: string;
  pair: Pair;
}

/** The build settings of a service and of the services it `extends` (own ones win); `build: ./dir` is a `context` entry. */
function buildEntries(doc: Document, services: YAMLMap, svc: YAMLMap, depth: number): Entry[] | null {
  const own = getPair(doc, svc, 'build');
  let entries: Entry[] | null = null;
  if (own !== null) {
    const b = deref(doc, own.value);
    if (isScalar(b)) entries = [{ key: 'context', pair: own }];
    else {
      const m = asMap(doc, b);
      entries = m === null ? [] : pairsOf(doc, m).map((p) => ({ key: keyText(p) ?? '', pair: p }));
    }
  }
  const ext = get(doc, svc, 'extends');
  let baseName: string | null = null;
  if (isScalar(ext)) baseName = scalarText(ext, '');
  else {
    const m = asMap(doc, ext);
    if (m !== null && get(doc, m, 'file') === null) baseName = scalarText(get(doc, m, 'service'), '');
  }
  if (baseName !== null && depth < 8) {
    const base = asMap(doc, get(doc, services, baseName));
    const inherited = base === null ? null : buildEntries(doc, services, base, depth + 1);
    if (inherited !== null) {
      if (entries === null) return inherited;
      const seen = new Set(entries.map((e) => e.key));
      for (const e of inherited) if (!seen.has(e.key)) entries.push(e);
    }
  }
  return entries;
}

function service(
  doc: Document,
  services: YAMLMap,
  name: string,
  pair: Pair,
  svc: YAMLMap,
  file: ParseResult['file'],
  interpolate: Interpolate,
  projectDir: string,
): BuildInvocation | null {
  const entries = buildEntries(doc, services, svc, 0);
  if (entries === null) return null;
  const nameRange = nodeRange(pair.key) ?? { start: 0, end: 0 };
  const range = pairRange(pair) ?? nameRange;
  const unresolved: Unresolved[] = [];
  const note = (s: Setting, setting: string) => {
    for (const u of s.unresolved) unresolved.push({ text: u, range: s.range, setting });
  };
  const one = (p: Pair) => {
    const s = scalarSetting(deref(doc, p.value), keyRangeOf(p), file, interpolate);
    if (s !== null) note(s, keyText(p) ?? '');
    return s;
  };
  const list = (p: Pair): Setting[] => {
    const v = deref(doc, p.value);
    const key = keyRangeOf(p);
    const out: Setting[] = [];
    const items = isSeq(v) ? v.items : [v];
    for (const it of items) {
      const s = scalarSetting(deref(doc, it), key, file, interpolate);
      if (s !== null) {
        note(s, keyText(p) ?? '');
        out.push(s);
      }
    }
    return out;
  };
  let context: Setting | null = null;
  let dockerfile: Setting | null = null;
  let inline: Setting | null = null;
  let target: Setting | null = null;
  const cacheFrom: CacheEntry[] = [];
  const cacheTo: CacheEntry[] = [];
  const buildArgs: BuildArg[] = [];
  const tags: Setting[] = [];
  const push: PushSignal[] = [];
  let noCache: Range | null = null;
  for (const { key: k, pair: p } of entries) {
    switch (k) {
      case 'context':
        context = one(p);
        break;
      case 'dockerfile':
        dockerfile = one(p);
        break;
      case 'dockerfile_inline':
        inline = one(p);
        break;
      case 'target':
        target = one(p);
        break;
      case 'cache_from':
        cacheFrom.push(...list(p).map(cacheEntry));
        break;
      case 'cache_to':
        cacheTo.push(...list(p).map(cacheEntry));
        break;
      case 'tags':
        tags.push(...list(p));
        break;
      case 'no_cache':
        if (isScalar(deref(doc, p.value)) && /^true$/i.test(String(scalarText(deref(doc, p.value), file.text)))) noCache = pairRange(p);
        break;
      case 'args':
        buildArgs.push(...args(doc, p, file, interpolate, note));
        break;
      case 'x-bake': {
        const xb = asMap(doc, p.value);
        if (xb === null) break;
        for (const q of pairsOf(doc, xb)) {
          switch (keyText(q)) {
            case 'cache-from':
              cacheFrom.push(...list(q).map(cacheEntry));
              break;
            case 'cache-to':
              cacheTo.push(...list(q).map(cacheEntry));
              break;
            case 'tags':
              tags.push(...list(q));
              break;
            case 'no-cache':
              if (/^true$/i.test(String(scalarText(deref(doc, q.value), file.text)))) noCache = pairRange(q);
              break;
            case 'output':
              for (const o of list(q)) {
                if (/(?:^|,)type=registry(?:,|$)/.test(o.value) || (/(?:^|,)type=image(?:,|$)/.test(o.value) && /(?:^|,)push=true(?:,|$)/.test(o.value))) {
                  push.push({ via: 'output', value: true, file, range: o.range });
                }
              }
              break;
          }
        }
        break;
      }
    }
  }
  const imagePair = getPair(doc, svc, 'image');
  let image: Setting | null = null;
  if (imagePair !== null) {
    image = one(imagePair);
    if (image !== null) tags.unshift(image);
  }
  const ctx = contextSetting(context, [projectDir], nameRange);
  let df = dockerfileSetting(dockerfile, ctx, ctx.candidates, nameRange);
  if (inline !== null) df = { ...inline, path: null, candidates: [], defaulted: false, remote: true };
  const inv: BuildInvocation = {
    kind: 'compose-service',
    tool: 'compose',
    file,
    range,
    nameRange,
    name,
    details: image !== null ? { group: name, image } : { group: name },
    context: ctx,
    dockerfile: df,
    target,
    cacheFrom,
    cacheTo,
    buildArgs,
    tags,
    push,
    legacy: [],
    noCache,
    unresolved: unresolved.sort((a, b) => a.range.start - b.range.start),
    runs: [],
  };
  return inv;
}

function args(doc: Document, p: Pair, file: ParseResult['file'], interpolate: Interpolate, note: (s: Setting, k: string) => void): BuildArg[] {
  const out: BuildArg[] = [];
  const v = deref(doc, p.value);
  const m = asMap(doc, v);
  if (m !== null) {
    for (const q of pairsOf(doc, m)) {
      const name = keyText(q);
      const nameRange = nodeRange(q.key);
      if (name === null || nameRange === null) continue;
      const val = deref(doc, q.value);
      const s = val === null || (isScalar(val) && val.value === null) ? null : scalarSetting(val, nameRange, file, interpolate);
      if (s) note(s, 'args');
      out.push({ name, nameRange, value: s, range: pairRange(q) ?? nameRange });
    }
    return out;
  }
  if (isSeq(v)) {
    for (const it of v.items) {
      const s = scalarSetting(deref(doc, it), keyRangeOf(p), file, interpolate);
      if (s === null) continue;
      note(s, 'args');
      out.push(buildArgFromLine(s));
    }
  }
  return out;
}

/** Reads a `.env` file (`NAME=value` lines, `#` comments, optional quotes, `export ` prefix) into an environment. */
export function readDotEnv(text: string, env: Env = new Map()): Env {
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m === null) continue;
    let v = m[2];
    if (/^"[\s\S]*"$/.test(v) || /^'[\s\S]*'$/.test(v)) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, '');
    if (!env.has(m[1])) env.set(m[1], { value: v, unresolved: [], range: null });
  }
  return env;
}
