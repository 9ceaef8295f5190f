import { defineConfig } from 'vitest/config';
import { scaled } from './test/support/load.js';

// Two projects. `unit`: pure and in-process tests (protocols over in-memory streams) with no
// child process and no socket
// (`npm run test:unit`, under a minute). `integration`: everything that starts nodes, processes,
// servers or clusters. `npm test` runs both.
/** Unit-folder tests that start a process or open a socket, so they run with the integration tests. */
const UNIT_FOLDER_WITH_PROCESSES = ['test/unit/docker/**/*.test.ts'];

const shared = {
  // Longer on a loaded machine (test/support/load.ts); tests with their own timeouts scale those.
  testTimeout: scaled(60_000),
  hookTimeout: scaled(60_000),
  pool: 'forks' as const,
  setupFiles: ['./src/core/polyfills.ts', './test/support/byte-equality.ts'],
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts', 'test/protocols/**/*.test.ts'], exclude: UNIT_FOLDER_WITH_PROCESSES } },
      {
        test: {
          ...shared,
          name: 'integration',
          include: ['test/{client,e2e,integration,interop}/**/*.test.ts', ...UNIT_FOLDER_WITH_PROCESSES],
        },
      },
    ],
  },
});
