import path from "node:path";
import { z } from "zod";
import { pushHostRules } from "~/lib/push-endpoint";

/** Unset and empty are the same: an `.env` line `OIDC_ISSUER=` switches SSO off, not on with "". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** An identity provider's address: https, or http on this machine only (the test providers). */
function providerUrl(name: string) {
  return z
    .url({ error: `${name} 必须是网址 / ${name} must be a URL` })
    .refine((u) => {
      const url = new URL(u);
      return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname));
    }, `${name} 必须是 https 地址（http 仅限本机测试）/ ${name} must be an https URL (http only on localhost)`)
    .refine((u) => !new URL(u).search && !new URL(u).hash, `${name} 不能带查询参数 / ${name} must not have a query or fragment`)
    .transform((u) => u.replace(/\/+$/, ""));
}

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;

// Campus single sign-on (decision 031): one protocol at a time, CAS or OpenID Connect.
const SSO_ENV = {
  /** The CAS server's prefix: `https://authserver.example.edu.cn/authserver` (its `/login` and `/p3/serviceValidate` follow). */
  CAS_BASE_URL: optional(providerUrl("CAS_BASE_URL")),
  CAS_VERSION: z.enum(["2.0", "3.0"], { error: "CAS_VERSION 只能是 2.0 或 3.0 / CAS_VERSION must be 2.0 or 3.0" }).default("3.0"),
  /** The attribute holding the 学号/工号; without it the CAS user name is the number. */
  CAS_ID_ATTRIBUTE: optional(z.string().regex(NAME_PATTERN, "CAS_ID_ATTRIBUTE 不是合法的属性名 / CAS_ID_ATTRIBUTE is not an attribute name")),
  OIDC_ISSUER: optional(providerUrl("OIDC_ISSUER")),
  OIDC_CLIENT_ID: optional(z.string().max(256, "OIDC_CLIENT_ID 过长 / OIDC_CLIENT_ID is too long")),
  OIDC_CLIENT_SECRET: optional(z.string().max(1024, "OIDC_CLIENT_SECRET 过长 / OIDC_CLIENT_SECRET is too long")),
  /** The ID token claim holding the 学号/工号. */
  OIDC_ID_CLAIM: z.string().regex(NAME_PATTERN, "OIDC_ID_CLAIM 不是合法的声明名 / OIDC_ID_CLAIM is not a claim name").default("sub"),
  OIDC_SCOPE: z
    .string()
    .regex(/^[\x21-\x7e]+( [\x21-\x7e]+)*$/, "OIDC_SCOPE 应为以空格分隔的 scope / OIDC_SCOPE must be space-separated scopes")
    .refine((s) => s.split(" ").includes("openid"), "OIDC_SCOPE 必须包含 openid / OIDC_SCOPE must include openid")
    .default("openid"),
  /** What the sign-in button calls the school's SSO. */
  SSO_LABEL: z.string().trim().min(1).max(20, "SSO_LABEL 不能超过 20 个字 / SSO_LABEL must be at most 20 characters").default("统一身份认证"),
};

type SsoRaw = z.output<z.ZodObject<typeof SSO_ENV>> & { PUBLIC_URL?: string };

/** Settings that are valid alone but not together, checked at start like the rest. */
function checkSso(raw: SsoRaw, ctx: z.RefinementCtx) {
  const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  if (raw.CAS_BASE_URL && raw.OIDC_ISSUER) issue("OIDC_ISSUER", "CAS_BASE_URL 与 OIDC_ISSUER 只能设置一个 / set CAS_BASE_URL or OIDC_ISSUER, not both");
  if (raw.OIDC_ISSUER && !raw.OIDC_CLIENT_ID)
    issue("OIDC_CLIENT_ID", "设置 OIDC_ISSUER 时必须设置 OIDC_CLIENT_ID / OIDC_CLIENT_ID is required with OIDC_ISSUER");
  // The service URL and redirect URI are built from PUBLIC_URL, never from the request's Host header.
  if ((raw.CAS_BASE_URL || raw.OIDC_ISSUER) && !raw.PUBLIC_URL) {
    issue("PUBLIC_URL", "启用统一身份认证时必须设置 PUBLIC_URL / PUBLIC_URL is required for single sign-on");
  }
}

