import { afterEach, beforeEach, vi } from "vitest";

// No test touches the developer's database by accident: code that opens the default database in a
// test process gets an empty throwaway file instead (a test that needs one sets DATABASE_URL first).
process.env.DATABASE_URL ??= `file:${process.cwd()}/tests/.tmp/no-database-${process.pid}.db`;

// A test fails on any console.error it did not expect; one that expects some calls `allowConsoleError()`.
let spy: ReturnType<typeof vi.spyOn>;
let allowed = false;

export function allowConsoleError() {
  allowed = true;
}

beforeEach(() => {
  allowed = false;
  spy = vi.spyOn(console, "error");
});

afterEach(() => {
  const calls = spy.mock.calls;
  spy.mockRestore();
  if (calls.length > 0 && !allowed) {
    throw new Error(`unexpected console.error: ${calls.map((c: unknown[]) => c.map(String).join(" ")).join("\n")}`);
  }
});
