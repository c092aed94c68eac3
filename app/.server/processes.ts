import cluster from "node:cluster";

// The server's processes (decision 071). `npm start` runs WEB_CONCURRENCY Node processes (default 1;
// the core count to use every core): a primary that does the start-up work once, forks the workers, hands them
// connections round robin (decision 096) and relays between them; and the workers, which serve. One process
// (WEB_CONCURRENCY=1, and every test server unless it asks for more) is the same code with no primary.
//
// What the workers share goes through the primary here, never through memory:
// - `relay`: tell every other worker (a live round changed, so each process publishes to the phones
//   it holds). Fire and forget: whoever acts has already committed to the database, the others only
//   follow.
// - `askPrimary`: a question the primary answers for all workers (an argon2
//   slot), so a limit holds across processes instead of once per process.
// On globalThis like the database connections: server.ts and the Remix build each load this module,
// and both must see the one set of handlers and questions in flight.

type Payload = Record<string, unknown>;
export type Envelope =
  | { app: "relay"; kind: string; payload: Payload }
  | { app: "ask"; id: number; kind: string; payload: Payload }
  | { app: "reply"; id: number; result?: unknown; error?: string };

type State = { handlers: Map<string, (payload: Payload) => void>; asks: Map<number, { resolve(r: unknown): void; reject(e: Error): void }>; nextId: number };
const g = globalThis as typeof globalThis & { __processes?: State };

function state(): State {
  if (g.__processes) return g.__processes;
  const s: State = (g.__processes = { handlers: new Map(), asks: new Map(), nextId: 1 });
  if (cluster.isWorker) {
    process.on("message", (m: Envelope) => {
      if (m?.app === "relay") s.handlers.get(m.kind)?.(m.payload);
      else if (m?.app === "reply") {
        const ask = s.asks.get(m.id);
        s.asks.delete(m.id);
        if (m.error !== undefined) ask?.reject(new Error(m.error));
        else ask?.resolve(m.result);
      }
    });
  }
  return s;
}

/** True in a worker of several; false in a single process (tests, WEB_CONCURRENCY=1, `npm start --dev`). */
export function isWorkerProcess(): boolean {
  return cluster.isWorker;
}

/** The worker's number from 0 (0 in a single process). Worker 0 runs the background work. */
export function workerIndex(): number {
  return Number(process.env.APP_WORKER_INDEX ?? 0);
}

/** Whether this process runs the sweeper and the background runners: exactly one process does. */
export function runsBackgroundWork(): boolean {
  return workerIndex() === 0;
}

/** Sends a message to every other worker; nothing in a single process. */
export function relay(kind: string, payload: Payload) {
  if (!cluster.isWorker || !process.connected) return;
  state();
  process.send!({ app: "relay", kind, payload } satisfies Envelope);
}

/** What this process does with a relayed message of the kind (one handler per kind: the last set wins). */
export function onRelay(kind: string, handler: (payload: Payload) => void) {
  state().handlers.set(kind, handler);
}

/** Asks the primary (only in a worker); rejects if the primary answers with an error. */
export function askPrimary<T>(kind: string, payload: Payload): Promise<T> {
  const s = state();
  const id = s.nextId++;
  return new Promise<T>((resolve, reject) => {
    s.asks.set(id, { resolve: resolve as (r: unknown) => void, reject });
    process.send!({ app: "ask", id, kind, payload } satisfies Envelope);
  });
}

/** Tells the primary something that needs no answer (a claim ended, a slot given back). */
export function tellPrimary(kind: string, payload: Payload) {
  if (!process.connected) return;
  process.send!({ app: "ask", id: 0, kind, payload } satisfies Envelope);
}
