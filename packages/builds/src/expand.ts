import { dirname, join } from 'node:path';
import type { Range } from '@stowage/core';
import type { InvocationFile } from './model.js';

/** A variable known to a script, job, compose project or bake file. */
export interface EnvVar {
  /** The value as far as it resolved (unresolved references kept as written). */
  value: string;
  unresolved: string[];
  /** Where it is set (for legacy-builder signals), or null. */
  range: Range | null;
  file?: InvocationFile;
}

export type Env = Map<string, EnvVar>;

export interface Expanded {
  value: string;
  unresolved: string[];
}

export function envVar(value: string, range: Range | null = null, unresolved: string[] = [], file?: InvocationFile): EnvVar {
  const v: EnvVar = { value, unresolved, range };
  if (file !== undefined) v.file = file;
  return v;
}

// ---------------------------------------------------------------------------------------------
// Opaque parts: text substituted before the shell sees a word (make variables, `${{ }}`
// expressions) that could not be resolved. They are marked with private-use characters so the
// shell stage copies them through verbatim.

const OPEN = '\uE000';
const CLOSE = '\uE001';

export interface Opaque {
  text: string;
  unresolved: string[];
}

export function opaqueMark(table: Opaque[], text: string, unresolved: string[]): string {
  table.push({ text, unresolved });
  return `${OPEN}${table.length - 1}${CLOSE}`;
}

// ---------------------------------------------------------------------------------------------
// Shell words.

export interface ShellExpandOptions {
  lookup(name: string): EnvVar | undefined;
  /** Opaque parts (see opaqueMark). */
  opaque?: Opaque[];
  /** The script's folder, for `$(dirname "$0")`; null when the script is not a file of its own (CI `run:`). */
  scriptDir?: string | null;
  /** The working directory (for `$PWD`, `$(pwd)`), when known. */
  cwd?: string | null;
  /** The repository root (for `$(git rev-parse --show-toplevel)`), when known. */
  root?: string | null;
}

