import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Browser journeys: each file its own app, database and Chromium, so two files run side by side
// (one on each of CI's two cores; a journey waits on its browser as much as it works).
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/helpers/globalSetup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    env: { NODE_ENV: 'test' },
  },
})
