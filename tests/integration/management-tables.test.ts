import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// The long management lists through the real server (decision 065): sorted by a whitelisted key,
// paged with a size from 20/50/100, a page past the end shows the last page, and a value outside the
// whitelist is a 400 that says what is allowed, never a 500.

let server: TestServer;
const PASSWORD = "Passw0rd1";
let client: Client;
let root: ReturnType<TestServer["factory"]["unit"]>;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  root = f.unit({ name: "测试大学党委", kind: "committee" });
  const cs = f.unit({ name: "计算机学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "计算机学院学生党支部", kind: "branch", branchType: "student", parent: cs });
  const admin = f.person({ number: "A001", name: "管理员", unitId: root.id, category: "staff", politicalStatus: "member" });
  f.grant(admin, "admin", root.id);
  await f.password(admin, PASSWORD);
  // 45 students numbered 2024000001…045, named so that name order runs against number order.
  for (let i = 1; i <= 45; i++) {
    f.person({
      number: `2024000${String(i).padStart(3, "0")}`,
      name: `学生${String(100 - i).padStart(3, "0")}`,
      unitId: branch.id,
      politicalStatus: i <= 5 ? "member" : "activist",
    });
  }
  client = new Client(server.url);
  expect((await client.login("A001", PASSWORD)).status).toBe(302);
});
afterAll(() => server?.stop());

/** The 学号 column of the people rows, in page order. */
const numbersOf = (html: string) => [...html.matchAll(/data-testid="person-row".*?<td class="px-3 py-2 font-mono">([^<]+)<\/td>/g)].map((m) => m[1]);
const students = (n: number[]) => n.map((i) => `2024000${String(i).padStart(3, "0")}`);

describe("people list: sort, page, size", () => {
  it("sorts by number in either direction, stably, with the header marked aria-sort", async () => {
    const asc = await client.get("/manage/people?sort=number&dir=asc&size=20");
    expect(asc.status).toBe(200);
    expect(numbersOf(asc.text)).toEqual(students(Array.from({ length: 20 }, (_, i) => 1 + i)));
    expect(asc.text).toMatch(/<th[^>]*aria-sort="ascending"[^>]*>.*?学号\/工号/);
    const desc = await client.get("/manage/people?sort=number&dir=desc&size=20");
    // The admin (A001) sorts after the digits.
    expect(numbersOf(desc.text).slice(0, 3)).toEqual(["A001", "2024000045", "2024000044"]);
    expect(desc.text).toMatch(/aria-sort="descending"/);
  });

  it("sorts by name against the number order", async () => {
    const res = await client.get("/manage/people?sort=name&size=20&q=学生");
    // 学生055 is student 45, 学生056 student 44, …
    expect(numbersOf(res.text).slice(0, 3)).toEqual(students([45, 44, 43]));
  });

  it("pages with the chosen size and shows the total and numbered pages", async () => {
    const p2 = await client.get("/manage/people?sort=number&size=20&page=2");
    expect(numbersOf(p2.text)).toEqual(students(Array.from({ length: 20 }, (_, i) => 21 + i)));
    // 45 students + the admin = 46 people: three pages of 20.
    const text = p2.text.replaceAll("<!-- -->", "");
    expect(text).toContain("共 46 人");
    expect(text).toContain("第 2 / 3 页");
    expect(p2.text).toMatch(/aria-current="page"[^>]*>2</);
    const big = await client.get("/manage/people?sort=number&size=100");
    expect(numbersOf(big.text)).toHaveLength(46);
  });

  it("shows the last page for a page past the end", async () => {
    const res = await client.get("/manage/people?sort=number&size=20&page=999");
    expect(res.status).toBe(200);
    expect(numbersOf(res.text)).toEqual([...students([41, 42, 43, 44, 45]), "A001"]);
  });

  it("keeps the sort and size through search and filters", async () => {
    const res = await client.get("/manage/people?sort=number&dir=desc&size=20&status=member");
    expect(numbersOf(res.text)).toEqual(["A001", ...students([5, 4, 3, 2, 1])]);
    // The filter form carries the sort and size along as hidden fields.
    expect(res.text).toContain('type="hidden" name="sort" value="number"');
    expect(res.text).toContain('type="hidden" name="size" value="20"');
  });

  it.each([
    ["sort=password", "不能按“password”排序"],
    ["sort=unitId;DROP", "可用的排序是"],
    ["dir=sideways", "排序方向只能是"],
    ["size=10", "每页条数只能是 20、50、100"],
    ["size=1e2", "每页条数只能是"],
    ["size=50.0", "每页条数只能是"],
    ["page=0", "页码须为正整数"],
    ["page=-1", "页码须为正整数"],
    ["page=abc", "页码须为正整数"],
    ["page=99999999999", "页码须为正整数"],
  ])("refuses %s with a 400 that says why", async (query, message) => {
    const res = await client.get(`/manage/people?${query}`);
    expect(res.status).toBe(400);
    expect(res.text).toContain(message);
  });
});

