import type { Range } from '@stowage/core';
import type { Pair, Scalar } from 'yaml';
import { parseCacheSpec } from '../cache.js';
import type { Expanded } from '../expand.js';
import type { BuildArg, CacheEntry, InvocationFile, Setting } from '../model.js';
import { uniq } from '../paths.js';
import { isScalar, nodeRange, scalarLines, scalarText, type YNode } from '../yaml.js';

export type Interpolate = (s: string) => Expanded;

/** A setting from a YAML scalar (range: the scalar as written, quotes included). */
export function scalarSetting(node: YNode, key: Range | null, file: InvocationFile, interpolate: Interpolate): Setting | null {
  if (!isScalar(node)) return null;
  const r = nodeRange(node);
  if (r === null) return null;
  const v = scalarText(node, file.text) ?? '';
  const x = interpolate(v);
  return { raw: file.text.slice(r.start, r.end), value: x.value, range: r, keyRange: key, unresolved: uniq(x.unresolved) };
}

/** One setting per non-blank line of a (block) scalar, each with its own range. */
export function lineSettings(node: YNode, key: Range | null, file: InvocationFile, interpolate: Interpolate): Setting[] {
  if (!isScalar(node)) return [];
  const v = scalarText(node, file.text) ?? '';
  const out: Setting[] = [];
  for (const line of scalarLines(node as Scalar, v, file.text)) {
    if (line.value.startsWith('#')) continue;
    const x = interpolate(line.value);
    out.push({ raw: file.text.slice(line.range.start, line.range.end), value: x.value, range: line.range, keyRange: key, unresolved: uniq(x.unresolved) });
  }
  return out;
}

/**
 * Splits a setting at commas outside quotes (the list inputs of the docker actions that accept
 * `a,b`), each part with its range.
 */
export function splitCommas(s: Setting, interpolate: Interpolate): Setting[] {
  if (!s.value.includes(',')) return [s];
  const out: Setting[] = [];
  const src = s.raw;
  // Find the parts in the raw text of the line (quotes of the scalar itself excluded).
  let q = false;
  let start: number;
  const q0 = src.startsWith('"') || src.startsWith("'") ? 1 : 0;
  const end0 = q0 ? src.length - 1 : src.length;
  const push = (a: number, b: number) => {
    let x = a;
    let y = b;
    while (x < y && /\s/.test(src[x])) x++;
    while (y > x && /\s/.test(src[y - 1])) y--;
    if (y <= x) return;
    let text = src.slice(x, y);
    if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
    const e = interpolate(text);
    out.push({ raw: src.slice(x, y), value: e.value, range: { start: s.range.start + x, end: s.range.start + y }, keyRange: s.keyRange, unresolved: uniq(e.unresolved) });
  };
  start = q0;
  for (let i = q0; i < end0; i++) {
    const c = src[i];
    if (c === '"') q = !q;
    else if (c === ',' && !q) {
      push(start, i);
      start = i + 1;
    }
  }
  push(start, end0);
  return out;
}

export function cacheEntry(s: Setting): CacheEntry {
  return { ...s, spec: parseCacheSpec(s.value) };
}

/** `NAME=value` (or `NAME`) from a setting: the name and value ranges inside it. */
export function buildArgFromLine(s: Setting): BuildArg {
  const v = s.value;
  const eq = v.indexOf('=');
  const q = /^["']/.test(s.raw) ? 1 : 0;
  const rawEq = s.raw.indexOf('=');
  const nameLen = (eq < 0 ? v : v.slice(0, eq)).length;
  const nameRange = { start: s.range.start + q, end: Math.min(s.range.start + q + nameLen, s.range.end) };
  if (eq < 0) return { name: v.trim(), nameRange, value: null, range: s.range };
  const qEnd = q && /["']$/.test(s.raw) ? 1 : 0;
  const valueRange = rawEq >= 0 ? { start: s.range.start + rawEq + 1, end: Math.max(s.range.start + rawEq + 1, s.range.end - qEnd) } : s.range;
  return {
    name: v.slice(0, eq).trim(),
    nameRange,
    value: { raw: rawEq >= 0 ? s.raw.slice(rawEq + 1, s.raw.length - qEnd) : s.raw, value: v.slice(eq + 1), range: valueRange, keyRange: s.keyRange, unresolved: s.unresolved },
    range: s.range,
  };
}

export function keyRangeOf(pair: Pair | null): Range | null {
  return pair === null ? null : nodeRange(pair.key);
}
