import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../../scripts/lib/free-port";
import { migratePostgres } from "../../scripts/lib/pg-migrate";
import {
  POSTGRES_INSTALL,
  adminUrl,
  initCluster,
  postgresBin,
  postgresOwner,
  reachableByOthers,
  startCluster,
  stopCluster,
} from "../../scripts/lib/postgres-server";
import { TMP } from "./paths";

// A private PostgreSQL cluster for the tests (decision 073): Debian's binaries, a folder of its own,
// listening on 127.0.0.1 and a socket in that folder only, trust authentication (nothing but this
// machine reaches it). Started once per test run by the first test file that asks for it (other
// test processes wait for it), with a template database migrated once; each test file gets a fresh
// database copied from the template (CREATE DATABASE … TEMPLATE, about 0.2 s). The integration
// run's global setup stops it at the end and clears what a killed run left behind.

const STATE = path.join(TMP, "postgres.json");
const LOCK = path.join(TMP, "postgres.lock");
const TEMPLATE = "app_template";
const START_WAIT_MS = 180_000;

type State = { dir: string; port: number; bin: string } | { error: string };

/** The URL of a database of the cluster as its superuser (scripts/lib/postgres-server.ts). */
export { adminUrl };

async function startTestCluster(): Promise<State> {
  const bin = postgresBin();
  if (!bin) throw new Error(POSTGRES_INSTALL);
  // Under the tests' tmp folder, unless the postgres user cannot reach it (a clone in /root) or the
  // socket's path would pass the 107 bytes a Unix socket name may have.
  let dir = path.join(TMP, `postgres-${process.pid}`);
  if ((postgresOwner() && !reachableByOthers(TMP)) || dir.length > 80) dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsdx-pg-"));
  fs.rmSync(dir, { recursive: true, force: true });
  initCluster(bin, dir);
  // Durability is not what the tests are about: fsync off saves seconds a run on a shared machine.
  const settings = ["fsync=off", "synchronous_commit=off", "full_page_writes=off"];
  let port = 0;
  for (let tries = 0; ; tries++) {
    port = await freePort();
    try {
      startCluster(bin, dir, port, settings);
      break;
    } catch (e) {
      // Another process may have taken the free port meanwhile.
      if (tries >= 2) throw e;
    }
  }
  await asAdmin(port, (admin) => admin.query(`CREATE DATABASE "${TEMPLATE}"`));
  await migratePostgres(adminUrl(port, TEMPLATE));
  return { dir, port, bin };
}

async function waitForState(): Promise<State> {
  const t0 = Date.now();
  while (Date.now() - t0 < START_WAIT_MS) {
    if (fs.existsSync(STATE)) return JSON.parse(fs.readFileSync(STATE, "utf8")) as State;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the test PostgreSQL cluster did not start within ${START_WAIT_MS / 1000} s (another test process was starting it)`);
}

let cluster: Promise<{ port: number }> | undefined;

/** The run's cluster, started by whichever test process asks first. */
export function postgresCluster(): Promise<{ port: number }> {
  return (cluster ??= (async () => {
    fs.mkdirSync(TMP, { recursive: true });
    let state: State;
    let first = false;
    try {
      fs.writeFileSync(LOCK, String(process.pid), { flag: "wx" });
      first = true;
    } catch {
      state = await waitForState();
    }
    if (first) {
      try {
        state = await startTestCluster();
      } catch (e) {
        state = { error: (e as Error).message };
      }
      fs.writeFileSync(`${STATE}.tmp`, JSON.stringify(state));
      fs.renameSync(`${STATE}.tmp`, STATE);
    }
    if ("error" in state!) throw new Error(state.error);
    return { port: state!.port };
  })());
}

export type TestDatabase = { url: string; name: string; drop(): Promise<void> };

/** The certificate key the tests' PostgreSQL processes share: multi-node mode refuses to start without one (decision 076). */
export const TEST_CERT_SECRET = "test-certificate-secret-shared-by-every-node";

/** Runs `fn` on a connection to the cluster's maintenance database as its superuser, closed after. */
export async function asAdmin<T>(port: number, fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl(port) });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

/**
 * A new database copied from the migrated template: empty tables, every migration applied. Sets
 * CERT_SECRET in this process when it has none, as every node on PostgreSQL needs it.
 */
export async function freshPostgresDatabase(): Promise<TestDatabase> {
  process.env.CERT_SECRET ??= TEST_CERT_SECRET;
  const { port } = await postgresCluster();
  const name = `test_${crypto.randomUUID().replace(/-/g, "")}`;
  await asAdmin(port, async (admin) => {
    for (let tries = 0; ; tries++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE}"`);
        return;
      } catch (e) {
        // 55006: the template is in use (a copy of it is being made at this moment by another file).
        if ((e as { code?: string }).code !== "55006" || tries >= 50) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  return testDatabase(port, name);
}

/**
 * A new database as `createdb` makes one, with no tables at all: what `npm run restore` expects on
 * PostgreSQL. Sets CERT_SECRET in this process when it has none, as freshPostgresDatabase() does.
 */
export async function emptyPostgresDatabase(): Promise<TestDatabase> {
  process.env.CERT_SECRET ??= TEST_CERT_SECRET;
  const { port } = await postgresCluster();
  const name = `empty_${crypto.randomUUID().replace(/-/g, "")}`;
  await asAdmin(port, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  return testDatabase(port, name);
}

function testDatabase(port: number, name: string): TestDatabase {
  return {
    url: adminUrl(port, name),
    name,
    async drop() {
      await asAdmin(port, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** Stops the run's cluster and removes its folder; also what a killed run left (called before and after the integration run). */
export function stopPostgres(): void {
  if (fs.existsSync(STATE)) {
    const state = JSON.parse(fs.readFileSync(STATE, "utf8")) as State;
    if (!("error" in state)) {
      try {
        stopCluster(state.bin, state.dir);
      } catch (e) {
        console.warn(`stopping the test PostgreSQL cluster: ${(e as Error).message}`);
      }
    }
    if (!("error" in state)) fs.rmSync(state.dir, { recursive: true, force: true });
  }
  for (const f of [STATE, LOCK]) fs.rmSync(f, { force: true });
}
