import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { Range } from '@stowage/core';
import type { InvocationFile, Problem } from './model.js';

export type YNode = Node | null;

export interface YamlParsed {
  doc: Document.Parsed;
  problems: Problem[];
}

/** Parses YAML (or JSON) with node ranges; errors become problems. Never throws. */
export function parseYamlFile(file: InvocationFile): YamlParsed | { doc: null; problems: Problem[] } {
  const problems: Problem[] = [];
  let doc: Document.Parsed;
  try {
    doc = parseDocument(file.text, { uniqueKeys: false, prettyErrors: false, strict: false });
  } catch (e) {
    problems.push({ file, range: { start: 0, end: 0 }, message: `Cannot parse YAML: ${(e as Error).message}`, severity: 'error' });
    return { doc: null, problems };
  }
  for (const err of doc.errors) {
    const [start, end] = err.pos ?? [0, 0];
    problems.push({
      file,
      range: { start: Math.min(start, file.text.length), end: Math.min(Math.max(end, start), file.text.length) },
      message: `YAML syntax error: ${firstLine(err.message)}`,
      severity: 'error',
    });
  }
  return { doc, problems };
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

/** Follows aliases (`*anchor`) to the node they name. */
export function deref(doc: Document, node: unknown): YNode {
  let n = node;
  for (let i = 0; i < 8 && isAlias(n); i++) n = n.resolve(doc) ?? null;
  return (n ?? null) as YNode;
}

export function asMap(doc: Document, node: unknown): YAMLMap | null {
  const n = deref(doc, node);
  return isMap(n) ? n : null;
}

export function keyText(pair: Pair): string | null {
  const k = pair.key;
  if (isScalar(k)) return k.value === null ? null : String(k.value);
  return null;
}

/** The pairs of a map in order, with `<<` merge keys expanded (own keys win). */
export function pairsOf(doc: Document, map: YAMLMap, depth = 0): Pair[] {
  const own: Pair[] = [];
  const merged: Pair[] = [];
  for (const p of map.items) {
    if (!isPair(p)) continue;
    const k = keyText(p);
    if (k === '<<' && depth < 8) {
      const v = deref(doc, p.value);
      const sources = isSeq(v) ? v.items : [v];
      for (const s of sources) {
        const m = asMap(doc, s);
        if (m) merged.push(...pairsOf(doc, m, depth + 1));
      }
    } else own.push(p);
  }
  if (merged.length === 0) return own;
  const seen = new Set(own.map((p) => keyText(p)));
  const out = [...own];
  for (const p of merged) {
    const k = keyText(p);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(p);
    }
  }
  return out;
}

export function getPair(doc: Document, map: YAMLMap | null, key: string): Pair | null {
  if (map === null) return null;
  for (const p of pairsOf(doc, map)) if (keyText(p) === key) return p;
  return null;
}

export function get(doc: Document, map: YAMLMap | null, key: string): YNode {
  const p = getPair(doc, map, key);
  return p === null ? null : deref(doc, p.value);
}

export function nodeRange(node: unknown): Range | null {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? { start: r[0], end: r[1] } : null;
}

/** Range of a pair: from its key to the end of its value. */
export function pairRange(pair: Pair): Range | null {
  const k = nodeRange(pair.key);
  const v = nodeRange(pair.value);
  if (k === null) return v;
  return { start: k.start, end: v !== null ? Math.max(v.end, k.end) : k.end };
}

/** A scalar's value as text: strings as they are, other scalars as written in the source. */
export function scalarText(node: YNode, text: string): string | null {
  if (!isScalar(node)) return null;
  const v = (node as Scalar).value;
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  const r = nodeRange(node);
  if (r !== null && (node as Scalar).type === 'PLAIN') return text.slice(r.start, r.end).trim();
  return String(v);
}

/**
 * File offsets of each character of a scalar's value (and one past the end): block scalars lose
 * their indentation, quoted ones their quotes and escapes, folded ones their line breaks. Aligns the
 * value with the source text; characters that cannot be aligned (escape sequences) take the
 * position reached so far.
 */
export function scalarOffsets(node: Scalar, value: string, text: string): Int32Array {
  const r = (node as { range?: [number, number, number] }).range ?? [0, 0, 0];
  let p = r[0];
  const end = Math.max(r[1], r[0]);
  const type = node.type;
  if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') {
    const nl = text.indexOf('\n', p);
    p = nl < 0 || nl >= end ? end : nl + 1;
  } else if (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') p++;
  const map = new Int32Array(value.length + 1);
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    let q = p;
    let others = 0;
    while (q < end && text[q] !== ch) {
      const t = text[q];
      if (t === ' ' || t === '\t' || t === '\n' || t === '\r' || t === '\\' || t === '"' || t === "'") q++;
      else if (others < 6) {
        others++;
        q++;
      } else break;
    }
    if (q < end && text[q] === ch) {
      map[i] = q;
      p = q + 1;
    } else map[i] = p;
  }
  map[value.length] = value.length === 0 ? p : Math.max(map[value.length - 1] + 1, p);
  return map;
}

/** Maps a range of value offsets through `scalarOffsets`. */
export function mapRange(map: Int32Array, start: number, end: number): Range {
  const s = map[Math.min(start, map.length - 1)];
  if (end <= start) return { start: s, end: s };
  return { start: s, end: map[Math.min(end - 1, map.length - 1)] + 1 };
}

/** Lines of a (multi-line) scalar with their file ranges, blank lines and `#` comments skipped when asked. */
export function scalarLines(node: Scalar, value: string, text: string): Array<{ value: string; range: Range }> {
  const map = scalarOffsets(node, value, text);
  const out: Array<{ value: string; range: Range }> = [];
  let i = 0;
  while (i <= value.length) {
    let j = value.indexOf('\n', i);
    if (j < 0) j = value.length;
    let s = i;
    let e = j;
    while (s < e && (value[s] === ' ' || value[s] === '\t')) s++;
    while (e > s && (value[e - 1] === ' ' || value[e - 1] === '\t' || value[e - 1] === '\r')) e--;
    if (e > s) out.push({ value: value.slice(s, e), range: mapRange(map, s, e) });
    i = j + 1;
  }
  return out;
}

export { isMap, isScalar, isSeq, isPair };
