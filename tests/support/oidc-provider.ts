import crypto from "node:crypto";
import http from "node:http";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";
import { readForm } from "./read-form";

// A real OpenID provider for the SSO tests: panva's certified oidc-provider on 127.0.0.1 with one
// registered client, and a login page of its own standing in for a campus 统一身份认证 page (a form
// that checks a password, then a consent page). The provider's internal id is opaque (`sub`);
// the 学号/工号 travels in `preferred_username`, as campus IdPs send a student number in a claim.

export type ProviderAccount = { password: string; name: string };

export type TestOidcProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The next token response carries an ID token whose payload names `number` instead, signature unchanged. */
  tamperNextIdToken(number: string): void;
  stop(): Promise<void>;
};

export async function startOidcProvider(opts: { redirectUri: string; accounts: Record<string, ProviderAccount> }): Promise<TestOidcProvider> {
  const clientId = "wsdx-test";
  const clientSecret = crypto.randomBytes(24).toString("base64url");
  let tamperAs: string | null = null;

  // The issuer names the port, so the server listens before the provider exists.
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const signingKey = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [opts.redirectUri],
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    jwks: { keys: [{ ...signingKey, kid: "test-key", alg: "RS256", use: "sig" }] },
    cookies: { keys: [crypto.randomBytes(24).toString("base64url")] },
    claims: { openid: ["sub"], profile: ["name", "preferred_username"] },
    // The claims of the granted scopes go into the ID token itself, not only to the userinfo endpoint.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, id) => {
      const account = opts.accounts[id];
      return { accountId: id, claims: () => ({ sub: `idp-${id}`, preferred_username: id, name: account?.name ?? id }) };
    },
  });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://provider.invalid");
    if (url.pathname === "/favicon.ico") {
      // A campus login page has one; without it the browser logs a 404 in the console.
      res.writeHead(204).end();
      return;
    }
    const uid = /^\/interaction\/([\w-]+)$/.exec(url.pathname)?.[1];
    if (uid) {
      interaction(provider, opts.accounts, req, res).catch((e: unknown) => {
        res.statusCode = 500;
        res.end(String(e));
      });
      return;
    }
    provider.callback()(req, res);
  });
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === "/token" && tamperAs !== null && ctx.body && typeof ctx.body === "object" && "id_token" in ctx.body) {
      const body = ctx.body as { id_token: string };
      const [header, payload, signature] = body.id_token.split(".");
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
      claims.preferred_username = tamperAs;
      body.id_token = [header, Buffer.from(JSON.stringify(claims)).toString("base64url"), signature].join(".");
      tamperAs = null;
    }
  });

  return {
    issuer,
    clientId,
    clientSecret,
    tamperNextIdToken(number) {
      tamperAs = number;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: http.ServerResponse, status: number, title: string, body: string) {
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  res.end(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`);
}

/** The provider's own pages: sign in with a password, then allow the application to know who you are. */
async function interaction(provider: Provider, accounts: Record<string, ProviderAccount>, req: http.IncomingMessage, res: http.ServerResponse) {
  const details = await provider.interactionDetails(req, res);
  const action = `/interaction/${details.uid}`;
  if (details.prompt.name === "login") {
    if (req.method === "POST") {
      const form = await readForm(req);
      const username = form.get("username") ?? "";
      const account = accounts[username] as ProviderAccount | undefined;
      if (account?.password === form.get("password")) {
        await provider.interactionFinished(req, res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
        return;
      }
      return loginPage(res, action, "用户名或密码错误");
    }
    return loginPage(res, action);
  }
  if (details.prompt.name === "consent") {
    if (req.method === "POST") {
      const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id as string });
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
      return;
    }
    return page(
      res,
      200,
      "授权确认",
      `<p>网上党校请求获取您的学号/工号和姓名。</p><form method="post" action="${action}"><button type="submit">同意授权</button></form>`,
    );
  }
  page(res, 501, "不支持的步骤", "");
}

function loginPage(res: http.ServerResponse, action: string, error?: string) {
  page(
    res,
    error ? 401 : 200,
    "统一身份认证（测试）",
    `${error ? `<p role="alert">${escape(error)}</p>` : ""}<form method="post" action="${action}">
<label>用户名 <input name="username" autocomplete="username"></label>
<label>密码 <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">登录</button></form>`,
  );
}

/** The app's settings for signing in at this provider, the 学号 in `preferred_username`. */
export function oidcEnv(provider: TestOidcProvider, publicUrl: string): Record<string, string> {
  return {
    PUBLIC_URL: publicUrl,
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_ID_CLAIM: "preferred_username",
    OIDC_SCOPE: "openid profile",
  };
}
