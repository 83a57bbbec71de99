// Bundles the CLI (and its worker) into one file: on Node 20, resolving and loading ~150 separate
// modules is most of a one-file run's start-up time.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fromDockerfileAst = createRequire(createRequire(join(root, 'packages/core/package.json')).resolve('dockerfile-ast'));
const cli = join(root, 'packages/cli');
const out = join(cli, 'dist/bundle');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// One CommonJS file, run by bin/load-bundle.cjs as a vm.Script with V8's code cache (Node 20 has no
// module compile cache). Its entry runs the command in the main thread and a lint worker in a worker
// thread. Dynamic imports become lazy requires, so what a run does not use is still not evaluated.
const result = await build({
  entryPoints: [join(cli, 'dist/bundle-entry.js')],
  outfile: join(out, 'main.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Code that finds files beside itself (wasm, rule docs, the worker) reads import.meta.url.
  define: { 'import.meta.url': '__stowageBundleUrl', STOWAGE_BUNDLED: 'true' },
  banner: { js: "const __stowageBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  alias: {
    // web-tree-sitter's CommonJS build: its ES module build loads Node modules with import().
    'web-tree-sitter': createRequire(join(root, 'packages/core/package.json')).resolve('web-tree-sitter'),
    // dockerfile-ast (CommonJS) requires these; esbuild would pick their ES module builds, whose
    // exports become getters, so that every `Range.create` in the parser cost a getter call.
    ...Object.fromEntries(['vscode-languageserver-types', 'vscode-languageserver-textdocument'].map((name) => [name, fromDockerfileAst.resolve(name)])),
  },
  // Core loads these on first use with createRequire, which a bundle cannot follow: the CLI
  // package depends on them, so they resolve from the bundle's folder at run time. @stowage/builds
  // imports yaml statically, so that copy is bundled: resolving yaml's files from node_modules at
  // start-up costs more than reading them from the bundle (measured: ~25 ms per run).
  external: ['ajv'],
  logLevel: 'warning',
  metafile: true,
});
// A vm.Script has no loader for import(): the bundle must not keep one that can run. web-tree-sitter
// imports fs/promises to read a grammar given as a path; core and builds pass it the bytes.
const kept = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.kind === 'dynamic-import' && i.path !== 'fs/promises'));
if (kept.length > 0) throw new Error(`the bundle keeps dynamic imports: ${kept.map((i) => i.path).join(', ')}`);
// The parser's dependencies must stay CommonJS (see the aliases above).
const esmBuilds = Object.keys(result.metafile.inputs).filter((p) => /vscode-languageserver-(types|textdocument)\/lib\/esm\//.test(p));
if (esmBuilds.length > 0) throw new Error(`the bundle holds ES module builds that dockerfile-ast reads through getters: ${esmBuilds.join(', ')}`);
// Workers start from this file (pool.ts: ./worker.js beside the code), which loads the bundle the same way.
writeFileSync(join(out, 'worker.cjs'), "'use strict';\nrequire('../../bin/load-bundle.cjs').start([]);\n");

// The shell parser's wasm files are looked up next to the code that loads them.
const core = createRequire(join(root, 'packages/core/package.json'));
copyFileSync(core.resolve('web-tree-sitter/web-tree-sitter.wasm'), join(out, 'web-tree-sitter.wasm'));
copyFileSync(core.resolve('tree-sitter-bash/tree-sitter-bash.wasm'), join(out, 'tree-sitter-bash.wasm'));
// The HCL grammar for docker-bake.hcl, looked up the same way by @stowage/builds.
const builds = createRequire(join(root, 'packages/builds/package.json'));
copyFileSync(builds.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm'), join(out, 'tree-sitter-hcl.wasm'));

// `stowage explain` reads each rule's README; the bundle has no rules/ folder beside it.
const docs = join(out, 'rule-docs');
mkdirSync(docs);
for (const id of readdirSync(join(root, 'rules'))) {
  const readme = join(root, 'rules', id, 'README.md');
  if (!id.startsWith('_') && id !== 'dist' && existsSync(readme)) copyFileSync(readme, join(docs, `${id}.md`));
}