export interface ShellExpanded extends Expanded {
  /** Fields after word splitting of unquoted expansions (usually one). */
  fields: string[];
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Index just past the `close` matching the `open` bracket at `at` (quotes and nesting followed), or -1. */
function closeBracket(s: string, at: number, open: string, close: string): number {
  let depth = 0;
  for (let i = at; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === "'") {
      const j = s.indexOf("'", i + 1);
      if (j < 0) return -1;
      i = j;
    } else if (c === '"') {
      i = closeQuote(s, i);
      if (i < 0) return -1;
    } else if (c === open) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Index just past the `)` closing the `(` at `open`, or -1. */
function closeParen(s: string, open: number): number {
  return closeBracket(s, open, '(', ')');
}

/** Index of the `"` closing the one at `open`, or -1. */
function closeQuote(s: string, open: number): number {
  for (let i = open + 1; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '"') return i;
    else if (c === '$' && s[i + 1] === '(') {
      const j = closeParen(s, i + 1);
      if (j < 0) return -1;
      i = j - 1;
    } else if (c === '`') {
      const j = s.indexOf('`', i + 1);
      if (j < 0) return -1;
      i = j;
    }
  }
  return -1;
}

/** Index just past the `}` closing `${` whose `{` is at `open`, or -1. */
function closeBrace(s: string, open: number): number {
  return closeBracket(s, open, '{', '}');
}

const SELF = String.raw`\$(?:0|\{0\}|\{BASH_SOURCE(?:\[0\])?\}|BASH_SOURCE)`;
const DIRNAME_SELF = new RegExp(String.raw`^\$\(\s*dirname\s+(?:"${SELF}"|${SELF})\s*\)$`);
const CD_DIRNAME_PWD = new RegExp(
  String.raw`^\$\(\s*cd\s+"?\$\(\s*dirname\s+(?:"${SELF}"|${SELF})\s*\)((?:/[^"\s)]*)?)"?\s*(?:&>\s*/dev/null\s*|>\s*/dev/null\s*(?:2>&1\s*)?)?(?:&&|;)\s*pwd(?:\s+-P)?\s*\)$`,
);

/** Value of a command substitution we can know: the script's folder, the working directory, the repository root. */
function knownSubstitution(text: string, o: ShellExpandOptions): string | null {
  if (o.scriptDir) {
    if (DIRNAME_SELF.test(text)) return o.scriptDir;
    const m = CD_DIRNAME_PWD.exec(text);
    if (m) return m[1] ? join(o.scriptDir, m[1]) : o.scriptDir;
  }
  if (o.cwd && /^\$\(\s*pwd(?:\s+-P)?\s*\)$/.test(text)) return o.cwd;
  if (o.root && /^\$\(\s*git\s+rev-parse\s+--show-toplevel\s*\)$/.test(text)) return o.root;
  return null;
}

/**
 * Expands one shell word as the shell would, as far as the variables are known: quotes and escapes
 * removed, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:=default}`, `${VAR:+alt}`
 * followed; other expansions and command substitutions are kept as written and listed as unresolved.
 * Never throws.
 */
export function expandShellWord(raw: string, o: ShellExpandOptions): ShellExpanded {
  const fields: string[] = [];
  const unresolved: string[] = [];
  let cur = '';
  let started = false;
  const endField = () => {
    if (started || cur !== '') fields.push(cur);
    cur = '';
    started = false;
  };
  /** Appends an expansion result: unquoted results are split at whitespace. */
  const appendExpansion = (v: string, dq: boolean) => {
    if (dq) {
      cur += v;
      started = true;
      return;
    }
    for (const ch of v) {
      if (ch === ' ' || ch === '\t' || ch === '\n') {
        if (cur !== '') endField();
      } else cur += ch;
    }
  };
  let dq = false;
  const n = raw.length;
  let i = 0;
  while (i < n) {
    const c = raw[i];
    if (c === OPEN) {
      const end = raw.indexOf(CLOSE, i);
      if (end < 0) {
        cur += c;
        i++;
        continue;
      }
      const part = o.opaque?.[Number(raw.slice(i + 1, end))];
      if (part) {
        cur += part.text;
        unresolved.push(...part.unresolved);
      }
      started = true;
      i = end + 1;
      continue;
    }
    if (!dq && c === "'") {
      const j = raw.indexOf("'", i + 1);
      const end = j < 0 ? n : j;
      cur += raw.slice(i + 1, end);
      started = true;
      i = end + 1;
      continue;
    }
    if (!dq && c === '$' && raw[i + 1] === "'") {
      let j = i + 2;
      let s = '';
      while (j < n && raw[j] !== "'") {
        if (raw[j] === '\\' && j + 1 < n) {
          const e = raw[j + 1];
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          j += 2;
        } else s += raw[j++];
      }
      cur += s;
      started = true;
      i = j + 1;
      continue;
    }
    if (c === '"') {
      dq = !dq;
      started = true;
      i++;
      continue;
    }
    if (c === '\\') {
      const next = raw[i + 1];
      if (next === undefined) {
        cur += c;
        i++;
      } else if (next === '\n') i += 2;
      else if (next === '\r' && raw[i + 2] === '\n') i += 3;
      else if (!dq || next === '$' || next === '`' || next === '"' || next === '\\') {
        cur += next;
        i += 2;
      } else {
        cur += c;
        i++;
      }
      continue;
    }
    if (c === '`') {
      const j = raw.indexOf('`', i + 1);
      const end = j < 0 ? n : j + 1;
      const text = raw.slice(i, end);
      unresolved.push(text);
      cur += text;
      started = true;
      i = end;
      continue;
    }
    if (c === '$') {
      const r = expandDollar(raw, i, o, unresolved);
      if (r === null) {
        cur += c;
        i++;
        continue;
      }
      appendExpansion(r.value, dq);
      i = r.end;
      continue;
    }
    if (!dq && (c === ' ' || c === '\t' || c === '\n')) {
      endField();
      i++;
      continue;
    }
    cur += c;
    i++;
  }
  endField();
  return { fields, value: fields.join(' '), unresolved };
}

/** Expands the `$` at `i`: null when it is a literal `$`. Unresolved references are kept as written. */
function expandDollar(raw: string, i: number, o: ShellExpandOptions, unresolved: string[]): { value: string; end: number } | null {
  const next = raw[i + 1];
  if (next === undefined) return null;
  const keep = (end: number) => {
    const text = raw.slice(i, end);
    unresolved.push(text);
    return { value: text, end };
  };
  if (next === '(') {
    const end = closeParen(raw, i + 1);
    if (end < 0) return keep(raw.length);
    const text = raw.slice(i, end);
    const known = raw[i + 2] === '(' ? null : knownSubstitution(text, o);
    if (known !== null) return { value: known, end };
    return keep(end);
  }
  if (next === '{') {
    const end = closeBrace(raw, i + 1);
    if (end < 0) return keep(raw.length);
    const inner = raw.slice(i + 2, end - 1);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-=+?])([\s\S]*))?$/.exec(inner);
    if (m === null) return keep(end);
    const [, name, colon, op, word] = m;
    const v = lookupVar(name, o);
    if (op === undefined) {
      if (v === undefined) return keep(end);
      unresolved.push(...v.unresolved);
      return { value: v.value, end };
    }
    const isSet = v !== undefined && (colon === '' || v.value !== '' || v.unresolved.length > 0);
    if (op === '-' || op === '=' || op === '?') {
      if (isSet) {
        unresolved.push(...v!.unresolved);
        return { value: v!.value, end };
      }
      if (op === '?') return keep(end);
      const d = expandShellWord(`"${word}"`, o);
      unresolved.push(...d.unresolved);
      return { value: d.value, end };
    }
    // `+`: the alternative when set.
    if (v === undefined) return keep(end);
    if (!isSet) return { value: '', end };
    const d = expandShellWord(`"${word}"`, o);
    unresolved.push(...d.unresolved);
    return { value: d.value, end };
  }
  if (NAME_START.test(next)) {
    let j = i + 2;
    while (j < raw.length && NAME_CHAR.test(raw[j])) j++;
    const name = raw.slice(i + 1, j);
    const v = lookupVar(name, o);
    if (v === undefined) return keep(j);
    unresolved.push(...v.unresolved);
    return { value: v.value, end: j };
  }
  if (/[0-9@*#?$!-]/.test(next)) return keep(i + 2);
  return null;
}

function lookupVar(name: string, o: ShellExpandOptions): EnvVar | undefined {
  const v = o.lookup(name);
  if (v !== undefined) return v;
  if (name === 'PWD' && o.cwd) return envVar(o.cwd);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Compose interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`,
// `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, `$$` for a literal `$`.

export function expandCompose(s: string, lookup: (name: string) => EnvVar | undefined): Expanded {
  const unresolved: string[] = [];
  let out = '';
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const end = braceEnd(s, i + 1);
      if (end < 0) {
        out += s.slice(i);
        unresolved.push(s.slice(i));
        break;
      }
      const inner = s.slice(i + 2, end - 1);
      const text = s.slice(i, end);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([\s\S]*))?$/.exec(inner);
      if (m === null) {
        out += text;
        unresolved.push(text);
      } else {
        const [, name, colon, op, word] = m;
        const v = lookup(name);
        const isSet = v !== undefined && (colon === '' || v.value !== '' || v.unresolved.length > 0);
        if (op === undefined || op === '?') {
          if (v !== undefined && (op === undefined || isSet)) {
            out += v.value;
            unresolved.push(...v.unresolved);
          } else {
            out += text;
            unresolved.push(text);
          }
        } else if (op === '-') {
          if (isSet) {
            out += v!.value;
            unresolved.push(...v!.unresolved);
          } else {
            const d = expandCompose(word, lookup);
            out += d.value;
            unresolved.push(...d.unresolved);
          }
        } else if (v === undefined) {
          out += text;
          unresolved.push(text);
        } else if (isSet) {
          const d = expandCompose(word, lookup);
          out += d.value;
          unresolved.push(...d.unresolved);
        }
      }
      i = end;
      continue;
    }
    if (next !== undefined && NAME_START.test(next)) {
      let j = i + 2;
      while (j < n && NAME_CHAR.test(s[j])) j++;
      const name = s.slice(i + 1, j);
      const v = lookup(name);
      if (v === undefined) {
        out += s.slice(i, j);
        unresolved.push(s.slice(i, j));
      } else {
        out += v.value;
        unresolved.push(...v.unresolved);
      }
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  return { value: out, unresolved };
}

/** Index just past the `}` matching the `{` at `open` (nested `${...}` followed), or -1. */
function braceEnd(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// GitHub Actions expressions: `${{ env.NAME }}` / `${{ env['NAME'] }}` resolve from the workflow,
// job and step `env:` when the value there is static, and `known` expressions (`github.workspace`)
// to their value; every other expression is unresolved.

const GH_ENV = /^\s*env(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'([^']+)'\s*\])\s*$/;

export function expandGithub(s: string, env: Env | null, opaque?: Opaque[], known?: ReadonlyMap<string, string>): Expanded {
  if (s.indexOf('${{') < 0) return { value: s, unresolved: [] };
  const unresolved: string[] = [];
  let out = '';
  let i = 0;
  for (;;) {
    const start = s.indexOf('${{', i);
    if (start < 0) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, start);
    const close = s.indexOf('}}', start + 3);
    const end = close < 0 ? s.length : close + 2;
    const text = s.slice(start, end);
    const expr = close < 0 ? '' : s.slice(start + 3, close);
    const m = close < 0 ? null : GH_ENV.exec(expr);
    const fixed = known?.get(expr.trim());
    const v = fixed !== undefined ? envVar(fixed) : m !== null && env !== null ? env.get(m[1] ?? m[2]) : undefined;
    if (v !== undefined && v.unresolved.length === 0) out += v.value;
    else {
      const un = v !== undefined ? v.unresolved : [text];
      const shown = v !== undefined ? v.value : text;
      unresolved.push(...un);
      out += opaque ? opaqueMark(opaque, shown, un) : shown;
    }
    i = end;
  }
  return { value: out, unresolved };
}

