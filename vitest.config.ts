import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    // expect.poll waits for a condition; a second (the default) is too short on a loaded 2-core machine.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 60_000,
    // e2e files start a hub and a browser each; two at a time suits a 2-core machine.
    maxWorkers: 2
  }
})
