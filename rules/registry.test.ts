import { initShell, lint, type AnyRule } from '@stowage/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { allRules, buildRules, buildRulesById, dockerfileRulesById, everyRule, resolveRuleName, ruleDocs, rulesById } from './index.js';

describe('rule registry', () => {
  beforeAll(() => initShell());

  it('allRules holds the Dockerfile rules only, buildRules the build rules only, together every rule', () => {
    expect(allRules.every((r) => r.meta.appliesTo !== 'builds')).toBe(true);
    expect(buildRules.every((r) => r.meta.appliesTo === 'builds')).toBe(true);
    expect(buildRules.map((r) => r.meta.id)).toEqual([
      'build-cache-from-incomplete',
      'build-legacy-builder',
      'build-secret-in-cached-stage',
      'build-target-missing',
      'build-target-unknown',
    ]);
    expect(allRules.length + buildRules.length).toBe(everyRule.length);
  });

  it('rulesById, resolveRuleName and ruleDocs cover both kinds; the typed maps one each', () => {
    expect(rulesById.get('build-target-unknown')?.meta.appliesTo).toBe('builds');
    expect(rulesById.get('stage-unused')?.meta.id).toBe('stage-unused');
    expect(dockerfileRulesById.has('build-target-unknown')).toBe(false);
    expect(buildRulesById.has('stage-unused')).toBe(false);
    expect(resolveRuleName('build-legacy-builder').map((r) => r.meta.id)).toEqual(['build-legacy-builder']);
    expect(ruleDocs('build-cache-from-incomplete')).toMatch(/^# build-cache-from-incomplete\n/);
  });

  it('lint() skips a build rule handed to it with the Dockerfile rules', () => {
    const rules = [...everyRule].map((rule) => ({ rule: rule as AnyRule, severity: 'warn' as const }));
    const result = lint('FROM alpine AS build\nRUN true\n', { rules });
    expect(result.diagnostics.filter((d) => d.internal).map((d) => d.message)).toEqual([]);
  });
});
