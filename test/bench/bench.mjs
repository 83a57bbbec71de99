// `pnpm bench`: lints the corpus and prints throughput, wall time and peak memory beside peers.
// Needs a build (`pnpm build`) and ../shared/corpus. Figures, not assertions: nothing here fails.
// Every figure is the median of several runs in a fresh process (this VM's timings vary ±15%).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { peerWork } from './peers.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const corpus = path.resolve(root, '../shared/corpus');
const cli = path.join(root, 'packages/cli/bin/stowage.js');
const tallyBin = path.join(root, 'node_modules/@wharflab/tally-linux-x64/bin/tally');
const cores = availableParallelism();
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function listFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

// Child mode: tally over a list of files, one process per file (one unparsable file stops a
// multi-file tally run, and several corpus files are deliberately broken).
if (process.argv[2] === '--tally') {
  for (const f of process.argv.slice(3)) spawnSync(tallyBin, ['lint', '--format', 'json', f], { stdio: 'ignore' });
  process.exit(0);
}

// Child mode: one peer over the corpus, in-process (workers = 0) or across worker threads.
if (process.argv[2] === '--peer') {
  const [mode, workers] = [process.argv[3], Number(process.argv[4])];
  const files = listFiles(corpus);
  let crashes = 0;
  if (workers === 0) {
    const work = await peerWork(mode);
    for (const f of files) if (work(readFileSync(f, 'utf8')) < 0) crashes++;
  } else {
    const url = new URL('./peer-worker.mjs', import.meta.url);
    const chunks = Array.from({ length: workers }, (_, i) => files.filter((_, j) => j % workers === i));
    const replies = await Promise.all(chunks.map((chunk) => new Promise((resolve, reject) => {
      const w = new Worker(url, { workerData: { mode, files: chunk } });
      w.once('message', resolve);
      w.once('error', reject);
    })));
    for (const r of replies) crashes += r.crashes;
  }
  process.stdout.write(String(crashes));
  process.exit(0);
}

// NODE_EXTRA_CA_CERTS makes every Node process parse the bundled root certificates and that file at
// start, before any of its own code runs (a proxy's CA on this sandbox: `node -e 0` takes ~65 ms
// with it, ~25 ms without). A fresh machine has no such setting, so every figure is taken without
// it; cold start is also shown with it when it is set.
const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS;
const baseEnv = { ...process.env };
delete baseEnv.NODE_EXTRA_CA_CERTS;

/** Runs a command `runs` times under /usr/bin/time; median wall seconds and peak RSS (MB). */
function measure(cmd, args, runs = RUNS, okStatus = [0], env = baseEnv) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'], env });
    const wall = (performance.now() - t0) / 1000;
    if (r.error) throw r.error;
    if (!okStatus.includes(r.status)) throw new Error(`${path.basename(cmd)} exited ${r.status}: ${r.stderr.slice(0, 300)}`);
    results.push({ wall, mb: Number(r.stderr.trim().split('\n').pop()) / 1024, stdout: r.stdout });
  }
  results.sort((a, b) => a.wall - b.wall);
  return results[Math.floor(results.length / 2)];
}

const files = listFiles(corpus);
const rows = [];
const row = (name, n, m, base) => {
  // Peers print how many files they threw on.
  const crashes = base && /^\d+$/.test(m.stdout) && Number(m.stdout) > 0 ? `  (threw on ${m.stdout} files)` : '';
  rows.push({ name, files: n, wall: m.wall, rate: n / m.wall, mb: m.mb, base, note: crashes });
};
const self = process.execPath;
const me = fileURLToPath(import.meta.url);

// stowage exits 1 when it finds errors.
const stowage = measure(self, [cli, '--format', 'json', '--no-config', corpus], RUNS, [0, 1]);
const linted = JSON.parse(stowage.stdout).length;
row('stowage, recommended rules (CLI)', linted, stowage);
const base = rows[0];
row('dockerfile-ast parse only, 1 thread (floor)', files.length, measure(self, [me, '--peer', 'parse', '0']), base);
row(`dockerfile-ast parse only, ${cores} workers`, files.length, measure(self, [me, '--peer', 'parse', String(cores)]), base);
row('dockerfilelint 1.8 (regex-based), 1 thread', files.length, measure(self, [me, '--peer', 'dockerfilelint', '0']), base);
row(`dockerfilelint 1.8 (regex-based), ${cores} workers`, files.length, measure(self, [me, '--peer', 'dockerfilelint', String(cores)]), base);
row('dockerfile-utils validate, 1 thread', files.length, measure(self, [me, '--peer', 'utils', '0']), base);
row(`dockerfile-utils validate, ${cores} workers`, files.length, measure(self, [me, '--peer', 'utils', String(cores)]), base);

// tally is slow: a fixed sample of 100 files (every nth, sorted), beside stowage on the same files.
const step = Math.floor(files.length / 100);
const sample = files.filter((_, i) => i % step === 0).slice(0, 100);
let tallyNote = '';
if (existsSync(tallyBin)) {
  const st = measure(self, [cli, '--format', 'json', '--no-config', ...sample], 3, [0, 1]);
  row('stowage on the 100-file sample', sample.length, st);
  row('tally 0.45 on the 100-file sample, per file', sample.length, measure(self, [me, '--tally', ...sample], 1), rows.at(-1));
} else {
  tallyNote = 'tally: not installed (@wharflab/tally-linux-x64), skipped';
}

