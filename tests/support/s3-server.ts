import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { SignatureV4 } from "@smithy/signature-v4";
import S3rver from "s3rver";
import type { S3Settings } from "~/.server/storage/s3";
import { TMP } from "./paths";

// An S3-compatible server for the tests (decision 081), on 127.0.0.1 on a free port, in the test's
// process, stopped (its folder removed) by `stop()`. s3rver answers the S3 API (objects kept in a folder
// of its own, ranges, S3's XML errors), but it does not check SigV4 signatures (its source: "Signature
// version 4 calculation is unimplemented") and lets unsigned requests through. So every request first
// passes a check that recomputes its signature with the AWS SDK's own signer (@smithy/signature-v4,
// an implementation independent of the aws4fetch the app signs with) from the secret of the key it
// names, and refuses, as S3 does, with 403: no signature, an unknown key, a stale date, or a signature
// that does not match; and an upload without Content-Length with 411, as S3 does. The payload is not
// hashed here: an upload sent as UNSIGNED-PAYLOAD has none.

export type TestS3 = {
  settings: S3Settings;
  /** The environment that points the server at this bucket (STORAGE_URL and the S3_* settings). */
  env: Record<string, string>;
  /** The folder s3rver keeps its objects in (an object `a/b.png` of bucket `x` is `x/a/b.png._S3rver_object`). */
  directory: string;
  /** Requests refused by the signature check, by reason. */
  refused: string[];
  stop(): Promise<void>;
};

/** The one account s3rver knows (it refuses other key ids); the secret is ours, checked above s3rver. */
const ACCESS_KEY_ID = "S3RVER";
const SECRET_ACCESS_KEY = crypto.randomBytes(30).toString("base64url");
const SECRETS = new Map([[ACCESS_KEY_ID, SECRET_ACCESS_KEY]]);

const bytes = (d: string | ArrayBuffer | ArrayBufferView) =>
  typeof d === "string" ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** SHA-256 and HMAC-SHA-256 in the shape the AWS signer takes. */
class Sha256 {
  private readonly hash: crypto.Hash | crypto.Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? crypto.createHmac("sha256", bytes(secret)) : crypto.createHash("sha256");
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
  reset() {}
}

function s3Error(res: http.ServerResponse, status: number, code: string, message: string) {
  res.writeHead(status, { "Content-Type": "application/xml" });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

/** Why a request's SigV4 signature is refused, or null when it is right. */
async function signatureProblem(req: http.IncomingMessage): Promise<{ code: string; message: string } | null> {
  const auth = req.headers.authorization ?? "";
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { code: "AccessDenied", message: "Access Denied" };
  const [, accessKeyId, day, region, signedHeaders, signature] = m;
  const secretAccessKey = SECRETS.get(accessKeyId);
  if (!secretAccessKey) return { code: "InvalidAccessKeyId", message: "The AWS Access Key Id you provided does not exist in our records." };
  const amzDate = String(req.headers["x-amz-date"] ?? "");
  const at = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!at || !amzDate.startsWith(day)) return { code: "AccessDenied", message: "X-Amz-Date is missing or does not match the credential" };
  const signingDate = new Date(Date.UTC(+at[1], +at[2] - 1, +at[3], +at[4], +at[5], +at[6]));
  if (Math.abs(Date.now() - signingDate.getTime()) > 15 * 60_000)
    return { code: "RequestTimeTooSkewed", message: "The difference between the request time and the current time is too large." };
  const url = new URL(req.url ?? "/", "http://placeholder");
  const headers: Record<string, string> = {};
  for (const name of signedHeaders.split(";")) headers[name] = String(req.headers[name] ?? "");
  const signer = new SignatureV4({ credentials: { accessKeyId, secretAccessKey }, region, service: "s3", sha256: Sha256, uriEscapePath: false });
  const signed = await signer.sign(
    {
      method: req.method ?? "GET",
      protocol: "http:",
      hostname: String(req.headers.host).replace(/:\d+$/, ""),
      port: Number(String(req.headers.host).split(":")[1]),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
    },
    { signingDate, signableHeaders: new Set(signedHeaders.split(";")) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1];
  const expectedHeaders = /SignedHeaders=([a-z0-9;-]+)/.exec(String(signed.headers.authorization))?.[1];
  if (expected !== signature || expectedHeaders !== signedHeaders) {
    return {
      code: "SignatureDoesNotMatch",
      message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    };
  }
  return null;
}

export async function startTestS3(bucket = "dangxiao-test"): Promise<TestS3> {
  fs.mkdirSync(TMP, { recursive: true });
  const directory = fs.mkdtempSync(path.join(TMP, "s3rver-"));
  const s3rver = new S3rver({ silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const refused: string[] = [];
  const server = http.createServer((req, res) => {
    signatureProblem(req).then(
      (found) => {
        let problem = found;
        // S3 takes no upload of unknown length (a chunked body): 411, where s3rver would take it.
        if (!problem && req.method === "PUT" && req.headers["content-length"] === undefined)
          problem = { code: "MissingContentLength", message: "You must provide the Content-Length HTTP header." };
        if (!problem) return handle(req, res);
        refused.push(problem.code);
        s3Error(res, problem.code === "MissingContentLength" ? 411 : 403, problem.code, problem.message);
      },
      (e: unknown) => s3Error(res, 500, "InternalError", String(e)),
    );
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const settings: S3Settings = {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region: "us-east-1",
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
  };
  return {
    settings,
    env: {
      STORAGE_URL: `s3://${bucket}`,
      S3_ENDPOINT: settings.endpoint,
      S3_REGION: settings.region,
      S3_ACCESS_KEY_ID: ACCESS_KEY_ID,
      S3_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
    },
    directory,
    refused,
    async stop() {
      // Kept-alive connections of the clients would hold close() open until they time out.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
