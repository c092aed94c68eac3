import type { ChildProcess } from "node:child_process";

/** Stops child processes: SIGTERM to each still running, SIGKILL to any not gone 10 s later; resolves once all have exited. */
export function stopChildren(children: readonly ChildProcess[]): Promise<void> {
  return Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
          c.once("exit", () => (clearTimeout(timer), resolve()));
          c.kill("SIGTERM");
        }),
    ),
  ).then(() => undefined);
}
