import { afterEach, beforeEach, vi } from "vitest";

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