describe("the audit log and the people behind use the same table", () => {
  /** The 时间 column of the audit rows, in page order. */
  const times = (html: string) => [...html.matchAll(/data-testid="audit-row"[^>]*><td[^>]*>([^<]+)<\/td>/g)].map((m) => m[1]);

  it("pages the audit log, newest first by default, oldest first when asked", async () => {
    // Each sign-in is an entry: 25 more make two pages of 20.
    for (let i = 0; i < 25; i++) expect((await new Client(server.url).login("A001", PASSWORD)).status).toBe(302);
    const newest = await client.get("/manage/audit?size=20");
    expect(newest.status).toBe(200);
    const firstPage = times(newest.text);
    expect(firstPage).toHaveLength(20);
    expect([...firstPage].sort().reverse()).toEqual(firstPage);
    const oldest = await client.get("/manage/audit?size=20&sort=at&dir=asc");
    expect(times(oldest.text)[0] <= firstPage.at(-1)!).toBe(true);
    expect(oldest.text).toMatch(/<th[^>]*aria-sort="ascending"[^>]*>.*?时间/);
    const bad = await client.get("/manage/audit?sort=ip");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("可用的排序是 at、action");
  });

  it("sorts and pages the people behind in the hours report, and refuses an unknown key", async () => {
    const ok = await client.get("/manage/reports?sort=name&dir=asc&size=100");
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('aria-label="查找未达标人员"');
    const bad = await client.get("/manage/reports?sort=secret");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("可用的排序是 missing、name");
    expect((await client.get("/manage/reports?size=7")).status).toBe(400);
  });
});

describe("people list: names in pinyin order (decision 066)", () => {
  // Surnames in pinyin order (a, bai, chen … zhou); by code point 任 comes before 孙 and 阿 near the end.
  const PINYIN = [
    "阿",
    "白",
    "陈",
    "邓",
    "范",
    "高",
    "韩",
    "江",
    "孔",
    "李",
    "马",
    "聂",
    "欧",
    "潘",
    "钱",
    "任",
    "孙",
    "唐",
    "王",
    "夏",
    "杨",
    "张",
    "赵",
    "周",
  ];
  const numberOf = (surname: string) => `PY${String(PINYIN.indexOf(surname) + 1).padStart(2, "0")}`;

  beforeAll(() => {
    const f = server.factory;
    const branch = f.unit({ name: "排序测试党支部", kind: "branch", branchType: "staff", parent: root });
    // Created in code-point order of the names, so that neither the id nor the number gives the answer away…
    for (const surname of [...PINYIN].sort()) f.person({ number: numberOf(surname), name: `${surname}同学`, unitId: branch.id, politicalStatus: "member" });
  });

  it("cuts the pages from the whole list in pinyin order, in either direction", async () => {
    // …but the numbers run in pinyin order, so the right answer is PY01…PY24.
    const wanted = PINYIN.map(numberOf);
    expect([...PINYIN].sort()).not.toEqual(PINYIN);
    const p1 = await client.get("/manage/people?sort=name&size=20&q=PY");
    expect(p1.status).toBe(200);
    expect(numbersOf(p1.text)).toEqual(wanted.slice(0, 20));
    expect(numbersOf((await client.get("/manage/people?sort=name&size=20&q=PY&page=2")).text)).toEqual(wanted.slice(20));
    expect(numbersOf((await client.get("/manage/people?sort=name&dir=desc&size=20&q=PY")).text)).toEqual(wanted.toReversed().slice(0, 20));
  });
});
