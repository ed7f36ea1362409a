import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Fault tests: the real app as a child process over a private PostgreSQL cluster that the tests
// stop and start. One file at a time: each runs a load, and the machine has few cores.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/faults/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
})