function ssoSettings(raw: SsoRaw) {
  const cas = raw.CAS_BASE_URL ? { baseUrl: raw.CAS_BASE_URL, version: raw.CAS_VERSION, idAttribute: raw.CAS_ID_ATTRIBUTE ?? null } : null;
  const oidc =
    raw.OIDC_ISSUER && raw.OIDC_CLIENT_ID
      ? {
          issuer: raw.OIDC_ISSUER,
          clientId: raw.OIDC_CLIENT_ID,
          clientSecret: raw.OIDC_CLIENT_SECRET ?? null,
          idClaim: raw.OIDC_ID_CLAIM,
          scope: raw.OIDC_SCOPE,
        }
      : null;
  return { label: raw.SSO_LABEL, cas, oidc };
}

type StorageRaw = { STORAGE_URL?: string; S3_ENDPOINT?: string; S3_REGION: string; S3_ACCESS_KEY_ID?: string; S3_SECRET_ACCESS_KEY?: string };

/** A bucket needs its store's address and keys; S3 settings without a bucket are a half-done configuration. */
function checkStorage(raw: StorageRaw, ctx: z.RefinementCtx) {
  const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  if (raw.STORAGE_URL) {
    for (const name of ["S3_ENDPOINT", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const) {
      if (!raw[name]) issue(name, `STORAGE_URL 为 s3:// 时必须设置 ${name} / ${name} is required with an s3:// STORAGE_URL`);
    }
  } else if (raw.S3_ENDPOINT || raw.S3_ACCESS_KEY_ID || raw.S3_SECRET_ACCESS_KEY) {
    issue(
      "STORAGE_URL",
      "设置了 S3_* 但未设置 STORAGE_URL=s3://存储桶名，上传文件仍会存放在 DATA_DIR / S3_* is set but STORAGE_URL=s3://<bucket> is not: uploads would stay in DATA_DIR",
    );
  }
}

function storageSettings(raw: StorageRaw) {
  if (!raw.STORAGE_URL || !raw.S3_ENDPOINT || !raw.S3_ACCESS_KEY_ID || !raw.S3_SECRET_ACCESS_KEY) return { kind: "folder" } as const;
  return {
    kind: "s3",
    bucket: raw.STORAGE_URL.slice("s3://".length),
    endpoint: raw.S3_ENDPOINT,
    region: raw.S3_REGION,
    accessKeyId: raw.S3_ACCESS_KEY_ID,
    secretAccessKey: raw.S3_SECRET_ACCESS_KEY,
  } as const;
}

// The embedded defaults let a fresh clone start with no configuration at all.
const EnvSchema = z
  .object({
    APP_MODE: z.enum(["demo", "production"]).optional(),
    NODE_ENV: z.string().optional(),
    /** `file:./data/app.db` (SQLite, the default) or `postgresql://user:pass@host:5432/db` (decision 073). */
    DATABASE_URL: z
      .string()
      .refine(
        (u) => u.startsWith("file:") || (/^postgres(ql)?:\/\/\S+$/.test(u) && URL.canParse(u)),
        "DATABASE_URL 应以 file:（SQLite）或 postgresql://（PostgreSQL）开头 / DATABASE_URL must be file:… (SQLite) or postgresql://… (PostgreSQL)",
      )
      .default("file:./data/app.db"),
    DATA_DIR: z.string().default("./data"),
    HOST: z.string().default("127.0.0.1"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    SESSION_DAYS: z.coerce.number().int().min(1).max(90).default(14),
    /** How long an account activation code stays valid (decision 030). */
    ACTIVATION_DAYS: z.coerce.number().int().min(1).max(90).default(14),
    COOKIE_SECURE: z.enum(["true", "false"]).optional(),
    /** Comma-separated extra origins allowed to post forms (behind a proxy with another host name). */
    ALLOWED_ORIGINS: z.string().default(""),
    /**
     * Behind a reverse proxy you run: the client address from X-Forwarded-For, the scheme from
     * X-Forwarded-Proto, the proxy's X-Request-Id. A number is how many proxies stand in front (the address
     * is taken that many hops back, so an address a client wrote into the header is not believed); `true`
     * takes the header's first address, right only behind a proxy that replaces the header.
     */
    TRUST_PROXY: z
      .string()
      .default("false")
      .refine(
        (v) => /^(true|false|[1-9])$/.test(v),
        "TRUST_PROXY 须为 true、false 或代理的层数 1–9 / TRUST_PROXY must be true, false or the number of proxies, 1–9",
      ),
    /** Behind a balancer: on stopping, how long /healthz answers 503 (so the balancer takes the node out) before the server stops accepting connections. */
    DRAIN_SECONDS: z.coerce
      .number()
      .min(0, "DRAIN_SECONDS 不能为负 / DRAIN_SECONDS must not be negative")
      .max(120, "DRAIN_SECONDS 最多 120 / DRAIN_SECONDS is at most 120")
      .default(0),
    /** Password hashes computed at once; default: cores − 1, leaving a core to serve pages. */
    ARGON2_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
    /** How long one similarity check may run before it is stopped and its report marked failed (decision 045). */
    SIMILARITY_TIME_LIMIT_MS: z.coerce.number().int().min(1).max(600_000).default(60_000),
    /** Where the rule packs are read from: a school may keep packs of its own beside the shipped ones. */
    RULE_PACKS_DIR: z.string().default("./content/rule-packs"),
    PIPELINE_PACKS_DIR: z.string().default("./content/pipeline-packs"),
    // Uploaded and generated files (decision 081): DATA_DIR's folder, or a bucket of an S3-compatible store.
    /** `s3://<bucket>` keeps uploads in that bucket (the S3_* settings below); unset: in DATA_DIR. */
    STORAGE_URL: optional(
      z
        .string()
        .regex(
          /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
          "STORAGE_URL 应为 s3://存储桶名（3–63 位小写字母、数字、点或连字符）/ STORAGE_URL must be s3://<bucket> (3–63 lowercase letters, digits, dots or hyphens)",
        ),
    ),
    /** The S3-compatible store's address, path-style: `https://s3.example.edu.cn` (http only for a store on a private network). */
    S3_ENDPOINT: optional(
      z
        .url({ error: "S3_ENDPOINT 必须是网址 / S3_ENDPOINT must be a URL" })
        .refine((u) => /^https?:\/\//.test(u), "S3_ENDPOINT 必须以 http:// 或 https:// 开头 / S3_ENDPOINT must be an http(s) URL")
        .refine((u) => !new URL(u).search && !new URL(u).hash, "S3_ENDPOINT 不能带查询参数 / S3_ENDPOINT must not have a query or fragment")
        .transform((u) => u.replace(/\/+$/, "")),
    ),
    S3_REGION: z
      .string()
      .regex(/^[a-z0-9-]{1,32}$/, "S3_REGION 应为区域名，如 us-east-1 / S3_REGION must be a region name such as us-east-1")
      .default("us-east-1"),
    S3_ACCESS_KEY_ID: optional(z.string().max(256, "S3_ACCESS_KEY_ID 过长 / S3_ACCESS_KEY_ID is too long")),
    S3_SECRET_ACCESS_KEY: optional(z.string().max(1024, "S3_SECRET_ACCESS_KEY 过长 / S3_SECRET_ACCESS_KEY is too long")),
    /** The folder a course's shipped media paths are relative to (content/courses/… under it): the project root. */
    CONTENT_ROOT: z.string().default("."),
    /** Signs 学时证明 tokens; without it a random key is kept in DATA_DIR/keys/certificate.key (decision 023). */
    CERT_SECRET: z.string().min(32, "CERT_SECRET must be at least 32 characters").optional(),
    /** What every question must have beyond the rules, comma-separated: explanation (解析), tags (标签). */
    QUESTION_REQUIRED_FIELDS: z
      .string()
      .default("")
      .transform((s) =>
        s
          .split(/[,，、\s]+/)
          .map((f) => ({ 解析: "explanation", 标签: "tags" })[f] ?? f)
          .filter(Boolean),
      )
      .refine((fields) => fields.every((f) => f === "explanation" || f === "tags"), "QUESTION_REQUIRED_FIELDS may list explanation and tags only"),
    /** The address printed certificates point to (https://dangxiao.example.edu.cn); default: the request's origin. */
    PUBLIC_URL: z
      .url()
      .refine((u) => /^https?:\/\//.test(u), "PUBLIC_URL must be an http(s) address")
      .transform((u) => u.replace(/\/+$/, ""))
      .optional(),
    ...SSO_ENV,
    // Notifications (decision 054): Web Push keys (generated once into DATA_DIR/keys/vapid.json when unset), SMTP for email.
    VAPID_PUBLIC_KEY: optional(z.string().regex(/^[A-Za-z0-9_-]{80,100}$/, "VAPID_PUBLIC_KEY 应为 base64url 公钥 / must be a base64url public key")),
    VAPID_PRIVATE_KEY: optional(z.string().regex(/^[A-Za-z0-9_-]{40,50}$/, "VAPID_PRIVATE_KEY 应为 base64url 私钥 / must be a base64url private key")),
    /** Who the push services may contact: mailto:… or https://… */
    VAPID_SUBJECT: optional(z.string().regex(/^(mailto:|https:\/\/)\S+$/, "VAPID_SUBJECT 应以 mailto: 或 https:// 开头 / must start with mailto: or https://")),
    /** smtp://user:pass@host:587 or smtps://…; or the parts below. */
    SMTP_URL: optional(z.string().regex(/^smtps?:\/\//, "SMTP_URL 应以 smtp:// 或 smtps:// 开头 / must start with smtp:// or smtps://")),
    SMTP_HOST: optional(z.string()),
    SMTP_PORT: optional(z.coerce.number().int().min(1).max(65535)),
    SMTP_USER: optional(z.string()),
    SMTP_PASS: optional(z.string()),
    SMTP_FROM: optional(z.string()),
    /** How often the outbox is swept for due deliveries. */
    NOTIFY_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(10_000),
    // Push endpoint trust (decision 060).
    /** Push services beyond the known ones: `push.example.edu.cn, *.push.example.com, 127.0.0.1` (an exact entry may be an IP or resolve privately). */
    PUSH_ALLOWED_HOSTS: optional(
      z
        .string()
        .regex(
          /^\s*(\*\.)?[A-Za-z0-9.:[\]_-]+\.?(\s*[,\s]\s*(\*\.)?[A-Za-z0-9.:[\]_-]+\.?)*\s*$/,
          "PUSH_ALLOWED_HOSTS 应为以逗号分隔的主机名 / must be host names separated by commas",
        ),
    ),
    /** How long one delivery may take before its sends are aborted and it is retried later. */
    NOTIFY_SEND_LIMIT_MS: z.coerce.number().int().min(1_000).max(300_000).default(60_000),
    // Operations (decision 075).
    /** Where backups are written (`npm run backup`, and the schedule below). */
    BACKUP_DIR: z.string().default("./backups"),
    /** Hours between scheduled backups made by the running server; 0 (the default) makes none. */
    BACKUP_INTERVAL_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 31)
      .default(0),
    /** How many backups to keep: older ones are deleted after each new one. */
    BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
    /** `json` (one JSON object a line) or `pretty`; default: pretty in a terminal, JSON otherwise. */
    LOG_FORMAT: optional(z.enum(["json", "pretty"], { error: "LOG_FORMAT 只能是 json 或 pretty / LOG_FORMAT must be json or pretty" })),
    /** Turns on GET /metrics for Prometheus, for a caller that sends it as a bearer token. */
    METRICS_TOKEN: optional(z.string().min(32, "METRICS_TOKEN 至少 32 个字符 / METRICS_TOKEN must be at least 32 characters")),
  })
  .superRefine(checkSso)
  .superRefine(checkStorage);

/**
 * What multi-node mode needs that one machine does not, or null (decision 076). App nodes share their
 * data only through PostgreSQL (a SQLite file belongs to one machine, whose processes share DATA_DIR), so
 * a PostgreSQL DATABASE_URL is multi-node mode, with no second setting to forget. Without CERT_SECRET
 * each node would sign 学时证明 with a random key of its own in its DATA_DIR (decision 023), and a
 * certificate signed on one node would not verify on another.
 */
function multiNodeProblem(vars: Record<string, string | undefined>): string | null {
  if (databaseEngine(vars.DATABASE_URL ?? "") !== "postgres" || vars.CERT_SECRET) return null;
  return (
    "CERT_SECRET is required when DATABASE_URL is PostgreSQL (several app nodes): each node would otherwise sign certificates with a key of its own that the other nodes cannot verify. " +
    "Set the same CERT_SECRET (at least 32 characters) on every node.\n" +
    "使用 PostgreSQL（多节点部署）时必须设置 CERT_SECRET：否则每个节点用各自的密钥签发学时证明，其他节点无法验证。请在所有节点上设置同一个 CERT_SECRET（至少 32 个字符）。"
  );
}

/** TRUST_PROXY as Express's "trust proxy" takes it: false, true (every hop), or how many proxies are trusted. */
function trustProxySetting(value: string): boolean | number {
  return value === "true" ? true : value === "false" ? false : Number(value);
}

function load() {
  const parsed = EnvSchema.safeParse(process.env);
  // The multi-node check reads the variables as given, before DATABASE_URL's own rules: it is the first thing to fix.
  const nodes = multiNodeProblem(process.env);
  if (nodes || !parsed.success) {
    throw new Error(`Invalid environment: ${[nodes, parsed.success ? null : z.prettifyError(parsed.error)].filter(Boolean).join("\n")}`);
  }
  const raw = parsed.data;
  const mode = raw.APP_MODE ?? (raw.NODE_ENV === "production" ? "production" : "demo");
  return {
    mode,
    databaseUrl: raw.DATABASE_URL,
    databaseEngine: databaseEngine(raw.DATABASE_URL),
    /** SQLite's file; read on PostgreSQL it throws, so SQLite-only code fails with a message, not on a file named after the URL. */
    get databaseFile(): string {
      if (databaseEngine(raw.DATABASE_URL) !== "sqlite")
        throw new Error("env.databaseFile: DATABASE_URL is PostgreSQL; this code path is SQLite-only (decision 073)");
      return databaseFileFromUrl(raw.DATABASE_URL);
    },
    dataDir: path.resolve(raw.DATA_DIR),
    host: raw.HOST,
    port: raw.PORT,
    sessionDays: raw.SESSION_DAYS,
    activationDays: raw.ACTIVATION_DAYS,
    cookieSecure: raw.COOKIE_SECURE ? raw.COOKIE_SECURE === "true" : mode === "production",
    allowedOrigins: raw.ALLOWED_ORIGINS.split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxy: trustProxySetting(raw.TRUST_PROXY),
    drainMs: raw.DRAIN_SECONDS * 1000,
    argon2Concurrency: raw.ARGON2_CONCURRENCY,
    rulePacksDir: path.resolve(raw.RULE_PACKS_DIR),
    contentRoot: path.resolve(raw.CONTENT_ROOT),
    storage: storageSettings(raw),
    pipelinePacksDir: path.resolve(raw.PIPELINE_PACKS_DIR),
    similarityTimeLimitMs: raw.SIMILARITY_TIME_LIMIT_MS,
    certSecret: raw.CERT_SECRET,
    publicUrl: raw.PUBLIC_URL,
    sso: ssoSettings(raw),
    vapid: { publicKey: raw.VAPID_PUBLIC_KEY, privateKey: raw.VAPID_PRIVATE_KEY, subject: raw.VAPID_SUBJECT },
    smtp:
      raw.SMTP_URL || raw.SMTP_HOST
        ? { url: raw.SMTP_URL, host: raw.SMTP_HOST, port: raw.SMTP_PORT, user: raw.SMTP_USER, pass: raw.SMTP_PASS, from: raw.SMTP_FROM }
        : null,
    notifyIntervalMs: raw.NOTIFY_INTERVAL_MS,
    pushHosts: pushHostRules(raw.PUSH_ALLOWED_HOSTS),
    notifySendLimitMs: raw.NOTIFY_SEND_LIMIT_MS,
    backup: { dir: path.resolve(raw.BACKUP_DIR), intervalHours: raw.BACKUP_INTERVAL_HOURS, keep: raw.BACKUP_KEEP },
    logFormat: raw.LOG_FORMAT,
    metricsToken: raw.METRICS_TOKEN,
    questionRequiredFields: { explanation: raw.QUESTION_REQUIRED_FIELDS.includes("explanation"), tags: raw.QUESTION_REQUIRED_FIELDS.includes("tags") },
  } as const;
}

export type DatabaseEngine = "sqlite" | "postgres";

/** The engine a DATABASE_URL selects: `postgres://` and `postgresql://` PostgreSQL, anything else (`file:`) SQLite. */
export function databaseEngine(url: string): DatabaseEngine {
  return /^postgres(ql)?:\/\//.test(url) ? "postgres" : "sqlite";
}

/** `file:./data/app.db` → absolute path, relative to the working directory (the project root). */
export function databaseFileFromUrl(url: string): string {
  return path.resolve(url.replace(/^file:/, "").replace(/\?.*$/, ""));
}

export type AppEnv = ReturnType<typeof load>;

let loaded: AppEnv | undefined;
/**
 * Read on first use, not at import: a script or a test may import app modules (the record writer of the
 * seed and the factories imports the password hasher) before it sets DATABASE_URL, and must not be
 * pinned to the default database.
 */
export const env: AppEnv = new Proxy({} as AppEnv, {
  get: (_target, key) => (loaded ??= load())[key as keyof AppEnv],
});
