// `pnpm bench`: lints the corpus and prints throughput, wall time and peak memory beside peers.
// Needs a build (`pnpm build`) and ../shared/corpus. Figures, not assertions: nothing here fails a build.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const root = fileURLToPath(new URL('../../', import.meta.url));
const corpus = path.resolve(root, '../shared/corpus');
const cli = path.join(root, 'packages/cli/bin/stowage.js');
const cores = availableParallelism();

function listFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/** Runs a command under /usr/bin/time; returns wall seconds and peak RSS in MB. */
function timed(cmd, args, opts = {}) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  const wall = (performance.now() - t0) / 1000;
  const kb = Number(r.stderr.trim().split('\n').pop());
  return { wall, mb: kb / 1024, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function pool(mode, files, workers) {
  const t0 = performance.now();
  const chunks = Array.from({ length: workers }, (_, i) => files.filter((_, j) => j % workers === i));
  const url = new URL('./peer-worker.mjs', import.meta.url);
  await Promise.all(chunks.map((chunk) => new Promise((resolve, reject) => {
    const w = new Worker(url, { workerData: { mode, files: chunk } });
    w.once('message', resolve);
    w.once('error', reject);
  })));
  return (performance.now() - t0) / 1000;
}

const files = listFiles(corpus);
if (process.argv[2] === '--peer') {
  await pool(process.argv[3], files, Number(process.argv[4]));
  process.exit(0);
}
const rows = [];
const row = (name, n, wall, mb, note = '') => rows.push({ name, files: n, wall, rate: n / wall, mb, note });

// stowage: the CLI as a user runs it, recommended rules, all cores.
const s = timed(process.execPath, [cli, '--format', 'json', '--no-config', corpus], { stdio: ['ignore', 'pipe', 'pipe'] });
const linted = JSON.parse(s.stdout).length;
row('stowage (recommended rules, CLI)', linted, s.wall, s.mb, `exit ${s.status}`);

// Peers in one child process each, so peak memory is theirs alone.
const peer = (mode, workers) => timed(process.execPath, [fileURLToPath(import.meta.url), '--peer', mode, String(workers)]);
for (const [name, mode] of [['dockerfile-ast parse only (floor)', 'parse'], ['dockerfile-utils validate', 'utils']]) {
  const r = peer(mode, cores);
  row(`${name}, ${cores} workers`, files.length, r.wall, r.mb);
}

// tally: slow, so a fixed sample of 100 files (every nth, sorted).
const step = Math.floor(files.length / 100);
const sample = files.filter((_, i) => i % step === 0).slice(0, 100);
const tallyBin = path.join(root, 'node_modules/@wharflab/tally-linux-x64/bin/tally');
try {
  const t = timed(tallyBin, ['lint', '--format', 'json', ...sample], { stdio: ['ignore', 'pipe', 'pipe'] });
  const st = timed(process.execPath, [cli, '--format', 'json', '--no-config', ...sample], { stdio: ['ignore', 'pipe', 'pipe'] });
  row('tally 0.45 (100-file sample)', sample.length, t.wall, t.mb, `exit ${t.status}`);
  row('stowage (same 100-file sample)', sample.length, st.wall, st.mb);
} catch (e) {
  rows.push({ name: 'tally', note: `not run: ${e.message}` });
}

// Cold start: one small file, median of 15 runs.
const small = path.join(root, 'examples/Dockerfile');
const runs = [];
for (let i = 0; i < 15; i++) runs.push(timed(process.execPath, [cli, '--no-config', small], { stdio: ['ignore', 'pipe', 'pipe'] }));
runs.sort((a, b) => a.wall - b.wall);
const med = runs[7];

const base = rows[0];
console.log(`corpus: ${files.length} files, ${cores} cores, node ${process.version}\n`);
console.log('tool'.padEnd(46) + 'files'.padStart(6) + 'wall s'.padStart(9) + 'files/s'.padStart(9) + 'peak MB'.padStart(9) + '  vs stowage');
for (const r of rows) {
  if (r.rate === undefined) { console.log(`${r.name.padEnd(46)}${r.note}`); continue; }
  const ratio = r === base ? '' : `  ${(base.rate / r.rate).toFixed(2)}x slower than stowage`.replace(/(\d+\.\d+)x slower/, (m, x) => (Number(x) < 1 ? `${(1 / Number(x)).toFixed(2)}x faster` : m));
  console.log(r.name.padEnd(46) + String(r.files).padStart(6) + r.wall.toFixed(2).padStart(9) + r.rate.toFixed(0).padStart(9) + r.mb.toFixed(0).padStart(9) + ratio + (r.note ? `  (${r.note})` : ''));
}
console.log(`\ncold start, one small file (median of 15): ${(med.wall * 1000).toFixed(0)} ms, ${med.mb.toFixed(0)} MB peak`);
