import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    // Two cores: a few workers keep real-service tests from starving each other.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A page or a queue on a loaded 2-core machine: polls wait up to 15 s for what should appear (the
    // default 1 s is a timing assertion, and timing belongs in bench/).
    expect: { poll: { timeout: 15_000 } },
  },
});
