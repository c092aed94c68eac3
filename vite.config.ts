import path from "node:path";
import { vitePlugin as remix } from "@remix-run/dev";
import tailwindcss from "@tailwindcss/vite";
import { defineConfig } from "vitest/config";
import { postgresExcludes } from "./tests/support/postgres-suite";
import { precompressPlugin } from "./vite-plugins/precompress";
import { serviceWorkerPlugin } from "./app/pwa/vite-plugin";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

// Under vitest the Remix plugin stays out (it expects to own the build).
export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname, "app") } },
  server: { host: "127.0.0.1" },
  build: { target: "es2022" },
  plugins: [
    tailwindcss(),
    !process.env.VITEST &&
      remix({
        future: {
          v3_fetcherPersist: true,
          v3_relativeSplatPath: true,
          v3_throwAbortReason: true,
          v3_singleFetch: true,
          v3_lazyRouteDiscovery: true,
        },
        serverModuleFormat: "esm",
      }),
    // The installable app's service worker, /sw.js (decision 055).
    !process.env.VITEST && serviceWorkerPlugin(),
    // Brotli and gzip copies of the hashed assets, served by server.ts (decision 062).
    !process.env.VITEST && precompressPlugin(),
  ],
  test: {
    projects: [
      {
        extends: true,
        // Both projects share one worker limit: vitest refuses projects with different limits in one run.
        test: { name: "unit", include: ["tests/unit/**/*.test.ts", "app/**/*.test.ts"], setupFiles: ["tests/setup/console.ts"], maxWorkers: 2 },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          globalSetup: ["tests/setup/global-integration.ts"],
          setupFiles: ["tests/setup/console.ts"],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        // The same files again with every test server on PostgreSQL (decision 080), but those listed in
        // tests/support/postgres-suite.ts with the reason they run on SQLite only.
        test: {
          name: "integration-pg",
          include: ["tests/integration/**/*.test.ts"],
          exclude: postgresExcludes(),
          env: { TEST_ENGINE: "postgres" },
          globalSetup: ["tests/setup/global-integration.ts"],
          setupFiles: ["tests/setup/console.ts"],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
