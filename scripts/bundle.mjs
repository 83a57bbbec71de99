// Bundles the CLI (and its worker) into a few files: on Node 20, resolving and loading ~150
// separate modules is most of a one-file run's start-up time.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages/cli');
const out = join(cli, 'dist/bundle');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  entryPoints: { main: join(cli, 'dist/main.js'), worker: join(cli, 'dist/worker.js') },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // CommonJS dependencies (dockerfile-ast) call require() for Node built-ins.
  banner: { js: "import { createRequire as __stowageRequire } from 'node:module'; const require = __stowageRequire(import.meta.url);" },
  // Core loads these on first use with createRequire, which a bundle cannot follow: the CLI
  // package depends on them, so they resolve from the bundle's folder at run time. @stowage/builds
  // imports yaml statically, so that copy is bundled: resolving yaml's files from node_modules at
  // start-up costs more than reading them from the bundle (measured: ~25 ms per run).
  external: ['ajv'],
  logLevel: 'warning',
});

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
