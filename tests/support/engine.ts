// Which engine the integration suite's servers run on (decision 080): SQLite by default, PostgreSQL when
// TEST_ENGINE=postgres (the `integration-pg` vitest project sets it). startTestServer() reads it.

export type TestEngine = "sqlite" | "postgres";

export function testEngine(): TestEngine {
  return process.env.TEST_ENGINE === "postgres" ? "postgres" : "sqlite";
}
