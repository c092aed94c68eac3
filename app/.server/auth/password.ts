import os from "node:os";
import { hash, verify } from "@node-rs/argon2";
import { env } from "../env";
import { leaveTurn } from "../http/context";
import { askPrimary, isWorkerProcess, tellPrimary } from "../processes";

// argon2id with OWASP's minimum (m=19456 KiB, t=2, p=1). @node-rs/argon2's async functions run on
// libuv's thread pool, so hashing never blocks the event loop — but four pool threads hashing on a
// 2-core machine starve it all the same. So at most cores − 1 hashes run at once and the rest wait
// their turn: a sign-in storm queues sign-ins instead of stalling every other page.
const OPTIONS = { algorithm: 2 /* Algorithm.Argon2id (a const enum) */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
const maxConcurrent = () => env.argon2Concurrency ?? Math.max(1, os.availableParallelism() - 1);

let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  // A sign-in waits here on the thread pool, not on its event loop: its turn goes to the next request (decision 094).
  leaveTurn();
  // Several processes serving: the primary hands out the slots, so the limit is the machine's (decision 071).
  if (isWorkerProcess()) {
    await askPrimary("argon2:acquire", {});
    try {
      return await work();
    } finally {
      tellPrimary("argon2:release", {});
    }
  }
  // A finishing hash hands its slot straight to the next in line, so a newcomer cannot slip past.
  if (running >= maxConcurrent()) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export function hashPassword(password: string): Promise<string> {
  return limited(() => hash(password, OPTIONS));
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await limited(() => verify(hashed, password));
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Verifies against a throwaway hash so an unknown account costs the same time as a known one. */
export async function burnVerifyTime(password: string): Promise<void> {
  dummyHash ??= hashPassword("dummy-password-for-timing");
  await verifyPassword(await dummyHash, password);
}

/** A temporary password an administrator hands over; the person must replace it at sign-in. */
export function generateTemporaryPassword(): string {
  // No 0/O, 1/l/I: it is read aloud or copied by hand.
  const letters = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
  const digits = "23456789";
  const bytes = new Uint8Array(10);
  crypto.getRandomValues(bytes);
  const chars = [...bytes].map((b, i) => (i % 3 === 2 ? digits[b % digits.length] : letters[b % letters.length]));
  return chars.join("");
}
