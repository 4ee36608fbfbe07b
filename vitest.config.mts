import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests with no servers, and Temporal tests that share one dev server,
// one time-skipping server and one prebuilt workflow bundle prepared in global setup.
// Forks, not threads: worker threads crash when several files load Temporal's native bridge.
export default defineConfig({
  test: {
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          pool: 'forks',
          include: ['test/{domain,config,bitrix24,sandbox,cli,bridge,activities}/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'temporal',
          pool: 'forks',
          include: ['test/{workflows,integration,e2e,faults}/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
