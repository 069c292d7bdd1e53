import { defineConfig } from 'vitest/config';

// Tests run the TypeScript sources of the workspace packages through the
// `source` export condition; production runs the built dist/ files.
export default defineConfig({
  resolve: { conditions: ['source', 'module', 'node', 'import', 'default'] },
  // Vitest also hands these to Node as --conditions for external packages: no `import` or `module` there, or
  // CommonJS packages' require() picks ESM builds (ws under mqtt, @smithy's dist-es) and breaks.
  ssr: { resolve: { conditions: ['source', 'node', 'default'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/results.json' }]] : ['default'],
  },
});
