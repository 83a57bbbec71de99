import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources; the CLI end-to-end tests run the built output.
    alias: {
      '@stowage/core': here('./packages/core/src/index.ts'),
      '@stowage/rules': here('./rules/index.ts'),
      '@stowage/reporters': here('./packages/reporters/src/index.ts'),
      // The subpath first: an alias also matches imports that start with its key.
      '@stowage/builds/rule-api': here('./packages/builds/src/rule-api.ts'),
      '@stowage/builds': here('./packages/builds/src/index.ts'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'rules/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
  },
});
