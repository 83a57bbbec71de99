import type { Diagnostic, Fix, TextEdit } from './types.js';

export interface FixSelection {
  /** Apply unsafe fixes as well as safe ones. */
  unsafe?: boolean;
  /** Only fixes of these rules. */
  ruleIds?: ReadonlySet<string>;
}

/** Picks the fixes to apply from diagnostics. */
export function selectFixes(diagnostics: readonly Diagnostic[], selection: FixSelection = {}): Fix[] {
  const fixes: Fix[] = [];
  for (const d of diagnostics) {
    if (!d.fix || d.ruleId === null) continue;
    if (d.fix.applicability === 'unsafe' && !selection.unsafe) continue;
    if (selection.ruleIds && !selection.ruleIds.has(d.ruleId)) continue;
    fixes.push(d.fix);
  }
  return fixes;
}

/**
 * Applies fixes that neither overlap nor touch one already taken (first by position, as ESLint
 * does); the rest wait for the next pass.
 */
export function applyFixes(text: string, fixes: readonly Fix[]): { text: string; applied: Fix[] } {
  const ordered = fixes
    .filter((f) => f.edits.length > 0)
    .map((f) => ({ fix: f, start: Math.min(...f.edits.map((e) => e.range.start)), end: Math.max(...f.edits.map((e) => e.range.end)) }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const taken: TextEdit[] = [];
  const applied: Fix[] = [];
  let lastEnd = -1;
  for (const f of ordered) {
    if (f.start <= lastEnd) continue;
    applied.push(f.fix);
    taken.push(...f.fix.edits);
    lastEnd = f.end;
  }
  taken.sort((a, b) => b.range.start - a.range.start || b.range.end - a.range.end);
  let out = text;
  for (const e of taken) out = out.slice(0, e.range.start) + e.text + out.slice(e.range.end);
  return { text: out, applied };
}

export interface FixLoopResult<R> {
  output: string;
  /** The lint result of the final text. */
  result: R;
  applied: Fix[];
  passes: number;
}

/** Lints, applies fixes and re-lints until nothing more applies (at most 10 passes). */
export function fixLoop<R extends { diagnostics: Diagnostic[] }>(
  text: string,
  lintText: (text: string) => R,
  selection: FixSelection = {},
): FixLoopResult<R> {
  let current = text;
  let result = lintText(current);
  const applied: Fix[] = [];
  let passes = 0;
  while (passes < 10) {
    const fixes = selectFixes(result.diagnostics, selection);
    if (fixes.length === 0) break;
    const step = applyFixes(current, fixes);
    if (step.applied.length === 0 || step.text === current) break;
    passes++;
    applied.push(...step.applied);
    current = step.text;
    result = lintText(current);
  }
  return { output: current, result, applied, passes };
}
