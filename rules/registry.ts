import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AnyRule } from '@stowage/core';
import { allRules } from './list.js';

export const rulesById: ReadonlyMap<string, AnyRule> = new Map(allRules.map((r) => [r.meta.id, r]));

/** Rules a name stands for: a rule id, or a hadolint/BuildKit code listed in `sources` (case-insensitive). */
export function resolveRuleName(name: string): AnyRule[] {
  const direct = rulesById.get(name);
  if (direct) return [direct];
  const lower = name.toLowerCase();
  return allRules.filter((r) => r.meta.sources.some((s) => s.code.toLowerCase() === lower));
}

/** The rule's README (its documentation), read from the rule's folder. */
export function ruleDocs(id: string): string | null {
  if (!rulesById.has(id)) return null;
  // Works from the sources (rules/registry.ts) and the build (rules/dist/registry.js).
  for (const rel of [`./${id}/README.md`, `../${id}/README.md`]) {
    try {
      return readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8');
    } catch {
      // try the next location
    }
  }
  return null;
}
