import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file starts its own stand-ins and sets AWS_ENDPOINT_URL_* for the SDK:
    // separate processes keep those variables from leaking between files.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    env: {
      // This machine's Node is older than the one Lambda runs; the SDK's reminder is not news here,
      // and would be the one warning in every run.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
