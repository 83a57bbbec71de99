// Alternating rounds over the corpus (not a test): this build's CLI, any other builds given, and
// the unpatched dockerfile-ast parse over two workers (the floor), each once per round, so that
// the VM's drift hits them alike. Prints each one's files/s spread and how often this build won.
// `node test/bench/rounds.mjs [rounds] [other-cli-dir...]`, where an other CLI dir is a copy of
// packages/cli (bin/, dist/, package.json) from another build. Needs a build and ../shared/corpus.
// NODE_EXTRA_CA_CERTS is left out, as in bench.mjs.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const corpus = path.resolve(root, '../shared/corpus');
const count = (dir) => readdirSync(dir).reduce((n, name) => n + (statSync(path.join(dir, name)).isDirectory() ? count(path.join(dir, name)) : 1), 0);
const files = count(corpus);
const rounds = Number(process.argv[2] ?? 15);
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;

const lint = (cliDir) => [path.join(cliDir, 'bin/stowage.js'), '--format', 'json', '--no-config', corpus];
const runs = [
  { name: 'this build', args: lint(path.join(root, 'packages/cli')) },
  ...process.argv.slice(3).map((dir) => ({ name: dir, args: lint(path.resolve(dir)) })),
  { name: 'floor (parse only, 2 workers)', args: [fileURLToPath(new URL('./bench.mjs', import.meta.url)), '--peer', 'parse', '2'] },
].map((r) => ({ ...r, rates: [] }));

// One run each first: writes each build's code cache, as any run after the first has it.
for (const r of runs) spawnSync(process.execPath, r.args, { stdio: 'ignore', env, maxBuffer: 1 << 30 });
for (let i = 0; i < rounds; i++) {
  for (const r of runs) {
    const t0 = performance.now();
    spawnSync(process.execPath, r.args, { stdio: 'ignore', env, maxBuffer: 1 << 30 });
    r.rates.push(files / ((performance.now() - t0) / 1000));
  }
}

const at = (a, q) => [...a].sort((x, y) => x - y)[Math.floor(q * (a.length - 1))];
const fmt = (x) => Math.round(x).toLocaleString('en');
console.log(`${files} files, ${rounds} rounds; files/s`);
for (const r of runs) {
  const over = r.rates.filter((x) => x >= 1400).length;
  console.log(`${r.name.padEnd(32)} median ${fmt(at(r.rates, 0.5))}  (${fmt(at(r.rates, 0))}–${fmt(at(r.rates, 1))})  >= 1,400 in ${over} of ${rounds}`);
}
for (const r of runs.slice(1, -1)) {
  console.log(`this build faster than ${r.name} in ${runs[0].rates.filter((x, i) => x > r.rates[i]).length} of ${rounds} rounds`);
}
const floor = runs[runs.length - 1].rates;
const share = runs[0].rates.map((x, i) => (100 * x) / floor[i]);
console.log(`this build / floor, per round: median ${Math.round(at(share, 0.5))}% (${Math.round(at(share, 0))}–${Math.round(at(share, 1))}%)`);
