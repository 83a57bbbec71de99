import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { initShell, type Range } from '@stowage/core';
import type { Language, Node as TsNode, Parser } from 'web-tree-sitter';

/**
 * HCL for docker-bake.hcl, with the tree-sitter HCL grammar (wasm) on the same web-tree-sitter
 * runtime as the core's shell parser. Loaded on first use: call `await initHcl()` before
 * `parseBakeHcl()`.
 */

let parser: Parser | null = null;
let loading: Promise<void> | null = null;

/** The grammar next to this module (a bundle may copy it there), else from its package. */
function hclWasmPath(): string {
  const beside = fileURLToPath(new URL('./tree-sitter-hcl.wasm', import.meta.url));
  return existsSync(beside) ? beside : createRequire(import.meta.url).resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm');
}

export function initHcl(): Promise<void> {
  if (!loading) {
    loading = (async () => {
      // The core initialises the web-tree-sitter runtime; the HCL grammar loads into the same one.
      // Parser.init() again is a no-op on an initialised runtime, and covers a separate copy of it.
      await initShell();
      const { Parser: TsParser, Language: TsLanguage } = await import('web-tree-sitter');
      await TsParser.init();
      // Bytes, not a path: see the shell parser's load in core.
      const lang: Language = await TsLanguage.load(readFileSync(hclWasmPath()));
      const p = new TsParser();
      p.setLanguage(lang);
      parser = p;
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

export function isHclReady(): boolean {
  return parser !== null;
}

// ---------------------------------------------------------------------------------------------
// A small syntax tree of the parts bake reads, shared with docker-bake.json.

export type HValue =
  /** A string; `parts` are literal text and `${...}` interpolations. */
  | { kind: 'string'; parts: Array<string | HValue>; range: Range }
  | { kind: 'literal'; text: string; range: Range }
  | { kind: 'tuple'; items: HValue[]; range: Range }
  | { kind: 'object'; entries: HEntry[]; range: Range }
  | { kind: 'var'; name: string; range: Range }
  /** Function calls, conditionals, operators, `for` expressions, attribute access: not evaluated. */
  | { kind: 'other'; text: string; range: Range };

export interface HEntry {
  key: string;
  keyRange: Range;
  value: HValue;
  range: Range;
}

export interface HBlock {
  type: string;
  typeRange: Range;
  labels: string[];
  labelRanges: Range[];
  attrs: HEntry[];
  blocks: HBlock[];
  range: Range;
}

export interface HFile {
  attrs: HEntry[];
  blocks: HBlock[];
  /** Syntax errors. */
  errors: Range[];
}

const NOT_READY = 'The HCL parser is not loaded: await initHcl() before parseBakeHcl().';

/** Parses HCL text; never throws on input (syntax errors are listed in `errors`). */
export function parseHcl(text: string): HFile {
  if (parser === null) throw new Error(NOT_READY);
  const out: HFile = { attrs: [], blocks: [], errors: [] };
  let tree = null;
  try {
    tree = parser.parse(text);
    if (tree === null) {
      out.errors.push({ start: 0, end: text.length });
      return out;
    }
    const root = tree.rootNode;
    if (root.hasError) collectErrors(root, out.errors);
    // After a syntax error the root (or a part of it) is an ERROR node: blocks inside it are still read.
    readBody(root, text, out.attrs, out.blocks);
  } catch {
    out.errors.push({ start: 0, end: text.length });
  } finally {
    tree?.delete();
  }
  return out;
}

function rangeOf(n: TsNode): Range {
  return { start: n.startIndex, end: n.endIndex };
}

function collectErrors(n: TsNode, out: Range[]): void {
  if (out.length > 20) return;
  if (n.type === 'ERROR' || n.isMissing) {
    out.push(rangeOf(n));
    return;
  }
  if (!n.hasError) return;
  for (const c of n.children) if (c) collectErrors(c, out);
}

function readBody(body: TsNode, text: string, attrs: HEntry[], blocks: HBlock[]): void {
  for (const c of body.namedChildren) {
    if (c === null) continue;
    if (c.type === 'body' || c.type === 'ERROR') readBody(c, text, attrs, blocks);
    else if (c.type === 'attribute') {
      const id = c.namedChildren.find((x) => x?.type === 'identifier');
      const ex = c.namedChildren.find((x) => x?.type === 'expression');
      if (!id || !ex) continue;
      attrs.push({ key: id.text, keyRange: rangeOf(id), value: readExpr(ex, text), range: rangeOf(c) });
    } else if (c.type === 'block') {
      const kids = c.namedChildren.filter((x): x is TsNode => x !== null);
      const typeNode = kids[0];
      if (!typeNode || typeNode.type !== 'identifier') continue;
      const b: HBlock = { type: typeNode.text, typeRange: rangeOf(typeNode), labels: [], labelRanges: [], attrs: [], blocks: [], range: rangeOf(c) };
      for (const k of kids.slice(1)) {
        if (k.type === 'string_lit') {
          b.labels.push(unescapeLiteral(k.namedChildren.filter((x) => x?.type === 'template_literal').map((x) => x!.text).join('')));
          b.labelRanges.push(rangeOf(k));
        } else if (k.type === 'identifier') {
          b.labels.push(k.text);
          b.labelRanges.push(rangeOf(k));
        } else if (k.type === 'body') readBody(k, text, b.attrs, b.blocks);
      }
      blocks.push(b);
    }
  }
}

function readExpr(n: TsNode, text: string): HValue {
  const range = rangeOf(n);
  let node = n;
  // `expression` wraps one child; more children mean attribute access / indexing / splats.
  while (node.type === 'expression' || node.type === 'literal_value' || node.type === 'collection_value' || node.type === 'template_expr') {
    const kids = node.namedChildren.filter((x): x is TsNode => x !== null);
    if (kids.length !== 1) return { kind: 'other', text: text.slice(range.start, range.end), range };
    node = kids[0];
  }
  switch (node.type) {
    case 'string_lit':
    case 'quoted_template':
    case 'heredoc_template':
      return readTemplate(node, text, range);
    case 'numeric_lit':
    case 'bool_lit':
    case 'null_lit':
      return { kind: 'literal', text: node.text, range };
    case 'variable_expr': {
      const id = node.namedChildren[0];
      return id ? { kind: 'var', name: id.text, range } : { kind: 'other', text: node.text, range };
    }
    case 'tuple': {
      const items: HValue[] = [];
      for (const c of node.namedChildren) if (c?.type === 'expression') items.push(readExpr(c, text));
      return { kind: 'tuple', items, range };
    }
    case 'object': {
      const entries: HEntry[] = [];
      for (const c of node.namedChildren) {
        if (c?.type !== 'object_elem') continue;
        const k = c.childForFieldName('key');
        const v = c.childForFieldName('val');
        if (!k || !v) continue;
        const kv = readExpr(k, text);
        const key = kv.kind === 'var' ? kv.name : kv.kind === 'string' && kv.parts.every((p) => typeof p === 'string') ? kv.parts.join('') : null;
        if (key === null) continue;
        entries.push({ key, keyRange: rangeOf(k), value: readExpr(v, text), range: rangeOf(c) });
      }
      return { kind: 'object', entries, range };
    }
  }
  return { kind: 'other', text: text.slice(range.start, range.end), range };
}

function readTemplate(node: TsNode, text: string, range: Range): HValue {
  const parts: Array<string | HValue> = [];
  if (node.type === 'heredoc_template') return readHeredoc(node, text, range);
  for (const c of node.namedChildren) {
    if (c === null) continue;
    if (c.type === 'template_literal') parts.push(unescapeLiteral(c.text));
    else if (c.type === 'template_interpolation') parts.push(interpolation(c, text));
    else if (c.type === 'template_directive') parts.push({ kind: 'other', text: c.text, range: rangeOf(c) });
  }
  return { kind: 'string', parts, range };
}

function interpolation(c: TsNode, text: string): HValue {
  const ex = c.namedChildren.find((x) => x?.type === 'expression');
  return ex ? readExpr(ex, text) : { kind: 'other', text: c.text, range: rangeOf(c) };
}

/** `<<EOT ... EOT` (and `<<-EOT`, dedented): the text between the marker lines, line breaks included. */
function readHeredoc(node: TsNode, text: string, range: Range): HValue {
  const kids = node.namedChildren.filter((x): x is TsNode => x !== null);
  const ids = kids.filter((k) => k.type === 'heredoc_identifier');
  const open = ids[0];
  const close = ids.length > 1 ? ids[ids.length - 1] : null;
  if (open === undefined) return { kind: 'other', text: node.text, range };
  const nl = text.indexOf('\n', open.endIndex);
  const start = nl < 0 ? open.endIndex : nl + 1;
  const end = close !== null ? text.lastIndexOf('\n', close.startIndex - 1) + 1 : node.endIndex;
  const parts: Array<string | HValue> = [];
  let pos = start;
  for (const k of kids) {
    if (k.type !== 'template_interpolation' && k.type !== 'template_directive') continue;
    if (k.startIndex < start || k.endIndex > end) continue;
    if (k.startIndex > pos) parts.push(heredocText(text.slice(pos, k.startIndex)));
    parts.push(k.type === 'template_interpolation' ? interpolation(k, text) : { kind: 'other', text: k.text, range: rangeOf(k) });
    pos = k.endIndex;
  }
  if (end > pos) parts.push(heredocText(text.slice(pos, end)));
  if (/^<<-/.test(node.text)) {
    // Indented heredoc: remove the common leading white space of the literal lines.
    const lits = parts.filter((p): p is string => typeof p === 'string').join('');
    const indents = lits.split('\n').filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
    const n = indents.length > 0 ? Math.min(...indents) : 0;
    if (n > 0) {
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i];
        if (typeof p === 'string') parts[i] = p.replace(new RegExp(`(^|\n)[ \t]{1,${n}}`, 'g'), '$1');
      }
    }
  }
  return { kind: 'string', parts, range };
}

function heredocText(s: string): string {
  return s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

function unescapeLiteral(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{/g, (m, e: string | undefined) => {
    if (m === '$${') return '${';
    if (m === '%%{') return '%{';
    switch (e?.[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'u':
      case 'U':
        return String.fromCodePoint(parseInt(e.slice(1), 16));
      default:
        return e ?? m;
    }
  });
}
