// Starts the built server for a test or benchmark on the DATABASE_URL and PORT it is given
// (PORT=0 picks a free one) and prints "LISTENING <url>" once it accepts connections. It stops when
// the process that started it goes away (its stdin closes), so an interrupted run leaves no server.
process.env.NODE_ENV = "production";
process.env.APP_MODE ??= "production";
process.env.PORT ??= "0";

const { prismaReady } = await import("../../app/.server/db");
const { startServer } = await import("../../server");
await prismaReady();
const server = await startServer();
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
