import { afterEach, describe, expect, it, vi } from "vitest";
import { databaseEngine } from "../../app/.server/env";

// DATABASE_URL chooses the engine (decision 073): file: SQLite (the default), postgres(ql):// PostgreSQL.

const saved = { url: process.env.DATABASE_URL, secret: process.env.CERT_SECRET };
afterEach(() => {
  process.env.DATABASE_URL = saved.url;
  if (saved.secret === undefined) delete process.env.CERT_SECRET;
  else process.env.CERT_SECRET = saved.secret;
});

async function freshEnv(url: string) {
  process.env.DATABASE_URL = url;
  // PostgreSQL is multi-node mode, which needs the shared certificate key (decision 076).
  if (databaseEngine(url) === "postgres") process.env.CERT_SECRET = "a-certificate-secret-of-at-least-32-characters";
  vi.resetModules();
  // Wrapped: a promise resolving to the env proxy itself would read `then` on it, loading it early.
  return { env: (await import("../../app/.server/env")).env };
}

describe("DATABASE_URL", () => {
  it("selects the engine by its scheme", () => {
    expect(databaseEngine("file:./data/app.db")).toBe("sqlite");
    expect(databaseEngine("postgres://u:p@db.example.edu.cn:5432/dangxiao")).toBe("postgres");
    expect(databaseEngine("postgresql://u@127.0.0.1/dangxiao?sslmode=require")).toBe("postgres");
  });

  it("gives SQLite's file, and on PostgreSQL refuses to make one up", async () => {
    const { env: sqlite } = await freshEnv("file:./data/x.db");
    expect(sqlite.databaseEngine).toBe("sqlite");
    expect(sqlite.databaseFile).toMatch(/data[/\\]x\.db$/);
    const { env: postgres } = await freshEnv("postgresql://u:secret@127.0.0.1:5432/dangxiao");
    expect(postgres.databaseEngine).toBe("postgres");
    expect(postgres.databaseUrl).toBe("postgresql://u:secret@127.0.0.1:5432/dangxiao");
    expect(() => postgres.databaseFile).toThrow(/SQLite-only/);
  });

  it("refuses any other scheme, in Chinese and English, without echoing the URL", async () => {
    for (const url of ["mysql://u:secret@127.0.0.1/db", "./data/app.db", "postgresql://u:secret@bad host/db"]) {
      const { env } = await freshEnv(url);
      let message = "";
      try {
        void env.mode;
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/DATABASE_URL 应以 file:/);
      expect(message).not.toContain("secret");
    }
  });
});
