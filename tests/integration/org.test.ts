import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type UnitRow } from "../factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// The organisation page against the real server: an admin shapes the tree; a college secretary
// shapes only what is below their college; everyone else is refused and the refusal is logged.

let server: TestServer;
const PASSWORD = "Passw0rd1";
let root: UnitRow;
let collegeA: UnitRow;
let collegeB: UnitRow;
let branchA: UnitRow;
let branchB: UnitRow;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  root = f.unit({ name: "测试大学党委", kind: "committee" });
  collegeA = f.unit({ name: "文学院党委", kind: "college", parent: root });
  collegeB = f.unit({ name: "理学院党委", kind: "college", parent: root });
  branchA = f.unit({ name: "文学院学生党支部", kind: "branch", branchType: "student", parent: collegeA });
  branchB = f.unit({ name: "理学院教工党支部", kind: "branch", branchType: "staff", parent: collegeB });

  const admin = f.person({ number: "A001", name: "管理员", unitId: root.id, category: "staff", politicalStatus: "member" });
  f.grant(admin, "admin", root.id);
  const secretary = f.person({ number: "S001", name: "文院书记", unitId: collegeA.id, category: "staff", politicalStatus: "member" });
  f.grant(secretary, "secretary", collegeA.id);
  const trainer = f.person({ number: "T001", name: "教员", unitId: root.id, category: "staff", politicalStatus: "member" });
  f.grant(trainer, "trainer", root.id);
  const learner = f.person({ number: "L001", name: "学员", unitId: branchA.id, politicalStatus: "activist" });
  const rootSecretary = f.person({ number: "S000", name: "校组织部", unitId: root.id, category: "staff", politicalStatus: "member" });
  f.grant(rootSecretary, "secretary", root.id);
  for (const id of [admin, secretary, trainer, learner, rootSecretary]) await f.password(id, PASSWORD);
  for (let i = 1; i <= 3; i++) f.person({ number: `20240100${i}`, name: `文院学生${i}`, unitId: branchA.id });
  f.person({ number: "202401009", name: "已停用学生", unitId: branchA.id, disabled: true });
  f.person({ number: "202402001", name: "理院教师", unitId: branchB.id, category: "staff" });
});
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  const res = await c.login(number, PASSWORD);
  expect(res.status).toBe(302);
  return c;
}

