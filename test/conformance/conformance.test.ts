import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchema, initShell, lint, ruleInfo, type AnyRule } from '@stowage/core';
import { lintRepositoryFiles, type AnyBuildRule } from '@stowage/builds';
import { beforeAll, describe, expect, it } from 'vitest';
// Plain JS shared with scripts/gen.mjs, so the test checks exactly what the generator writes.
import * as docs from '../../scripts/lib/rule-docs.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const rulesDir = join(root, 'rules');
const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : null);
const STALE = 'is stale: run `pnpm gen`';

const folders: string[] = readdirSync(rulesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && docs.isRuleFolder(d.name))
  .map((d) => d.name)
  .sort();

// Every folder's rule, imported from its own file so a rule missing from list.ts is still checked.
const rules = new Map<string, AnyRule>();
for (const id of folders) {
  if (existsSync(join(rulesDir, id, 'rule.ts'))) rules.set(id, (await import(`../../rules/${id}/rule.ts`)).default as AnyRule);
}

beforeAll(() => initShell());

describe('rule folders', () => {
  it.each(folders)('%s has rule.ts, README.md and rule.test.ts', (id) => {
    const missing = ['rule.ts', 'README.md', 'rule.test.ts'].filter((f) => !existsSync(join(rulesDir, id, f)));
    expect(missing, `rules/${id} lacks ${missing.join(', ')}`).toEqual([]);
  });

  it.each(folders)('%s: meta.id matches the folder', (id) => {
    expect(rules.get(id)?.meta.id).toBe(id);
  });

  it('ids are unique', () => {
    const ids = [...rules.values()].map((r) => r.meta.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it.each(folders)('%s: README follows the template', (id) => {
    expect(docs.readmeProblems(id, read(join(rulesDir, id, 'README.md')) ?? '')).toEqual([]);
  });
});

describe('generated files', () => {
  it('rules/list.ts is current', () => {
    const ids = folders.filter((id) => rules.has(id));
    expect(read(join(rulesDir, 'list.ts')), `rules/list.ts ${STALE}`).toBe(docs.renderList(ids));
  });

  it.each(folders)('docs/rules/%s.md is current', (id) => {
    const rule = rules.get(id)!;
    const expected = docs.renderRuleDoc(rule.meta, read(join(rulesDir, id, 'README.md')) ?? `# ${id}\n`);
    expect(read(join(root, 'docs', 'rules', `${id}.md`)), `docs/rules/${id}.md ${STALE}`).toBe(expected);
  });

  it('docs/stowage.schema.json is current', () => {
    const expected = docs.renderSchema(configJsonSchema([...rules.values()].map(ruleInfo)));
    expect(read(join(root, 'docs', 'stowage.schema.json')), `docs/stowage.schema.json ${STALE}`).toBe(expected);
  });

  it('docs/rules/README.md is current', () => {
    const expected = docs.renderRulesIndex([...rules.values()].map((r) => r.meta));
    expect(read(join(root, 'docs', 'rules', 'README.md')), `docs/rules/README.md ${STALE}`).toBe(expected);
  });
});

describe('README examples', () => {
  for (const id of folders) {
    const rule = rules.get(id);
    const readme = read(join(rulesDir, id, 'README.md'));
    if (!rule || !readme) continue;
    const examples = docs.readmeExamples(readme);
    describe(id, () => {
      it('has at least one invalid and one valid example', () => {
        expect(examples.filter((e) => e.kind === 'invalid').length).toBeGreaterThan(0);
        expect(examples.filter((e) => e.kind === 'valid').length).toBeGreaterThan(0);
      });
      const isBuildRule = rule.meta.appliesTo === 'builds';
      for (const ex of examples) {
        it(`${ex.kind} example at README.md:${ex.line}`, async () => {
          const options = { ...(rule.options?.defaults ?? {}), ...(ex.options ?? {}) };
          let found: string[];
          if (isBuildRule) {
            expect(ex.files, 'a build rule\'s example names its files (```yaml invalid file=compose.yaml, then ```dockerfile file=Dockerfile)').toBeDefined();
            const result = await lintRepositoryFiles(ex.files!, [{ rule: rule as unknown as AnyBuildRule, severity: 'error', options }]);
            expect(result.problems.map((p) => p.message), 'the example files must load without problems').toEqual([]);
            found = result.findings.map((f) => `${f.diagnostic.internal ? 'internal' : f.diagnostic.ruleId}: ${f.file}: ${f.diagnostic.message}`);
          } else {
            expect(ex.files, 'file= examples are for build rules; a Dockerfile rule uses ```dockerfile valid|invalid').toBeUndefined();
            found = lint(ex.code, { rules: [{ rule, severity: 'error', options }] }).diagnostics.map((d) => `${d.ruleId ?? 'syntax'}: ${d.message}`);
          }
          if (ex.kind === 'valid') {
            expect(found, 'a valid example must give no findings').toEqual([]);
          } else {
            expect(found.length, 'an invalid example must give a finding').toBeGreaterThan(0);
            expect(found.filter((f) => !f.startsWith(`${id}: `)), 'an invalid example must give findings of this rule only').toEqual([]);
          }
        });
      }
    });
  }
});
