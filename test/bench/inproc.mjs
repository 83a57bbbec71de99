// Profiling aid (not a test): lints the corpus in this process with the built packages and prints
// where the time goes. `node test/bench/inproc.mjs [summary|all|rule-a,rule-b] [passes]`
// - summary: parse+model with no rules, then all recommended rules; `all` adds each rule alone.
// - Each pass starts with an empty shell memo, as a CLI run does; the first pass also pays for
//   JIT warm-up, which a CLI run pays too (VERBOSE=1 prints every pass).
// - SHARD=i/n lints every n-th file (CONTIG=1: the i-th contiguous slice), to try splits by hand.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const core = await import(path.join(root, 'packages/core/dist/index.js'));
const { allRules } = await import(path.join(root, 'rules/dist/index.js'));
const corpus = path.resolve(root, '../shared/corpus');
const list = (d) => readdirSync(d).sort().flatMap((n) => (statSync(path.join(d, n)).isDirectory() ? list(path.join(d, n)) : [path.join(d, n)]));
const [si, sn] = (process.env.SHARD ?? '0/1').split('/').map(Number);
const texts = list(corpus)
  .filter((_, i, a) => (process.env.CONTIG ? Math.floor((i * sn) / a.length) === si : i % sn === si))
  .map((f) => [f, readFileSync(f, 'utf8')]);
await core.initShell();

const recommended = allRules.filter((r) => r.meta.severity !== 'off').map((rule) => ({ rule, severity: rule.meta.severity, options: undefined }));
function pass(rules) {
  core.clearShellMemo();
  const t0 = performance.now();
  for (const [f, text] of texts) {
    core.lint(text, { filePath: f, rules, knownRules: allRules, buildContext: core.fsBuildContext(path.dirname(f)), builds: null });
  }
  return performance.now() - t0;
}
const arg = process.argv[2] ?? 'summary';
const runs = Number(process.argv[3] ?? 3);
const best = (rules) => {
  const t = Array.from({ length: runs }, () => pass(rules));
  if (process.env.VERBOSE) console.log(t.map((x) => x.toFixed(0)).join(' '));
  return Math.min(...t);
};
if (arg === 'all' || arg === 'summary') {
  const none = best([]);
  const all = best(recommended);
  console.log(`${texts.length} files; parse+model, no rules: ${none.toFixed(0)} ms; recommended (${recommended.length} rules): ${all.toFixed(0)} ms = ${((texts.length / all) * 1000).toFixed(0)} files/s (best of ${runs})`);
  if (arg === 'all') for (const r of recommended) console.log(`${(best([r]) - none).toFixed(0).padStart(6)} ms  ${r.rule.meta.id}`);
} else {
  const picked = recommended.filter((r) => arg.split(',').includes(r.rule.meta.id));
  console.log(`${arg}: ${best(picked).toFixed(0)} ms`);
}
