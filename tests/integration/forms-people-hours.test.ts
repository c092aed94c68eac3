import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toLocalInput } from "~/lib/quiz-settings";
import { Client } from "../support/client";
import { tagOf, textOf } from "../support/rendered-form";
import { type TestServer, startTestServer } from "../support/server";

// The forms of the people, activity, claim, notice and rule pages read the same before hydration: a
// plain POST the server refuses comes back with status 400, each message beside the field it is about
// (the element the input's aria-describedby names), and what was typed still in the form.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "表单大学党委", kind: "committee" });
  const branch = f.unit({ name: "表单学院党支部", kind: "branch", branchType: "staff", parent: root });
  ids.branch = branch.id;
  const person = async (key: string, unitId: number) => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus: "member", category: "staff" });
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("SEC", branch.id);
  f.grant(ids.SEC, "secretary", branch.id);
  await person("ADMIN", root.id);
  f.grant(ids.ADMIN, "admin", root.id);
  await person("M1", branch.id);
});
afterAll(() => server?.stop());

describe("the people and hours pages' forms", () => {
  it("show a claim's refusals beside the title and the certificate, keeping what was typed", async () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ title: " ", organizer: "省委党校", category: "party_school", hours: "8", earnedOn: "2026-03-10" })) form.append(k, v);
    form.append("certificate", new Blob([new TextEncoder().encode("not an image")], { type: "image/png" }), "scan.png");
    const res = await clients.M1.post("/account/claims", form);
    expect(res.status).toBe(400);
    expect(textOf(res.text, "claim-title-error")).toBe("请填写培训名称");
    expect(tagOf(res.text, "claim-title")).toContain('aria-describedby="claim-title-error"');
    expect(tagOf(res.text, "claim-organizer")).toContain('value="省委党校"');

    // A claim whose fields pass but whose file is not an image: the sentence is the file's.
    const image = new FormData();
    for (const [k, v] of Object.entries({ title: "专题培训", category: "party_school", hours: "8", earnedOn: "2026-03-10" })) image.append(k, v);
    image.append("certificate", new Blob([new TextEncoder().encode("not an image")], { type: "image/png" }), "scan.png");
    const refused = await clients.M1.post("/account/claims", image);
    expect(refused.status).toBe(400);
    expect(textOf(refused.text, "claim-certificate-error")).toContain("证书须为 JPEG、PNG 或 WebP 格式的图片");
    expect(tagOf(refused.text, "claim-title")).toContain('value="专题培训"');
  });

  it("show a new activity's errors beside its fields, the time-order one too when the title is missing", async () => {
    const start = new Date(Date.now() + 3600_000);
    const res = await clients.SEC.post("/manage/activities", {
      unitId: String(ids.branch),
      title: "",
      kind: "theme_day",
      startsAt: toLocalInput(start),
      endsAt: toLocalInput(start),
      checkinOpensAt: toLocalInput(start),
      checkinClosesAt: toLocalInput(new Date(start.getTime() + 3600_000)),
      hours: "1.5",
    });
    expect(res.status).toBe(400);
    expect(textOf(res.text, "new-activity-title-error")).toBe("请填写活动名称");
    expect(textOf(res.text, "new-activity-endsAt-error")).toBe("结束时间须晚于开始时间");
    expect(tagOf(res.text, "new-activity-endsAt")).toContain('aria-describedby="new-activity-endsAt-error"');
    expect(tagOf(res.text, "new-activity-hours")).toContain('value="1.5"');
  });

  it("show a notice's missing body beside the body, keeping the title", async () => {
    const res = await clients.SEC.post("/manage/notices", { intent: "post", unitId: String(ids.branch), title: "支部通知", body: "" });
    expect(res.status).toBe(400);
    expect(textOf(res.text, "notice-body-error")).toBe("请填写正文");
    expect(tagOf(res.text, "notice-title")).toContain('value="支部通知"');
  });

  it("show a rule override's bad hours beside the hours of that requirement, keeping the reason", async () => {
    const res = await clients.ADMIN.post("/manage/rules", {
      intent: "override",
      pack: "cpc-2019",
      requirement: "member-annual",
      hours: "-3",
      reason: "校党委决定",
    });
    expect(res.status).toBe(400);
    const form = "override-cpc-2019-member-annual";
    expect(textOf(res.text, `${form}-hours-error`)).toBe("学时须为数字，如 2 或 0.5（最多两位小数）");
    expect(tagOf(res.text, `${form}-hours`)).toContain(`aria-describedby="${form}-hours-error"`);
    expect(tagOf(res.text, `${form}-reason`)).toContain('value="校党委决定"');
  });

  it("show a person's bad phone number beside the phone field, keeping the name typed", async () => {
    const res = await clients.SEC.post(`/manage/people/${ids.M1}`, {
      intent: "update",
      name: "新名字",
      unitId: String(ids.branch),
      cadreLevel: "none",
      phone: "123",
      committeeRole: "",
    });
    expect(res.status).toBe(400);
    expect(textOf(res.text, "update-phone-error")).toBe("手机号应为 11 位数字");
    expect(tagOf(res.text, "update-phone")).toContain('aria-describedby="update-phone-error"');
    expect(tagOf(res.text, "update-name")).toContain('value="新名字"');
  });
});
