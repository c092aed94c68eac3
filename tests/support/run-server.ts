// Starts the built server for a test or benchmark on the DATABASE_URL and PORT it is given
// (PORT=0 picks a free one) and prints "LISTENING <url>" once it accepts connections. It stops when
// the process that started it goes away (its stdin closes), so an interrupted run leaves no server.
// One process unless WEB_CONCURRENCY asks for more (decision 071): the multi-process tests and the
// benchmarks' `WEB_CONCURRENCY=2` runs.
process.env.NODE_ENV = "production";
process.env.APP_MODE ??= "production";
process.env.PORT ??= "0";

const { prismaReady } = await import("../../app/.server/db");
const { startServers } = await import("../../server-cluster");
await prismaReady();
const server = await startServers({ count: Number(process.env.WEB_CONCURRENCY ?? 1) });
console.info(`LISTENING ${server.url}`);

const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.resume();
process.stdin.on("close", stop);
export {};
