import fs from "node:fs";
import os from "node:os";
import { hash, verify } from "@node-rs/argon2";

// The cost of one argon2id hash at the parameters of app/.server/auth/password.ts and at the other
// settings OWASP's Password Storage Cheat Sheet gives as equally strong (decision 067): time per hash,
// one at a time (the server runs cores − 1 at once, decision 011), and the process's peak memory.
// Prints and asserts nothing.   npx tsx bench/argon2-params.ts

// In rising memory, so each raises the process's high-water mark (VmHWM) by what one hash holds.
const SETTINGS = [
  { memoryCost: 9216, timeCost: 4, note: "OWASP equivalent" },
  { memoryCost: 12288, timeCost: 3, note: "OWASP equivalent" },
  { memoryCost: 19456, timeCost: 2, note: "ours (OWASP's first listed minimum)" },
  { memoryCost: 47104, timeCost: 1, note: "OWASP equivalent" },
  { memoryCost: 65536, timeCost: 3, note: "RFC 9106's second recommendation (64 MiB), for scale" },
];
/** The process's peak resident memory so far (Linux). */
const peakRss = () => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"))?.[1] ?? NaN) * 1024;
const N = Number(process.env.ARGON2_N ?? 20);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

console.info(`${os.cpus().length} cores, node ${process.version}, load ${load()} at start; ${N} hashes and ${N} verifies each, one at a time`);
for (const s of SETTINGS) {
  const options = { algorithm: 2 /* Argon2id */, memoryCost: s.memoryCost, timeCost: s.timeCost, parallelism: 1 } as const;
  const before = peakRss();
  const times: number[] = [];
  let stored = "";
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    stored = await hash(`password-${i}`, options);
    times.push(performance.now() - t0);
  }
  const verifies: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await verify(stored, `password-${N - 1}`);
    verifies.push(performance.now() - t0);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.info(
    `m=${s.memoryCost} KiB (${(s.memoryCost / 1024).toFixed(0)} MiB), t=${s.timeCost}, p=1: hash median ${med(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}), ` +
      `verify median ${med(verifies).toFixed(1)} ms; peak RSS +${((peakRss() - before) / 2 ** 20).toFixed(0)} MiB; ${s.note}`,
  );
}
console.info(`load at the end ${load()}`);
