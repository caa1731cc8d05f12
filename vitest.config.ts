import { defineConfig } from 'vitest/config';

// Two projects: unit tests run on snapshots built from YAML; integration and
// end-to-end tests share one real control plane started by the global setup
// (or the cluster named by K8S_AUDIT_TEST_KUBECONFIG).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/checks/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/cluster/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
