import { defineConfig } from 'vitest/config'

// Tests run against the TypeScript sources: every package's `exports` map has an
// `@marque/source` condition that points at `src/`, so no build step is needed first.
const conditions = ['@marque/source', 'node', 'import', 'default']

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
})
