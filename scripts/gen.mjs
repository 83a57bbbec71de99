#!/usr/bin/env node
// Regenerates rules/list.ts, docs/rules/<id>.md and docs/rules/README.md from the rule folders.
// Rule metadata lives in TypeScript, so the rules are built (tsc -b rules) and read from rules/dist.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isRuleFolder, renderList, renderRuleDoc, renderRulesIndex, renderSchema } from './lib/rule-docs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rulesDir = join(root, 'rules');
const docsDir = join(root, 'docs', 'rules');

function write(path, text) {
  const old = existsSync(path) ? readFileSync(path, 'utf8') : null;
  if (old === text) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  console.log(`wrote ${path.slice(root.length + 1)}`);
}

const ids = readdirSync(rulesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && isRuleFolder(d.name) && existsSync(join(rulesDir, d.name, 'rule.ts')))
  .map((d) => d.name)
  .sort();

// The list first: the build needs it to be current.
write(join(rulesDir, 'list.ts'), renderList(ids));

const tsc = join(root, 'node_modules', '.bin', 'tsc');
const build = spawnSync(tsc, ['-b', join(rulesDir, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
if (build.status !== 0) {
  console.error('gen: building the rules failed; fix the errors above and run `pnpm gen` again.');
  process.exit(1);
}

const metas = [];
for (const id of ids) {
  const mod = await import(pathToFileURL(join(rulesDir, 'dist', id, 'rule.js')).href);
  const meta = mod.default.meta;
  metas.push(meta);
  const readmePath = join(rulesDir, id, 'README.md');
  const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : `# ${id}\n`;
  write(join(docsDir, `${id}.md`), renderRuleDoc(meta, readme));
}
write(join(docsDir, 'README.md'), renderRulesIndex(metas));

// The config file's JSON Schema, for editors (`"$schema": ".../docs/stowage.schema.json"`).
const core = await import(pathToFileURL(join(root, 'packages', 'core', 'dist', 'index.js')).href);
const rules = await Promise.all(ids.map(async (id) => (await import(pathToFileURL(join(rulesDir, 'dist', id, 'rule.js')).href)).default));
write(join(root, 'docs', 'stowage.schema.json'), renderSchema(core.configJsonSchema(rules.map(core.ruleInfo))));

// Pages of rules that no longer exist.
for (const file of existsSync(docsDir) ? readdirSync(docsDir) : []) {
  if (file.endsWith('.md') && file !== 'README.md' && !ids.includes(file.slice(0, -3))) {
    rmSync(join(docsDir, file));
    console.log(`removed docs/rules/${file}`);
  }
}
