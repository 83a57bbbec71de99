import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initShell } from '@stowage/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initHcl } from './hcl.js';
import type { ParseResult } from './model.js';
import { parseBakeHcl } from './sources/bake.js';
import { parseCompose } from './sources/compose.js';
import { parseGithubWorkflow } from './sources/github.js';
import { parseGitlabCi } from './sources/gitlab.js';
import { parseMakefile } from './sources/makefile.js';
import { parseShellScript } from './sources/shell.js';

const SHOP = fileURLToPath(new URL('../test-fixtures/shop/', import.meta.url));

beforeAll(async () => {
  await initShell();
  await initHcl();
});

const parsers: Array<[string, (text: string, path: string) => ParseResult]> = [
  ['docker-compose.yml', parseCompose],
  ['ci/build.sh', parseShellScript],
  ['Makefile', parseMakefile],
  ['.github/workflows/images.yml', parseGithubWorkflow],
  ['.gitlab-ci.yml', parseGitlabCi],
  ['docker-bake.hcl', parseBakeHcl],
];

describe('truncated and mangled files never throw', () => {
  it.each(parsers)('%s', (name, parse) => {
    const text = readFileSync(SHOP + name, 'utf8');
    const path = SHOP + name;
    for (let cut = 0; cut <= text.length; cut += 13) {
      const variants = [text.slice(0, cut), text.slice(cut), `${text.slice(0, cut)}"{[(\`$\${{${text.slice(cut)}`];
      for (const v of variants) {
        const r = parse(v, path);
        for (const inv of [...r.invocations]) {
          for (const s of [inv.range, inv.nameRange, inv.context.range, inv.dockerfile.range]) {
            expect(s.start).toBeGreaterThanOrEqual(0);
            expect(s.end).toBeLessThanOrEqual(v.length);
            expect(s.start).toBeLessThanOrEqual(s.end);
          }
        }
      }
    }
  });
});
