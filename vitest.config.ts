import os from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/faults/**', 'node_modules/**'],
    globalSetup: ['test/helpers/globalSetup.ts'],
    pool: 'forks',
    // Files run side by side: each has its own database (a copy of the template), so they share
    // no state. Two at least, even on two cores: a file waits on its database as much as it works.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: { NODE_ENV: 'test' },
  },
})