type DbUnit = {
  id: number;
  name: string;
  kind: string;
  branchType: string | null;
  parentId: number | null;
  path: string;
  depth: number;
  archivedAt: string | null;
};
const unit = (id: number) => server.factory.db.prepare("SELECT * FROM OrgUnit WHERE id = ?").get(id) as DbUnit;
const unitNamed = (name: string) => server.factory.db.prepare("SELECT * FROM OrgUnit WHERE name = ?").get(name) as DbUnit | undefined;
const auditCount = (action: string) => (server.factory.db.prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = ?").get(action) as { n: number }).n;
const peopleShown = (html: string, id: number) => {
  const m = new RegExp(`data-unit-id="${id}"[^>]*data-people="(\\d+)"`).exec(html);
  return m ? Number(m[1]) : undefined;
};

describe("viewing the tree", () => {
  it("shows an admin every unit with its kind and the active people of its subtree", async () => {
    const c = await as("A001");
    const res = await c.get("/manage/org");
    expect(res.status).toBe(200);
    for (const name of ["测试大学党委", "文学院党委", "理学院党委", "文学院学生党支部", "理学院教工党支部"]) expect(res.text).toContain(name);
    expect(res.text).toContain("学生党支部");
    expect(res.text).toContain("教职工党支部");
    // branch A: learner + 3 students (the disabled account does not count); college A adds its secretary.
    expect(peopleShown(res.text, branchA.id)).toBe(4);
    expect(peopleShown(res.text, collegeA.id)).toBe(5);
    expect(peopleShown(res.text, root.id)).toBe(9);
  });

  it("shows a secretary their college only", async () => {
    const c = await as("S001");
    const res = await c.get("/manage/org");
    expect(res.status).toBe(200);
    expect(res.text).toContain("文学院学生党支部");
    expect(res.text).not.toContain("理学院");
    expect(peopleShown(res.text, root.id)).toBeUndefined();
  });

  it("refuses a learner with no grant, and logs it", async () => {
    const c = await as("L001");
    const before = auditCount("access.denied");
    const res = await c.get("/manage/org");
    expect(res.status).toBe(403);
    expect(auditCount("access.denied")).toBeGreaterThan(before);
  });

  it("refuses a secretary who selects a unit of another college", async () => {
    const c = await as("S001");
    const res = await c.get(`/manage/org?unit=${collegeB.id}`);
    expect(res.status).toBe(403);
  });

  it("offers a secretary no rename, move or archive of their own college, but does for a branch below it", async () => {
    const c = await as("S001");
    const own = await c.get(`/manage/org?unit=${collegeA.id}`);
    expect(own.status).toBe(200);
    expect(own.text).toContain("新建下级组织");
    expect(own.text).not.toContain("保存名称");
    expect(own.text).not.toContain("撤销该组织");
    const below = await c.get(`/manage/org?unit=${branchA.id}`);
    expect(below.text).toContain("保存名称");
    expect(below.text).toContain("撤销该组织");
  });
});

describe("an admin shapes the tree", () => {
  let college: DbUnit;
  let branch: DbUnit;

  it("creates a college under the root and a branch under it, each audited", async () => {
    const c = await as("A001");
    const before = auditCount("unit.create");
    const res = await c.post("/manage/org", { intent: "create", parentId: String(root.id), name: "新闻学院党委", kind: "college" });
    expect(res.status).toBe(200);
    college = unitNamed("新闻学院党委")!;
    expect(college).toMatchObject({ kind: "college", parentId: root.id, path: `${root.path}${college.id}/`, depth: 1 });

    const res2 = await c.post("/manage/org", {
      intent: "create",
      parentId: String(college.id),
      name: "新闻学院学生第一党支部",
      kind: "branch",
      branchType: "student",
    });
    expect(res2.status).toBe(200);
    branch = unitNamed("新闻学院学生第一党支部")!;
    expect(branch).toMatchObject({ kind: "branch", branchType: "student", parentId: college.id, path: `${college.path}${branch.id}/`, depth: 2 });
    expect(auditCount("unit.create")).toBe(before + 2);

    const tree = await c.get("/manage/org");
    expect(tree.text).toContain("新闻学院学生第一党支部");
  });

  it("says in Chinese what is wrong with a create form, with status 400", async () => {
    const c = await as("A001");
    const noName = await c.post("/manage/org", { intent: "create", parentId: String(collegeA.id), name: "  ", kind: "branch", branchType: "staff" });
    expect(noName.status).toBe(400);
    expect(noName.text).toContain("请填写组织名称");
    const noType = await c.post("/manage/org", { intent: "create", parentId: String(collegeA.id), name: "无类型支部", kind: "branch" });
    expect(noType.status).toBe(400);
    expect(noType.text).toContain("请选择党支部类型");
    const wrongKind = await c.post("/manage/org", { intent: "create", parentId: String(collegeA.id), name: "学院下的小组", kind: "group" });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.text).toContain("该类型的组织不能设在所选上级组织之下");
    expect(unitNamed("无类型支部")).toBeUndefined();
    expect(unitNamed("学院下的小组")).toBeUndefined();
  });

  it("renames a unit", async () => {
    const c = await as("A001");
    const res = await c.post("/manage/org", { intent: "rename", unitId: String(college.id), name: "新闻与传播学院党委" });
    expect(res.status).toBe(200);
    expect(unit(college.id).name).toBe("新闻与传播学院党委");
    const empty = await c.post("/manage/org", { intent: "rename", unitId: String(college.id), name: "" });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("请填写组织名称");
    expect(unit(college.id).name).toBe("新闻与传播学院党委");
  });

  it("moves a branch to another college and rewrites the paths of its groups", async () => {
    const c = await as("A001");
    for (const name of ["第一党小组", "第二党小组"]) {
      const res = await c.post("/manage/org", { intent: "create", parentId: String(branch.id), name, kind: "group" });
      expect(res.status).toBe(200);
    }
    const res = await c.post("/manage/org", { intent: "move", unitId: String(branch.id), targetId: String(collegeB.id) });
    expect(res.status).toBe(200);
    const moved = unit(branch.id);
    expect(moved).toMatchObject({ parentId: collegeB.id, path: `${collegeB.path}${branch.id}/`, depth: 2 });
    const groups = server.factory.db.prepare("SELECT id, path, depth FROM OrgUnit WHERE parentId = ?").all(branch.id) as {
      id: number;
      path: string;
      depth: number;
    }[];
    expect(groups).toHaveLength(2);
    for (const g of groups) expect(g).toEqual({ id: g.id, path: `${moved.path}${g.id}/`, depth: 3 });
    expect(server.factory.db.prepare("SELECT COUNT(*) AS n FROM OrgUnit WHERE path LIKE ?").get(`${college.path}%`)).toEqual({ n: 1 });
  });

  it("refuses to move a unit under its own descendant, in Chinese", async () => {
    const c = await as("A001");
    const res = await c.post("/manage/org", { intent: "move", unitId: String(collegeB.id), targetId: String(branch.id) });
    expect(res.status).toBe(400);
    expect(res.text).toContain("不能移到自身或其下级组织之下");
    expect(unit(collegeB.id).parentId).toBe(root.id);
  });

  it("refuses to archive a unit while people remain in its subtree", async () => {
    const c = await as("A001");
    const res = await c.post("/manage/org", { intent: "archive", unitId: String(collegeA.id) });
    expect(res.status).toBe(400);
    expect(res.text).toContain("请先将人员转出再撤销");
    expect(unit(collegeA.id).archivedAt).toBeNull();
    expect(unit(branchA.id).archivedAt).toBeNull();
  });

  it("archives an empty unit with its subtree and hides it unless asked", async () => {
    const c = await as("A001");
    const before = auditCount("unit.archive");
    const res = await c.post("/manage/org", { intent: "archive", unitId: String(branch.id) });
    expect(res.status).toBe(200);
    expect(unit(branch.id).archivedAt).not.toBeNull();
    const groups = server.factory.db.prepare("SELECT archivedAt FROM OrgUnit WHERE parentId = ?").all(branch.id) as { archivedAt: string | null }[];
    expect(groups.every((g) => g.archivedAt !== null)).toBe(true);
    expect(auditCount("unit.archive")).toBe(before + 1);

    expect((await c.get("/manage/org")).text).not.toContain("新闻学院学生第一党支部");
    expect((await c.get("/manage/org?archived=1")).text).toContain("新闻学院学生第一党支部");
    const again = await c.post("/manage/org", { intent: "archive", unitId: String(branch.id) });
    expect(again.status).toBe(400);
  });
});

