import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storedTimestamp } from "~/lib/timestamp";
import { Client } from "../support/client";
import { textOf } from "../support/rendered-form";
import { type TestServer, startTestServer } from "../support/server";

// The quiz and contest builders share their forms (~/components/builder): a refusal shows beside the
// field it is about, in the page the server renders, so it reads the same before hydration.

let server: TestServer;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "党委", kind: "committee" });
  const college = f.unit({ name: "甲学院党委", kind: "college", parent: root });
  ids.college = college.id;
  ids.trainer = f.person({ number: "trainer", name: "教员", unitId: college.id, category: "staff", politicalStatus: "member" });
  await f.password(ids.trainer, PASSWORD);
  f.grant(ids.trainer, "trainer", college.id);
  const now = storedTimestamp(new Date());
  ids.bank = Number(
    f.db.prepare("INSERT INTO QuestionBank (slug, title, unitId, createdAt, updatedAt) VALUES ('forms', '表单题库', ?, ?, ?)").run(root.id, now, now)
      .lastInsertRowid,
  );
  const q = f.db.prepare(
    "INSERT INTO Question (bankId, key, type, stem, options, answer, explanation, difficulty, tags, createdAt, updatedAt) VALUES (?, ?, 'single', ?, ?, '\"A\"', '解析', 1, '[]', ?, ?)",
  );
  for (const i of [1, 2]) q.run(ids.bank, `f-${i}`, `表单第${i}题`, JSON.stringify({ A: "甲", B: "乙" }), now, now);
});
afterAll(() => server?.stop());

async function trainer() {
  const c = new Client(server.url);
  expect((await c.login("trainer", PASSWORD)).status).toBe(302);
  return c;
}

describe("the builders' forms", () => {
  it("show a create form's refusal beside the name field", async () => {
    const c = await trainer();
    for (const [path, message] of [
      ["/manage/contests", "请填写竞赛名称"],
      ["/manage/quizzes", "请填写测试名称"],
    ]) {
      const res = await c.post(path, { title: " ", unitId: String(ids.college) });
      expect(res.status).toBe(400);
      expect(textOf(res.text, "new-paper-title-error")).toBe(message);
      expect(res.text).toMatch(/aria-describedby="new-paper-title-error"/);
    }
  });

  it("show a draw its pool cannot fill beside the count, and a settings error beside its field", async () => {
    const c = await trainer();
    const created = await c.post("/manage/quizzes", { title: "表单测试", unitId: String(ids.college) });
    const url = created.location!;
    const draw = await c.post(url, { intent: "slot-add", kind: "draw", bankId: String(ids.bank), tag: "", difficulty: "", count: "3", mark: "5" });
    expect(draw.status).toBe(400);
    expect(textOf(draw.text, "slot-add-draw-count-error")).toBe("符合条件的题目只有 2 道，不够抽取 3 道");

    const settings = await c.post(url, {
      intent: "settings",
      title: "表单测试",
      maxAttempts: "0",
      gradeMethod: "highest",
      passPercent: "60",
      reviewPolicy: "never",
    });
    expect(settings.status).toBe(400);
    expect(textOf(settings.text, "settings-maxAttempts-error")).toBe("至少允许作答 1 次");
    // What was typed stays in the form.
    expect(settings.text).toMatch(/id="settings-maxAttempts"[^>]*value="0"|value="0"[^>]*id="settings-maxAttempts"/);
  });

  it("show a refusal that names no field at the top of the form that was sent", async () => {
    const c = await trainer();
    const created = await c.post("/manage/contests", { title: "表单竞赛", unitId: String(ids.college) });
    const res = await c.post(created.location!, { intent: "publish" });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/role="alert"[^>]*>试卷还没有题目</);
  });
});