// ---------------------------------------------------------------------------------------------
// Make: `$(VAR)`, `${VAR}`, `$V`, `$$`.

export interface MakeVar {
  /** Recursive (`=`) values are expanded when used; simple (`:=`) ones were expanded when set. */
  value: string;
  simple: boolean;
  /** Where it is set. */
  range: Range | null;
}

export interface MakeExpandContext {
  vars: Map<string, MakeVar>;
  /** The Makefile's folder: `$(CURDIR)`. */
  dir: string;
  opaque: Opaque[];
}

/**
 * Expands make references in `s`; references that cannot be resolved (environment variables,
 * `$(shell ...)`, functions) become opaque marks. `$$` gives `$` (with `keepDollar`, stays `$$`).
 */
export function expandMake(s: string, ctx: MakeExpandContext, depth = 0, keepDollar = false): Expanded {
  const unresolved: string[] = [];
  let out = '';
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === undefined) {
      out += c;
      break;
    }
    if (next === '$') {
      out += keepDollar ? '$$' : '$';
      i += 2;
      continue;
    }
    let name: string;
    let end: number;
    if (next === '(' || next === '{') {
      const closeCh = next === '(' ? ')' : '}';
      let d = 0;
      end = -1;
      for (let j = i + 1; j < n; j++) {
        if (s[j] === next) d++;
        else if (s[j] === closeCh) {
          d--;
          if (d === 0) {
            end = j + 1;
            break;
          }
        }
      }
      if (end < 0) {
        out += s.slice(i);
        unresolved.push(s.slice(i));
        break;
      }
      name = s.slice(i + 2, end - 1);
    } else {
      name = next;
      end = i + 2;
    }
    const text = s.slice(i, end);
    const value = makeRef(name, ctx, depth, unresolved);
    if (value === null) {
      unresolved.push(text);
      out += opaqueMark(ctx.opaque, text, [text]);
    } else out += value;
    i = end;
  }
  return { value: out, unresolved };
}

