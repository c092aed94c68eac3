import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { HONEST_ESSAYS } from "../fixtures/similarity-essays";
import { paraphrase } from "../fixtures/paraphrase";
import { normalizeText } from "../../app/lib/similarity/normalize";
import { openSimilarityFactory } from "../similarity-factories";
import { SERVER_START_TEST_MS, type SpawnedServer, spawnServer } from "../support/spawn-server";

// The similarity check through the real server: submissions handed in (written with Prisma), a check
// queued as the hand-in queues it, and the server's runner doing the work in its thread, off the
// request path. The test waits on the report's status, never on the clock. Then the same database under
// a server whose time limit no check can meet: the report is failed with the reason, and the server
// keeps answering. On the run's engine (decision 080): a SQLite file, or a fresh PostgreSQL database in
// the integration-pg run, where the check runs as well (decision 083) and must flag the same copies.

// Before any import: the app's env module reads DATABASE_URL once, when it is first imported. The app's
// modules in this process (the reports, Prisma) and the spawned server use the same database.
const { testDb } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  return { testDb: await inProcessDatabase("similarity") };
});
const factory = testDb.factory;
let server: SpawnedServer | null = null;
let reports: typeof import("../../app/.server/similarity/reports");
let component: typeof import("../../app/components/similarity/similarity-report");
let prisma: typeof import("../../app/.server/db").prisma;
let sf: ReturnType<typeof openSimilarityFactory>;
const people: Record<string, number> = {};
let earlierAssignment: number;
let currentAssignment: number;
let currentClassId: number;

const reportOf = (submissionId: number) => reports.similarityReportFor(submissionId);
async function checked(submissionId: number, status: "done" | "failed" = "done") {
  await reports.queueSimilarityCheck(submissionId);
  await expect.poll(async () => (await reportOf(submissionId)).status, { timeout: 20_000 }).toBe(status);
  return reportOf(submissionId);
}

beforeAll(async () => {
  server = await spawnServer({ dbFile: testDb.target });
  ({ prisma } = await import("../../app/.server/db"));
  reports = await import("../../app/.server/similarity/reports");
  component = await import("../../app/components/similarity/similarity-report");
  sf = openSimilarityFactory(prisma);

  const root = factory.unit({ name: "党委", kind: "committee" });
  const branch = factory.unit({ name: "第一党支部", kind: "branch", branchType: "student", parent: root });
  const names = {
    trainer: "党校教员",
    earlier: "王积极",
    copier: "李抄写",
    honest: "张诚实",
    peerCopier: "赵同期",
    big: "孙长文",
    excerpt: "周摘抄",
    swornA: "吴宣誓",
    swornB: "郑宣誓",
  };
  for (const [key, name] of Object.entries(names)) people[key] = factory.person({ number: `sim-${key}`, name, unitId: branch.id, politicalStatus: "activist" });
  const earlierClass = await sf.trainingClass({ unitId: root.id, createdById: people.trainer, startsOn: new Date("2025-03-01T00:00:00Z") });
  const currentClass = await sf.trainingClass({ unitId: root.id, createdById: people.trainer, startsOn: new Date("2026-03-01T00:00:00Z") });
  earlierAssignment = await sf.assignment({ classId: earlierClass, createdById: people.trainer, opensAt: new Date("2025-03-20T00:00:00Z") });
  currentClassId = currentClass;
  currentAssignment = await sf.assignment({ classId: currentClass, createdById: people.trainer, opensAt: new Date("2026-03-20T00:00:00Z") });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  const logged = server?.stderr.join("").trim();
  await testDb.remove();
  if (logged) throw new Error(`the server wrote to stderr:\n${logged}`);
});

