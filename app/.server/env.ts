import path from "node:path";
import { z } from "zod";

// The embedded defaults let a fresh clone start with no configuration at all.
const EnvSchema = z.object({
  APP_MODE: z.enum(["demo", "production"]).optional(),
  NODE_ENV: z.string().optional(),
  DATABASE_URL: z.string().startsWith("file:").default("file:./data/app.db"),
  DATA_DIR: z.string().default("./data"),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SESSION_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  /** How long an account activation code stays valid (decision 030). */
  ACTIVATION_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  COOKIE_SECURE: z.enum(["true", "false"]).optional(),
  /** Comma-separated extra origins allowed to post forms (behind a proxy with another host name). */
  ALLOWED_ORIGINS: z.string().default(""),
  /** Trust X-Forwarded-For for the client address (only behind a reverse proxy you run). */
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  /** Password hashes computed at once; default: cores − 1, leaving a core to serve pages. */
  ARGON2_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  /** Where the rule packs are read from: a school may keep packs of its own beside the shipped ones. */
  RULE_PACKS_DIR: z.string().default("./content/rule-packs"),
  /** Signs 学时证明 tokens; without it a random key is kept in DATA_DIR/keys/certificate.key (decision 023). */
  CERT_SECRET: z.string().min(32, "CERT_SECRET must be at least 32 characters").optional(),
  /** The address printed certificates point to (https://dangxiao.example.edu.cn); default: the request's origin. */
  PUBLIC_URL: z
    .url()
    .refine((u) => /^https?:\/\//.test(u), "PUBLIC_URL must be an http(s) address")
    .transform((u) => u.replace(/\/+$/, ""))
    .optional(),
});

function load() {
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`Invalid environment: ${z.prettifyError(parsed.error)}`);
  }
  const raw = parsed.data;
  const mode = raw.APP_MODE ?? (raw.NODE_ENV === "production" ? "production" : "demo");
  return {
    mode,
    databaseUrl: raw.DATABASE_URL,
    databaseFile: databaseFileFromUrl(raw.DATABASE_URL),
    dataDir: path.resolve(raw.DATA_DIR),
    host: raw.HOST,
    port: raw.PORT,
    sessionDays: raw.SESSION_DAYS,
    activationDays: raw.ACTIVATION_DAYS,
    cookieSecure: raw.COOKIE_SECURE ? raw.COOKIE_SECURE === "true" : mode === "production",
    allowedOrigins: raw.ALLOWED_ORIGINS.split(",").map((s) => s.trim()).filter(Boolean),
    trustProxy: raw.TRUST_PROXY === "true",
    argon2Concurrency: raw.ARGON2_CONCURRENCY,
    rulePacksDir: path.resolve(raw.RULE_PACKS_DIR),
    certSecret: raw.CERT_SECRET,
    publicUrl: raw.PUBLIC_URL,
  } as const;
}

/** `file:./data/app.db` → absolute path, relative to the working directory (the project root). */
export function databaseFileFromUrl(url: string): string {
  return path.resolve(url.replace(/^file:/, "").replace(/\?.*$/, ""));
}

export type AppEnv = ReturnType<typeof load>;

let loaded: AppEnv | undefined;
/**
 * Read on first use, not at import: a script or a test may import app modules (the factories import
 * the password hasher) before it sets DATABASE_URL, and must not be pinned to the default database.
 */
export const env: AppEnv = new Proxy({} as AppEnv, {
  get: (_target, key) => (loaded ??= load())[key as keyof AppEnv],
});