function makeRef(name: string, ctx: MakeExpandContext, depth: number, unresolved: string[]): string | null {
  if (depth > 20) return null;
  if (name === 'CURDIR') return ctx.dir;
  if (name === 'MAKE') return 'make';
  const fn = /^(strip|abspath|realpath|dir|notdir)\s+([\s\S]*)$/.exec(name);
  if (fn) {
    const arg = expandMake(fn[2], ctx, depth + 1);
    if (arg.unresolved.length > 0) return null;
    const v = arg.value.trim();
    switch (fn[1]) {
      case 'strip':
        return v.replace(/\s+/g, ' ');
      case 'abspath':
      case 'realpath':
        return v.startsWith('/') ? v : join(ctx.dir, v);
      case 'dir':
        return v.endsWith('/') ? v : v.includes('/') ? `${dirname(v)}/` : './';
      case 'notdir':
        return v.slice(v.lastIndexOf('/') + 1);
    }
  }
  if (!/^[A-Za-z_.][A-Za-z0-9_.-]*$/.test(name)) return null;
  const v = ctx.vars.get(name);
  if (v === undefined) return null;
  if (v.simple) return v.value;
  const r = expandMake(v.value, ctx, depth + 1);
  unresolved.push(...r.unresolved);
  return r.value;
}