describe("a check queued at a hand-in", () => {
  it("finds a paraphrased copy of an earlier class's essay, names it and shows the passages", async () => {
    const original = await sf.handIn({ assignmentId: earlierAssignment, personId: people.earlier, text: HONEST_ESSAYS.ideals });
    const copyText = paraphrase(HONEST_ESSAYS.ideals);
    const copy = await sf.handIn({ assignmentId: currentAssignment, personId: people.copier, text: copyText });

    const report = await checked(copy);
    if (report.status !== "done") throw new Error("not done");
    expect(report.flagged).toBe(true);
    expect(report.sources.map((s) => [s.label, s.kind])).toEqual([["往期学员 王*极", "earlier"]]);
    const passages = report.sources[0].passages;
    expect(passages.length).toBeGreaterThan(5);
    for (const p of passages) {
      expect(copyText).toContain(p.mine.text);
      expect(HONEST_ESSAYS.ideals).toContain(p.theirs.text);
    }
    // The stored report names the very submission copied.
    const stored = await prisma.similarityReport.findFirstOrThrow({ where: { submissionId: copy }, select: { matches: true, version: true } });
    expect(stored.version).toBe(1);
    expect(JSON.parse(stored.matches!)[0].source).toEqual({ kind: "submission", id: original, version: 1 });

    // What the tutor's grading view renders: the score in words and each passage marked beside its source.
    const html = renderToString(createElement(component.SimilarityReport, { report }));
    expect(html).toContain("疑似抄袭");
    expect(html).toContain("往期学员 王*极");
    expect(html.match(/<mark/g)?.length).toBe(passages.length * 2);
    expect(html).toContain("（相似段落开始）");
  });

  it("finds one passage of 200 characters copied from an earlier essay into an otherwise honest one, at its place in both texts", async () => {
    // The earlier class's essay is handed in by the first test; here a paragraph of it goes into an essay of the person's own.
    const from = HONEST_ESSAYS.ideals.indexOf("\n\n", 1200) + 2;
    const passage = HONEST_ESSAYS.ideals.slice(from, from + 200);
    const cut = HONEST_ESSAYS.history.indexOf("\n\n");
    const text = `${HONEST_ESSAYS.history.slice(0, cut)}\n\n${passage}${HONEST_ESSAYS.history.slice(cut)}`;
    const submission = await sf.handIn({ assignmentId: currentAssignment, personId: people.excerpt, text });

    const report = await checked(submission);
    if (report.status !== "done") throw new Error("not done");
    // Under the share that flags a near-copy, and flagged all the same: 200 characters from one source.
    expect(report.permille).toBeLessThan(report.flagAt);
    expect(report.flagged).toBe(true);
    expect(report.sources[0].label).toBe("往期学员 王*极");
    const [p] = report.sources[0].passages;
    const reduced = normalizeText(passage).text;
    expect(normalizeText(p.mine.text).text.startsWith(reduced)).toBe(true);
    expect(normalizeText(p.theirs.text).text.startsWith(reduced)).toBe(true);
    // Shown where it stands: the context on either side is the essay's own and the source's own.
    expect(text.slice(0, cut)).toContain(p.mine.before.trim());
    expect(HONEST_ESSAYS.ideals.slice(0, from)).toContain(p.theirs.before);
    const html = renderToString(createElement(component.SimilarityReport, { report }));
    expect(html).toContain("疑似抄袭段落");
  });

  it("leaves clean two honest book reports that share only the oath and the usual formulations", async () => {
    // A book report of the class: its scope is other book reports, so these texts meet each other only.
    const reportAssignment = await sf.assignment({
      classId: currentClassId,
      createdById: people.trainer,
      opensAt: new Date("2026-03-20T00:00:00Z"),
      kind: "book_report",
    });
    const oath =
      "我志愿加入中国共产党，拥护党的纲领，遵守党的章程，履行党员义务，执行党的决定，严守党的纪律，保守党的秘密，对党忠诚，积极工作，为共产主义奋斗终身，随时准备为党和人民牺牲一切，永不叛党。";
    const stock = "不忘初心、牢记使命，坚持以人民为中心，全心全意为人民服务，为中国人民谋幸福，为中华民族谋复兴。";
    const first = await sf.handIn({ assignmentId: reportAssignment, personId: people.swornA, text: `${HONEST_ESSAYS.clinic}\n\n${oath}\n\n${stock}` });
    expect((await checked(first)).status).toBe("done");
    const second = await sf.handIn({ assignmentId: reportAssignment, personId: people.swornB, text: `${stock}\n\n${HONEST_ESSAYS.volunteer}\n\n${oath}` });
    const report = await checked(second);
    expect(report).toMatchObject({ status: "done", flagged: false, sources: [] });
  });

  it("leaves an honest essay on the same theme clean, and finds a copy of it in the same class", async () => {
    const honest = await sf.handIn({ assignmentId: currentAssignment, personId: people.honest, text: HONEST_ESSAYS.teacher });
    const clean = await checked(honest);
    if (clean.status !== "done") throw new Error("not done");
    expect(clean.flagged).toBe(false);
    expect(clean.sources).toEqual([]);
    expect(renderToString(createElement(component.SimilarityReport, { report: clean }))).toContain("没有发现");

    const peerCopy = await sf.handIn({ assignmentId: currentAssignment, personId: people.peerCopier, text: paraphrase(HONEST_ESSAYS.teacher) });
    const found = await checked(peerCopy);
    if (found.status !== "done") throw new Error("not done");
    expect(found.flagged).toBe(true);
    expect(found.sources.map((s) => [s.label, s.kind])).toEqual([["同期学员 张*实", "peer"]]);
  });

  it("checks a revised hand-in as a new version and shows that version's report", async () => {
    const submission = await sf.handIn({ assignmentId: currentAssignment, personId: people.big, text: paraphrase(HONEST_ESSAYS.history) });
    expect((await checked(submission)).status).toBe("done");
    await sf.handIn({ assignmentId: currentAssignment, personId: people.big, text: HONEST_ESSAYS.clinic });
    const revised = await checked(submission);
    expect(revised).toMatchObject({ status: "done", version: 2, flagged: false, sources: [] });
  });
});

describe("a check over its time limit", () => {
  it(
    "is marked failed with the reason, and the server keeps answering",
    async () => {
      await server!.stop();
      expect(server!.stderr.join("").trim()).toBe("");
      // The same database under a server whose limit (1 ms) no check meets: a long text takes the thread
      // far longer than that to read and fingerprint.
      server = await spawnServer({ dbFile: testDb.target, env: { SIMILARITY_TIME_LIMIT_MS: "1" } });
      const long = Object.values(HONEST_ESSAYS).join("\n\n").repeat(3);
      const submission = await sf.handIn({ assignmentId: currentAssignment, personId: people.honest, text: long });
      const report = await checked(submission, "failed");
      expect(report).toMatchObject({ status: "failed", version: 2 });
      if (report.status === "failed") expect(report.reason).toContain("查重超时");
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
    },
    SERVER_START_TEST_MS,
  );
});
