import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// The installable app's files as the real server sends them: the manifest with its type and real
// icons of the sizes it declares, the service worker never kept by an HTTP cache, and the offline
// page (no script, nobody's name on it).

let server: TestServer;
let anonymous: Client;
const PASSWORD = "Passw0rd1";

beforeAll(async () => {
  server = await startTestServer();
  anonymous = new Client(server.url);
});
afterAll(async () => {
  await server?.stop();
});

type Manifest = {
  name: string;
  start_url: string;
  scope: string;
  display: string;
  lang: string;
  theme_color: string;
  icons: { src: string; sizes: string; purpose: string }[];
};

describe("the installable app", () => {
  it("serves a manifest whose icons are PNGs of the sizes it declares", async () => {
    const res = await anonymous.get("/manifest.webmanifest");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/manifest\+json/);
    const manifest = JSON.parse(res.text) as Manifest;
    expect(manifest).toMatchObject({ name: "网上党校", start_url: "/", scope: "/", display: "standalone", lang: "zh-CN", theme_color: "#c8102e" });
    expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose}`).sort()).toEqual(["192x192 any", "512x512 any", "512x512 maskable"]);
    for (const icon of [...manifest.icons, { src: "/icons/apple-touch-icon.png", sizes: "180x180" }, { src: "/icons/badge-96.png", sizes: "96x96" }]) {
      const file = await anonymous.download(icon.src);
      expect(file.status, icon.src).toBe(200);
      const meta = await sharp(file.bytes).metadata();
      expect(`${meta.format} ${meta.width}x${meta.height}`, icon.src).toBe(`png ${icon.sizes}`);
    }
  });

  it("serves the service worker uncached, and the hashed files for a year", async () => {
    const sw = await anonymous.get("/sw.js");
    expect(sw.status).toBe(200);
    expect(sw.headers.get("content-type")).toMatch(/^application\/javascript/);
    expect(sw.headers.get("cache-control")).toBe("no-cache");
    expect(sw.text).toMatch(/wsdx-shell-/);
    expect(sw.text).not.toContain("__BUILD_VERSION__");

    const page = await anonymous.get("/login");
    const asset = /src="(\/assets\/[^"]+\.js)"|href="(\/assets\/[^"]+\.js)"/.exec(page.text);
    expect(asset).not.toBeNull();
    const js = await anonymous.get(asset![1] ?? asset![2]);
    expect(js.headers.get("cache-control")).toMatch(/max-age=31536000/);
    const manifest = await anonymous.get("/manifest.webmanifest");
    expect(manifest.headers.get("cache-control")).toBe("public, max-age=3600");
  });

  it("links the manifest, the Apple icon and the theme colour from every page", async () => {
    const page = await anonymous.get("/login");
    expect(page.text).toContain('<link rel="manifest" href="/manifest.webmanifest"/>');
    expect(page.text).toContain('<link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>');
    expect(page.text).toContain('<meta name="theme-color" content="#c8102e"/>');
  });

  it("serves an offline page in Chinese that runs no script and, fetched without cookies, names nobody", async () => {
    const res = await anonymous.get("/offline");
    expect(res.status).toBe(200);
    expect(res.text).toContain("当前没有网络连接");
    expect(res.text).toContain("不会保存任何内容");
    expect(res.text).not.toMatch(/<script/i);
    expect(res.text).toMatch(/<link rel="stylesheet" href="\/assets\/[^"]+\.css"/);
    expect(res.text).not.toContain("退出");

    // The page itself is an ordinary page: signed in, it shows the header as any other (the worker
    // fetches it without cookies, see the e2e test).
    const f = server.factory;
    const unit = f.unit({ name: "离线测试党支部", kind: "branch", branchType: "student" });
    const id = f.person({ number: "offline1", name: "离线测试员", unitId: unit.id, politicalStatus: "member" });
    await f.password(id, PASSWORD);
    const member = new Client(server.url);
    expect((await member.login("offline1", PASSWORD)).status).toBe(302);
    expect((await member.get("/offline")).text).toContain("离线测试员");
  });
});