describe("the root", () => {
  it("may be renamed by an admin granted on it, but never moved or archived", async () => {
    const c = await as("A001");
    const rename = await c.post("/manage/org", { intent: "rename", unitId: String(root.id), name: "测试大学委员会" });
    expect(rename.status).toBe(200);
    expect(unit(root.id).name).toBe("测试大学委员会");
    const move = await c.post("/manage/org", { intent: "move", unitId: String(root.id), targetId: String(collegeA.id) });
    expect(move.status).toBe(400);
    expect(move.text).toContain("校党委不能移动");
    const archive = await c.post("/manage/org", { intent: "archive", unitId: String(root.id) });
    expect(archive.status).toBe(400);
    expect(archive.text).toContain("校党委不能撤销");
    expect(unit(root.id)).toMatchObject({ parentId: null, path: root.path, archivedAt: null });
  });

  it("may not be renamed by a secretary granted on it, who may still shape what is below", async () => {
    const c = await as("S000");
    const before = auditCount("access.denied");
    const rename = await c.post("/manage/org", { intent: "rename", unitId: String(root.id), name: "书记改的名" });
    expect(rename.status).toBe(403);
    expect(auditCount("access.denied")).toBe(before + 1);
    expect(unit(root.id).name).not.toBe("书记改的名");
    const college = await c.post("/manage/org", { intent: "rename", unitId: String(collegeB.id), name: "理学院党委员会" });
    expect(college.status).toBe(200);
    expect(unit(collegeB.id).name).toBe("理学院党委员会");
    await c.post("/manage/org", { intent: "rename", unitId: String(collegeB.id), name: "理学院党委" });
  });
});

