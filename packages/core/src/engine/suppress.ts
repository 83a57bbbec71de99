import type { DockerfileAst } from '../syntax/ast.js';
import type { Range } from '../text.js';
import type { AnyRule, Diagnostic, Severity } from './types.js';

type Scope = 'next' | 'block' | 'file';

interface Suppression {
  /** Which comment said it. */
  origin: 'stowage' | 'hadolint' | 'buildkit';
  scope: Scope;
  /** Rule ids it covers; null means every rule. */
  rules: Set<string> | null;
  /** What was written for each rule id, to report unused entries by the user's words. */
  written: Map<string, string>;
  range: Range;
  /** Offsets the suppression covers. */
  covers: Range;
  used: Set<string>;
  usedAny: boolean;
}

export interface SuppressionResult {
  kept: Diagnostic[];
  suppressed: Diagnostic[];
  /** Problems with the directives themselves: unknown rule names, unused directives. */
  problems: Diagnostic[];
}

const STOWAGE = /^stowage-(disable-next-line|disable-file|disable|enable)(?=\s|$)(.*)$/s;
const HADOLINT = /^hadolint\s+(global\s+)?ignore\s*=\s*(.*)$/i;

/** Key under which aliasMap lists every rule with a BuildKit equivalent (for `check=skip=all`). */
const BUILDKIT_ALL = ' buildkit:all';

