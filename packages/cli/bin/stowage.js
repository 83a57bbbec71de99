#!/usr/bin/env node
import module from 'node:module';

// Node 22+ caches compiled code between runs, which shortens start-up.
module.enableCompileCache?.();
import('../dist/bundle/main.js').catch((error) => {
  const hint = error?.code === 'ERR_MODULE_NOT_FOUND' ? ' (is stowage built? run `pnpm build`)' : '';
  process.stderr.write(`stowage: cannot start: ${error?.message ?? error}${hint}\n`);
  process.exitCode = 2;
});