describe("a college secretary", () => {
  it("creates and renames below their own college", async () => {
    const c = await as("S001");
    const res = await c.post("/manage/org", { intent: "create", parentId: String(collegeA.id), name: "文学院教工党支部", kind: "branch", branchType: "staff" });
    expect(res.status).toBe(200);
    const created = unitNamed("文学院教工党支部")!;
    expect(created.parentId).toBe(collegeA.id);
    const renamed = await c.post("/manage/org", { intent: "rename", unitId: String(created.id), name: "文学院教职工党支部" });
    expect(renamed.status).toBe(200);
    expect(unit(created.id).name).toBe("文学院教职工党支部");
  });

  it("cannot create under another college", async () => {
    const c = await as("S001");
    const res = await c.post("/manage/org", { intent: "create", parentId: String(collegeB.id), name: "越权支部", kind: "branch", branchType: "staff" });
    expect(res.status).toBe(403);
    expect(unitNamed("越权支部")).toBeUndefined();
  });

  it("cannot rename, move or archive their own college", async () => {
    const c = await as("S001");
    const rename = await c.post("/manage/org", { intent: "rename", unitId: String(collegeA.id), name: "改名的文学院" });
    expect(rename.status).toBe(403);
    expect(unit(collegeA.id).name).toBe("文学院党委");
    const archive = await c.post("/manage/org", { intent: "archive", unitId: String(collegeA.id) });
    expect(archive.status).toBe(403);
  });

  it("gets 403, logged, when naming a unit of another college", async () => {
    const c = await as("S001");
    const before = auditCount("access.denied");
    const res = await c.post("/manage/org", { intent: "rename", unitId: String(branchB.id), name: "越权改名" });
    expect(res.status).toBe(403);
    expect(unit(branchB.id).name).toBe("理学院教工党支部");
    expect(auditCount("access.denied")).toBe(before + 1);
    const row = server.factory.db.prepare("SELECT targetId, detail FROM AuditLog WHERE action = 'access.denied' ORDER BY id DESC LIMIT 1").get() as {
      targetId: string;
      detail: string;
    };
    expect(row.targetId).toBe("/manage/org");
    expect(JSON.parse(row.detail)).toMatchObject({ permission: "org:manage", method: "POST" });
  });

  it("cannot move a branch of their college into another college", async () => {
    const c = await as("S001");
    const res = await c.post("/manage/org", { intent: "move", unitId: String(branchA.id), targetId: String(collegeB.id) });
    expect(res.status).toBe(403);
    expect(unit(branchA.id).parentId).toBe(collegeA.id);
  });

  it("gets 403 for an id that does not exist, like one outside the scope", async () => {
    const c = await as("S001");
    const res = await c.post("/manage/org", { intent: "archive", unitId: "999999" });
    expect(res.status).toBe(403);
  });
});

describe("a trainer", () => {
  it("may view the tree but not change it", async () => {
    const c = await as("T001");
    const view = await c.get("/manage/org");
    expect(view.status).toBe(200);
    expect(view.text).toContain("理学院党委");
    const res = await c.post("/manage/org", { intent: "create", parentId: String(root.id), name: "教员建的学院", kind: "college" });
    expect(res.status).toBe(403);
    expect(unitNamed("教员建的学院")).toBeUndefined();
  });
});

describe("the server", () => {
  it("printed no errors while refusing and rejecting all of the above", () => {
    expect(server.stderr.join("")).toBe("");
  });
});