const coldArgs = [cli, '--no-config', path.join(root, 'examples/Dockerfile')];
// The bin keeps V8's code cache of the bundle (written by the first run that lints): measure with
// it, as every run after the first is, and without it, as the very first run is.
const cold = measure(self, coldArgs, 15, [0, 1]);
const coldNoCache = measure(self, coldArgs, 15, [0, 1], { ...baseEnv, STOWAGE_COMPILE_CACHE: '0' });
const nodeOnly = measure(self, ['-e', '0'], 15);
const withCa = extraCaCerts ? { cold: measure(self, coldArgs, 15, [0, 1], process.env), nodeOnly: measure(self, ['-e', '0'], 15, [0], process.env) } : null;

// Long files, at two sizes: the time should double, not quadruple. A unit is one RUN (a third with
// an ARG before it) or one stage (FROM, COPY --from the one before, ENV from the one before, RUN).
// Both once grew quadratically. One run each: they take seconds.
const longDir = mkdtempSync(path.join(tmpdir(), 'stowage-long-'));
const LONG = {
  'ARGs among RUNs': (n) => ['FROM debian:12', ...Array.from({ length: n }, (_, i) => (i % 3 === 0 ? `RUN apt-get update && apt-get install -y pkg${i}` : i % 3 === 1 ? `ARG V${i}=1\nRUN echo "v${i}" > /tmp/f${i} && curl -fsSL https://example.com/${i}` : `RUN set -eux; \\\n  apt-get update; \\\n  apt-get install -y p${i} $X`))],
  'ONBUILD updates': (n) => ['FROM debian', ...Array.from({ length: n }, (_, i) => `ONBUILD ARG A${i}\nONBUILD RUN echo $A${i} && apt-get update\nONBUILD COPY x${i} /y${i}`)],
  'heredocs and cache mounts': (n) => ['FROM debian', ...Array.from({ length: n }, (_, i) => `RUN <<EOF\nset -e\napt-get update\napt-get install -y p${i}\nEOF\nRUN --mount=type=cache,target=/var/cache/apt apt-get install -y q${i}`)],
  'stage chains': (n) => Array.from({ length: n }, (_, i) => [`FROM alpine:3.${i % 20} AS s${i}`, ...(i > 0 ? [`COPY --from=s${i - 1} /a /a`] : []), `ENV X${i}=\${X${i > 0 ? i - 1 : 0}:-v}/p`, `RUN apk add --no-cache c${i}`]).flat(),
};
const longRows = [];
for (const [name, make] of Object.entries(LONG)) {
  const times = [4000, 8000].map((n) => {
    const file = path.join(longDir, `${name.replace(/\W+/g, '-')}-${n}.Dockerfile`);
    writeFileSync(file, `${make(n).join('\n')}\n`);
    return measure(self, [cli, '--format', 'json', '--no-config', file], 1, [0, 1]).wall;
  });
  longRows.push(`  ${name}: 4,000 units ${times[0].toFixed(2)} s, 8,000 units ${times[1].toFixed(2)} s (x${(times[1] / times[0]).toFixed(2)})`);
}
rmSync(longDir, { recursive: true, force: true });

console.log(`corpus: ${files.length} files; ${cores} cores; node ${process.version}; median of ${RUNS} runs\n`);
console.log('tool'.padEnd(46) + 'files'.padStart(6) + 'wall s'.padStart(8) + 'files/s'.padStart(9) + 'peak MB'.padStart(9) + '  stowage is');
for (const r of rows) {
  let ratio = '';
  if (r.base) {
    const x = r.base.rate / r.rate;
    ratio = x >= 1 ? `${x.toFixed(2)}x faster` : `${(1 / x).toFixed(2)}x slower`;
  }
  console.log(r.name.padEnd(46) + String(r.files).padStart(6) + r.wall.toFixed(2).padStart(8) + r.rate.toFixed(0).padStart(9) + r.mb.toFixed(0).padStart(9) + '  ' + ratio + r.note);
}
if (tallyNote) console.log(tallyNote);
console.log(`\ncold start, one small file with findings (median of 15): ${(cold.wall * 1000).toFixed(0)} ms, ${cold.mb.toFixed(0)} MB peak` +
  ` (node -e 0 alone: ${(nodeOnly.wall * 1000).toFixed(0)} ms, ${nodeOnly.mb.toFixed(0)} MB)` +
  `\n  without the code cache (the first run after an install or a Node upgrade): ${(coldNoCache.wall * 1000).toFixed(0)} ms, ${coldNoCache.mb.toFixed(0)} MB peak` +
  (withCa ? `\n  with this machine's NODE_EXTRA_CA_CERTS (left out of every other figure): ${(withCa.cold.wall * 1000).toFixed(0)} ms, ${withCa.cold.mb.toFixed(0)} MB peak` +
    ` (node -e 0 alone: ${(withCa.nodeOnly.wall * 1000).toFixed(0)} ms)` : ''));
console.log(`\nlong files (one run each; twice the units should take about twice the time):\n${longRows.join('\n')}`);
