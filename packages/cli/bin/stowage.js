#!/usr/bin/env node
import { createRequire } from 'node:module';
import v8 from 'node:v8';

// The bash grammar is 1.4 MB of WebAssembly: V8's optimising tier recompiles all of it in the
// background and holds process exit for ~0.5 s. Its baseline code parses fast enough (measured:
// same corpus throughput), so keep to the baseline compiler.
v8.setFlagsFromString('--liftoff-only');
// A lint run is short and mostly warm-up: V8's optimising compiler is its bottleneck (~4.5 s of
// compile CPU over a 4 s corpus run, large functions re-optimised after deopts on new input).
// Inline less, and optimise only what stays hot for longer: compiles get fewer and cheaper, which
// frees the second core for a lint worker (corpus, median of 6 alternating runs: 3.77 s in one
// thread with V8's defaults, 3.16 s with these and one worker; see docs/performance.md).
v8.setFlagsFromString('--max-inlined-bytecode-size-cumulative=200');
v8.setFlagsFromString('--interrupt-budget=600000');

try {
  const { start } = createRequire(import.meta.url)('./load-bundle.cjs');
  start(process.argv.slice(2)).then(
    (result) => {
      process.exitCode = result.exitCode;
    },
    (error) => cannotStart(error),
  );
} catch (error) {
  cannotStart(error);
}

function cannotStart(error) {
  const hint = error?.code === 'ENOENT' || error?.code === 'MODULE_NOT_FOUND' ? ' (is stowage built? run `pnpm build`)' : '';
  process.stderr.write(`stowage: cannot start: ${error?.message ?? error}${hint}\n`);
  process.exitCode = 2;
}
