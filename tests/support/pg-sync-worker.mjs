// The worker thread behind tests/support/pg-sync.ts: one `pg` client, one statement at a time. Every
// column comes back as PostgreSQL's text (the handle converts it), the reply is posted with the request's
// number, and the flag the test's thread waits on (Atomics.wait) is raised. Plain JavaScript: a worker thread loads it as is.
import { workerData } from "node:worker_threads";
import pg from "pg";

const { url, flag, port } = workerData;
const signal = new Int32Array(flag);
const asText = { getTypeParser: () => (text) => text };
const client = new pg.Client({ connectionString: url, options: "-c TimeZone=UTC", types: asText });
const connected = client.connect();
// A dropped connection (the database dropped at the end of a test) is no crash of the worker.
client.on("error", () => {});

function reply(id, message) {
  port.postMessage({ ...message, id });
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}

port.on("message", async (req) => {
  try {
    await connected;
    if (req.close) {
      await client.end();
      reply(req.id, { closed: true });
      port.close();
      return;
    }
    const values = req.values?.map((v) => (v instanceof Uint8Array ? Buffer.from(v) : v));
    const result = await client.query({ text: req.text, values, rowMode: "array" });
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    reply(req.id, { rows: last.rows ?? [], fields: (last.fields ?? []).map((f) => [f.name, f.dataTypeID]), rowCount: last.rowCount ?? 0 });
  } catch (e) {
    reply(req.id, { error: { message: e.message, code: e.code, detail: e.detail, position: e.position } });
  }
});
