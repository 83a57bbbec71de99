import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AnyRule } from '@stowage/core';
import type { AnyBuildRule } from '@stowage/builds/rule-api';
import { everyRule } from './list.js';

const isBuild = (r: AnyRule | AnyBuildRule): r is AnyBuildRule => r.meta.appliesTo === 'builds';

/** The Dockerfile rules (everything but `meta.appliesTo: 'builds'`), sorted by id. */
export const allRules: readonly AnyRule[] = everyRule.filter((r): r is AnyRule => !isBuild(r));

/** The rules over build invocations (compose files, scripts, CI workflows, bake files), sorted by id. */
export const buildRules: readonly AnyBuildRule[] = everyRule.filter(isBuild);

/** Every rule by id: Dockerfile rules and build rules. */
export const rulesById: ReadonlyMap<string, AnyRule | AnyBuildRule> = new Map(everyRule.map((r) => [r.meta.id, r]));

/** The Dockerfile rules by id (what `lint()` may run). */
export const dockerfileRulesById: ReadonlyMap<string, AnyRule> = new Map(allRules.map((r) => [r.meta.id, r]));

/** The build rules by id (what `lintInvocationFile()` may run). */
export const buildRulesById: ReadonlyMap<string, AnyBuildRule> = new Map(buildRules.map((r) => [r.meta.id, r]));

/** Rules a name stands for: a rule id, or a hadolint/BuildKit code listed in `sources` (case-insensitive). */
export function resolveRuleName(name: string): (AnyRule | AnyBuildRule)[] {
  const direct = rulesById.get(name);
  if (direct) return [direct];
  const lower = name.toLowerCase();
  return everyRule.filter((r) => r.meta.sources.some((s) => s.code.toLowerCase() === lower));
}

/** The rule's README (its documentation), read from the rule's folder. */
export function ruleDocs(id: string): string | null {
  if (!rulesById.has(id)) return null;
  // From the sources (rules/registry.ts), the build (rules/dist/registry.js), a bundle (which has
  // the docs copied into rule-docs/ beside it), or a bundle that resolves this package by name.
  const candidates = [
    new URL(`./${id}/README.md`, import.meta.url),
    new URL(`../${id}/README.md`, import.meta.url),
    new URL(`./rule-docs/${id}.md`, import.meta.url),
  ];
  try {
    candidates.push(new URL(`./${id}/README.md`, pathToFileURL(createRequire(import.meta.url).resolve('@stowage/rules/package.json'))));
  } catch {
    // not resolvable from here: the relative locations are all there is
  }
  for (const url of candidates) {
    try {
      return readFileSync(fileURLToPath(url), 'utf8');
    } catch {
      // try the next location
    }
  }
  return null;
}
