import { defineConfig } from 'vitest/config';

const shared = ['**/node_modules/**', '**/cdk.out/**', 'dashboard/dist/**', '.geqo/**'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...shared, '**/*.int.test.ts', '**/*.browser.test.ts'],
          testTimeout: 20_000,
          // Unit tests first, then the integration tests (which start real servers).
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts', '**/*.browser.test.ts'],
          exclude: shared,
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Integration suites start real servers; two cores do not gain from more workers.
          maxWorkers: 2,
          fileParallelism: true,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