/** Maps a rule id or an alias (hadolint code, BuildKit check name) to rule ids. */
export function aliasMap(rules: readonly AnyRule[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const add = (key: string, id: string) => {
    const list = map.get(key) ?? [];
    if (!list.includes(id)) list.push(id);
    map.set(key, list);
  };
  for (const rule of rules) {
    add(rule.meta.id, rule.meta.id);
    for (const s of rule.meta.sources) {
      add(s.code.toLowerCase(), rule.meta.id);
      if (s.tool === 'buildkit') add(BUILDKIT_ALL, rule.meta.id);
    }
  }
  return map;
}

/**
 * Applies in-file suppressions: `# stowage-disable-next-line a, b -- why`, `# stowage-disable a`
 * ... `# stowage-enable a`, `# stowage-disable-file a`, hadolint's `# hadolint ignore=DL3006` and
 * `# hadolint global ignore=...`, and BuildKit's `# check=skip=Name` directive.
 */
export function applySuppressions(
  ast: DockerfileAst,
  diagnostics: Diagnostic[],
  aliases: Map<string, string[]>,
  reportUnused: Severity,
): SuppressionResult {
  const problems: Diagnostic[] = [];
  const list: Suppression[] = [];
  const open = new Map<string, Suppression>();
  const end = ast.text.length;
  const instructions = ast.instructions;
  const nextInstructionRange = (after: number): Range => {
    // Binary search: files with thousands of comments must not cost comments x instructions.
    let lo = 0;
    let hi = instructions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (instructions[mid].range.start >= after) hi = mid;
      else lo = mid + 1;
    }
    return lo < instructions.length ? instructions[lo].range : { start: end, end };
  };
  const resolve = (names: string[], range: Range, warnUnknown: boolean): { ids: Set<string> | null; written: Map<string, string> } => {
    const written = new Map<string, string>();
    if (names.length === 0) return { ids: null, written };
    const ids = new Set<string>();
    for (const name of names) {
      const found = aliases.get(name) ?? aliases.get(name.toLowerCase());
      if (!found) {
        if (warnUnknown) problems.push(problem(`Unknown rule '${name}' in suppression comment.`, range, 'warn'));
        continue;
      }
      for (const id of found) {
        ids.add(id);
        if (!written.has(id)) written.set(id, name);
      }
    }
    return { ids, written };
  };
  const add = (origin: Suppression['origin'], scope: Scope, ids: Set<string> | null, written: Map<string, string>, range: Range, covers: Range) => {
    const s: Suppression = { origin, scope, rules: ids, written, range, covers, used: new Set(), usedAny: false };
    list.push(s);
    return s;
  };

  for (const c of ast.comments) {
    const m = STOWAGE.exec(c.text);
    if (m) {
      const kind = m[1];
      const body = m[2].split(/\s--\s|\s--$/)[0];
      const names = body.split(/[\s,]+/).filter(Boolean);
      const { ids, written } = resolve(names, c.range, true);
      if (names.length > 0 && ids && ids.size === 0) continue;
      if (kind === 'disable-next-line') add('stowage', 'next', ids, written, c.range, nextInstructionRange(c.range.end));
      else if (kind === 'disable-file') add('stowage', 'file', ids, written, c.range, { start: 0, end });
      else if (kind === 'disable') {
        for (const key of ids ? [...ids] : ['*']) {
          const s = add('stowage', 'block', key === '*' ? null : new Set([key]), written, c.range, { start: c.range.end, end });
          open.set(key, s);
        }
      } else {
        for (const key of ids ? [...ids] : [...open.keys()]) {
          const s = open.get(key);
          if (s) {
            s.covers = { start: s.covers.start, end: c.range.start };
            open.delete(key);
          }
        }
      }
      continue;
    }
    const h = HADOLINT.exec(c.text);
    if (h) {
      const names = h[2].split(/[\s,]+/).filter(Boolean);
      const { ids, written } = resolve(names, c.range, false);
      if (!ids || ids.size === 0) continue;
      add('hadolint', h[1] ? 'file' : 'next', ids, written, c.range, h[1] ? { start: 0, end } : nextInstructionRange(c.range.end));
    }
  }
  for (const d of ast.directives) {
    if (d.name !== 'check') continue;
    for (const part of d.value.split(';')) {
      const [key, value = ''] = part.split('=', 2).map((x) => x.trim());
      if (key.toLowerCase() !== 'skip') continue;
      const names = value.split(',').map((x) => x.trim()).filter(Boolean);
      if (names.some((n) => n.toLowerCase() === 'all')) {
        add('buildkit', 'file', new Set(aliases.get(BUILDKIT_ALL) ?? []), new Map(), d.range, { start: 0, end });
        continue;
      }
      const { ids, written } = resolve(names, d.range, false);
      if (ids && ids.size > 0) add('buildkit', 'file', ids, written, d.range, { start: 0, end });
    }
  }

  const kept: Diagnostic[] = [];
  const suppressed: Diagnostic[] = [];
  // Sweep diagnostics and suppressions by position, keeping only the suppressions that cover the
  // current position: linear in both, however many there are.
  const byStart = [...list].sort((a, b) => a.covers.start - b.covers.start);
  const ordered = diagnostics.map((d, i) => ({ d, i })).sort((a, b) => a.d.range.start - b.d.range.start || a.i - b.i);
  const isSuppressed = new Array<boolean>(diagnostics.length).fill(false);
  let active: Suppression[] = [];
  let next = 0;
  for (const { d: diag, i } of ordered) {
    const at = diag.range.start;
    while (next < byStart.length && byStart[next].covers.start <= at) active.push(byStart[next++]);
    active = active.filter((s) => s.covers.end >= at);
    if (diag.ruleId === null || diag.fatal) continue;
    for (const s of active) {
      if (s.rules && !s.rules.has(diag.ruleId)) continue;
      s.usedAny = true;
      s.used.add(diag.ruleId);
      isSuppressed[i] = true;
    }
  }
  diagnostics.forEach((d, i) => (isSuppressed[i] ? suppressed : kept).push(d));

  if (reportUnused !== 'off') {
    for (const s of list) {
      if (s.origin !== 'stowage') continue;
      const what = s.scope === 'next' ? 'stowage-disable-next-line' : s.scope === 'file' ? 'stowage-disable-file' : 'stowage-disable';
      if (!s.rules) {
        if (!s.usedAny) problems.push(problem(`Unused ${what} directive (no problems were reported here).`, s.range, reportUnused));
        continue;
      }
      for (const id of s.rules) {
        if (!s.used.has(id)) problems.push(problem(`Unused ${what} directive (no problems from '${s.written.get(id) ?? id}' were reported here).`, s.range, reportUnused));
      }
    }
  }
  return { kept, suppressed, problems };
}

function problem(message: string, range: Range, severity: Severity): Diagnostic {
  return { ruleId: null, messageId: null, message, severity: severity === 'off' ? 'warn' : severity, range };
}
