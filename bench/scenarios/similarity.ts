import fs from "node:fs";
import Database from "better-sqlite3";
import { createRandom } from "../../app/lib/quiz-shuffle";
import { FLAG_PERMILLE, FLAG_SOURCE_CHARS, isFlagged, longestSource } from "../../app/lib/similarity/check";
import { all, get, run as runSql, sql } from "../../app/.server/sql";
import { SqliteSqlDb } from "../../app/.server/sql-sqlite";
import { frequentInCorpus } from "../../app/.server/similarity/check-job";
import { commonPhrases } from "../../app/.server/similarity/common-phrases";
import { fingerprintOf, storeCorpus, storeFingerprint, textHash } from "../../app/.server/similarity/fingerprints";
import { SHINGLE, prepareText } from "../../app/lib/similarity/fingerprint";
import { openFactory } from "../../tests/factories";
import { paraphrase } from "../../tests/fixtures/paraphrase";
import { drive, expectStatus } from "../lib/load";
import { type BenchContext, type Row } from "../lib/report";
import { type Stats, summarize } from "../lib/stats";

// The similarity check's cost for a class of 500 essays of 3,000 characters against 5,000 earlier
// ones (decision 045). Setup, not measured, written straight into the database file: 5,500 people,
// ten earlier classes of 500 essays each and the current class of 500, every essay 3,000 characters
// of synthetic Chinese from a seeded generator (the vocabulary and formulations of party-school
// writing, with the common phrases of the pack), and a known number of planted paraphrased copies
// (tests/fixtures/paraphrase.ts, the rules the unit tests use): PLANTED_EARLIER copies of an earlier
// class's essay and PLANTED_PEER copies of another essay of the class. Measured: the corpus' frequent
// shingles counted and the fingerprints of the 5,000 earlier essays computed with them and stored, as
// the server does (in this process, as a server that has run for a while would have them); then
// all 500 checks queued as a hand-in queues them and run by the server's runner in its thread, while
// GET /healthz is requested one at a time (reference: the same before the checks). Printed: time
// per fingerprint and per check (claimed → stored), throughput, the server's peak memory, and
// precision/recall on the planted copies (a copy found = flagged, with its planted source first; the
// original of a copy within the class is flagged with it, which counts as right: the two meet, and
// which one copied is the tutor's call).

export const name = "similarity";

const EARLIER_CLASSES = 10;
const CLASS_SIZE = 500;
const ESSAY_CHARS = 3_000;
const PLANTED_EARLIER = 30;
const PLANTED_PEER = 10;
/** Honest essays of the class with one passage of 500–800 characters of an earlier essay, paraphrased, in place of their own (decision 046). */
const PLANTED_PARTIAL = 30;
const SEED = 20260301;

// ---------- a seeded generator of 心得 ----------

const OPENERS = [
  "通过这次培训",
  "在学习过程中",
  "回顾这段时间的学习",
  "结合自身实际",
  "作为一名青年学生",
  "作为一名教师",
  "从这次课程中",
  "在小组讨论时",
  "联系身边的事例",
  "对照党员标准",
  "反思过去",
  "展望今后",
  "在志愿服务中",
  "在实验室工作中",
  "走进纪念馆时",
  "读完这本书后",
  "听完这一讲",
  "在社会实践中",
  "与老党员交流后",
  "从党史中",
];
const SUBJECTS = [
  "我",
  "我们",
  "每一名党员",
  "入党积极分子",
  "青年学生",
  "广大师生",
  "基层党组织",
  "党支部",
  "共产党员",
  "新时代青年",
  "党员干部",
  "每一位同学",
  "身边的老党员",
  "我们这一代人",
  "一名合格党员",
];
const ADVERBS = [
  "始终",
  "必须",
  "应当",
  "要",
  "进一步",
  "切实",
  "认真",
  "自觉",
  "坚定地",
  "不断",
  "积极",
  "主动",
  "深入",
  "扎实",
  "努力",
  "时刻",
  "真正",
  "更加",
  "全面",
  "持续",
];
const VERBS = [
  "学习",
  "理解",
  "贯彻",
  "落实",
  "践行",
  "坚持",
  "加强",
  "提高",
  "增强",
  "发扬",
  "传承",
  "弘扬",
  "认识到",
  "把握",
  "推动",
  "参与",
  "思考",
  "检视",
  "对照",
  "锤炼",
  "培养",
  "树立",
  "筑牢",
  "夯实",
  "担当",
  "守护",
  "投身",
  "服务",
  "领会",
  "体会",
];
const MODIFIERS = [
  "新时代的",
  "基层的",
  "身边的",
  "具体的",
  "重要的",
  "深刻的",
  "实际的",
  "长期的",
  "根本的",
  "鲜明的",
  "崇高的",
  "宝贵的",
  "光荣的",
  "艰苦的",
  "伟大的",
  "朴素的",
  "严格的",
  "科学的",
  "优良的",
  "自己的",
];
const OBJECTS = [
  "党的理论",
  "党章党规",
  "理想信念",
  "初心使命",
  "群众路线",
  "优良作风",
  "组织纪律",
  "宗旨意识",
  "历史经验",
  "专业知识",
  "实践能力",
  "志愿服务",
  "社会责任",
  "红色传统",
  "奋斗精神",
  "问题意识",
  "工作方法",
  "学术规范",
  "集体观念",
  "服务意识",
  "政治立场",
  "思想觉悟",
  "道德修养",
  "法治观念",
  "创新能力",
  "团队精神",
  "家国情怀",
  "奉献精神",
  "担当精神",
  "斗争本领",
  "调查研究",
  "批评和自我批评",
  "廉洁自律",
  "诚信品格",
  "劳动精神",
  "革命文物",
  "党史故事",
  "入党誓词",
  "先进典型",
  "身边榜样",
];
const CLAUSES = [
  "把学习成果转化为实际行动",
  "在平凡岗位上作出不平凡的贡献",
  "做到学思用贯通、知信行统一",
  "从一点一滴的小事做起",
  "经得起各种风浪的考验",
  "把个人理想融入国家发展",
  "用实际行动检验入党动机",
  "在困难面前不退缩",
  "主动接受组织的教育和考察",
  "虚心向身边的党员学习",
  "及时向党组织汇报思想",
  "努力解决同学们的实际问题",
  "在关键时刻站得出来",
  "把专业学习和社会需要结合起来",
  "在实践中增长才干",
  "不断查找自身的不足",
  "自觉抵制错误思潮的影响",
  "始终保持谦虚谨慎的作风",
  "以更高的标准要求自己",
  "让青春在奉献中闪光",
];
const TAILS = ["的重要意义", "的具体要求", "的现实问题", "的根本任务", "的内在联系", "的精神实质", "的实践路径", "的时代价值"];
const REASONS = ["这是因为", "正如老师所说", "实践证明", "历史告诉我们", "我深深体会到", "这让我明白", "事实上", "归根到底"];
// The formulations everyone writes: the common phrases of the pack, and some that are not in it.
const FORMULATIONS = [
  "坚持以人民为中心",
  "不忘初心、牢记使命",
  "全心全意为人民服务",
  "习近平新时代中国特色社会主义思想",
  "实现中华民族伟大复兴",
  "增强“四个意识”、坚定“四个自信”、做到“两个维护”",
  "全面从严治党",
  "在思想上、行动上向党组织靠拢",
  "端正入党动机",
  "为中国人民谋幸福，为中华民族谋复兴",
  "理论联系实际",
  "密切联系群众",
  "艰苦奋斗、勤俭节约",
];

export function essayOf(random: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const sentence = () => {
    const parts: string[] = [];
    if (random() < 0.4) parts.push(`${pick(OPENERS)}，`);
    parts.push(pick(SUBJECTS), pick(ADVERBS), pick(VERBS), random() < 0.6 ? pick(MODIFIERS) : "", pick(OBJECTS));
    if (random() < 0.3) parts.push(pick(TAILS));
    const r = random();
    if (r < 0.35) parts.push(`，${pick(CLAUSES)}`);
    else if (r < 0.55) parts.push(`，${pick(REASONS)}，${pick(SUBJECTS)}${pick(ADVERBS)}${pick(VERBS)}${pick(OBJECTS)}`);
    else if (r < 0.7) parts.push(`，${pick(ADVERBS)}${pick(FORMULATIONS)}`);
    else if (r < 0.8) parts.push(`，${pick(ADVERBS)}${pick(VERBS)}${pick(MODIFIERS)}${pick(OBJECTS)}和${pick(OBJECTS)}`);
    return `${parts.join("")}${random() < 0.1 ? "！" : "。"}`;
  };
  const paragraphs: string[] = [];
  let length = 0;
  while (length < ESSAY_CHARS) {
    let p = "";
    for (let k = 3 + Math.floor(random() * 4); k > 0; k--) p += sentence();
    paragraphs.push(p);
    length += p.length + 2;
  }
  return paragraphs.join("\n\n").slice(0, ESSAY_CHARS);
}

// ---------- setup ----------

type Corpus = {
  earlier: number[];
  current: number[];
  planted: Map<number, number>;
  /** Partial copies: their source, and where the copied passage stands in the copy. */
  partial: Map<number, { source: number; at: [number, number] }>;
  texts: Map<number, string>;
};

function setup(dbFile: string): Corpus {
  const random = createRandom(SEED);
  const f = openFactory(dbFile);
  const db = f.db;
  try {
    return f.transaction(() => {
      const root = get<{ id: number }>(db, sql`SELECT "id" FROM "OrgUnit" WHERE "parentId" IS NULL ORDER BY "id" LIMIT 1`)!;
      const branch = f.unit({
        name: "查重基准党支部",
        kind: "branch",
        branchType: "student",
        parent: get(db, sql`SELECT "id", "path", "depth", "name", "kind" FROM "OrgUnit" WHERE "id" = ${root.id}`)!,
      });
      const trainer = f.person({ number: "simb-trainer", name: "基准教员", unitId: branch.id, politicalStatus: "member", category: "staff" });
      const people = Array.from({ length: (EARLIER_CLASSES + 1) * CLASS_SIZE }, (_, i) =>
        f.person({ number: `simb${String(i).padStart(5, "0")}`, name: `基准学员${i}`, unitId: branch.id, politicalStatus: "activist" }),
      );
      const texts = new Map<number, string>();
      const earlier: number[] = [];
      const current: number[] = [];
      const planted = new Map<number, number>();
      const partial = new Map<number, { source: number; at: [number, number] }>();
      for (let c = 0; c <= EARLIER_CLASSES; c++) {
        const year = 2026 - EARLIER_CLASSES + c;
        const starts = new Date(`${year}-03-01T00:00:00Z`);
        const classId = get<{ id: number }>(
          db,
          sql`INSERT INTO "TrainingClass" ("kind", "title", "term", "unitId", "startsOn", "endsOn", "gradingRule", "status", "createdById", "createdAt", "updatedAt")
              VALUES ('activist', ${`第 ${c + 1} 期查重基准培训班`}, ${9000 + c}, ${root.id}, ${starts}, ${new Date(starts.getTime() + 60 * 86_400_000)}, '{}',
                ${c === EARLIER_CLASSES ? "running" : "finished"}, ${trainer}, ${starts}, ${starts}) RETURNING "id"`,
        )!.id;
        const opensAt = new Date(starts.getTime() + 20 * 86_400_000);
        const assignmentId = get<{ id: number }>(
          db,
          sql`INSERT INTO "Assignment" ("classId", "kind", "title", "prompt", "opensAt", "dueAt", "rubric", "createdById", "createdAt", "updatedAt")
              VALUES (${classId}, 'essay', '学习心得', '结合培训内容写一篇心得', ${opensAt}, ${new Date(opensAt.getTime() + 28 * 86_400_000)}, '[]', ${trainer}, ${opensAt}, ${opensAt})
              RETURNING "id"`,
        )!.id;
        for (let k = 0; k < CLASS_SIZE; k++) {
          const personId = people[c * CLASS_SIZE + k];
          let text = essayOf(random);
          let source: number | undefined;
          let passage: { source: number; at: [number, number] } | undefined;
          const honestFrom = PLANTED_EARLIER + PLANTED_PARTIAL;
          if (c === EARLIER_CLASSES && k < PLANTED_EARLIER) source = earlier[Math.floor(random() * earlier.length)];
          else if (c === EARLIER_CLASSES && k < honestFrom) {
            // One passage of an earlier essay, paraphrased by the same rules, in place of as many characters of the essay's own.
            const from = earlier[Math.floor(random() * earlier.length)];
            const length = 500 + Math.floor(random() * 301);
            const start = Math.floor(random() * (ESSAY_CHARS - length));
            const copied = paraphrase(texts.get(from)!.slice(start, start + length));
            const at = Math.floor(random() * (text.length - copied.length));
            text = text.slice(0, at) + copied + text.slice(at + copied.length);
            passage = { source: from, at: [at, at + copied.length] };
          } else if (c === EARLIER_CLASSES && k >= CLASS_SIZE - PLANTED_PEER)
            source = current[Math.floor(random() * (CLASS_SIZE - PLANTED_PEER - honestFrom)) + honestFrom];
          if (source !== undefined) text = paraphrase(texts.get(source)!);
          const at = new Date(opensAt.getTime() + k * 60_000);
          const id = get<{ id: number }>(
            db,
            sql`INSERT INTO "Submission" ("assignmentId", "personId", "status", "text", "chars", "version", "submittedAt", "createdAt", "updatedAt")
                VALUES (${assignmentId}, ${personId}, 'submitted', ${text}, ${text.length}, 1, ${at}, ${at}, ${at}) RETURNING "id"`,
          )!.id;
          runSql(
            db,
            sql`INSERT INTO "SubmissionVersion" ("submissionId", "version", "text", "chars", "submittedAt") VALUES (${id}, 1, ${text}, ${text.length}, ${at})`,
          );
          texts.set(id, text);
          if (source !== undefined) planted.set(id, source);
          if (passage) partial.set(id, passage);
          (c === EARLIER_CLASSES ? current : earlier).push(id);
        }
      }
      return { earlier, current, planted, partial, texts };
    });
  } finally {
    f.close();
  }
}

/**
 * The corpus' frequent shingles counted (as the server's first check would: the latest 1,000 hand-ins),
 * then the earlier essays' fingerprints computed with them and stored, as the server's runner stores them.
 */
async function fingerprintEarlier(dbFile: string, corpus: Corpus): Promise<{ stats: Stats; countMs: number; frequent: number }> {
  const db = new Database(dbFile, { timeout: 5000 });
  db.pragma("journal_mode = WAL");
  const times: number[] = [];
  const started = performance.now();
  try {
    const phrases = commonPhrases();
    const store = new SqliteSqlDb(db);
    const counted = await frequentInCorpus(store, phrases);
    await storeCorpus(store, counted.fresh!);
    const countMs = performance.now() - started;
    const fingerprintsStarted = performance.now();
    await store.transaction(async (tx) => {
      for (const id of corpus.earlier) {
        const t0 = performance.now();
        const text = corpus.texts.get(id)!;
        await storeFingerprint(
          tx,
          { submissionId: id, version: 1 },
          fingerprintOf(text, textHash(text), prepareText(text, phrases, SHINGLE, counted.frequent), counted.at),
        );
        times.push(performance.now() - t0);
      }
    });
    return { stats: summarize(times, 0, performance.now() - fingerprintsStarted), countMs, frequent: counted.frequent.size };
  } finally {
    db.close();
  }
}

const memory = (pid: number) => {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
};

export async function run({ url, dbFile, serverPid }: BenchContext): Promise<Row[]> {
  const setupStarted = performance.now();
  const corpus = setup(dbFile);
  console.info(
    `${name}: ${corpus.earlier.length} earlier and ${corpus.current.length} current essays of ${ESSAY_CHARS} characters, ${corpus.planted.size} planted copies and ${corpus.partial.size} partial ones, written in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
  );
  const { stats: fingerprints, countMs, frequent } = await fingerprintEarlier(dbFile, corpus);

  const health = async () => {
    const res = await fetch(`${url}/healthz`);
    await res.text();
    expectStatus({ status: res.status, location: null }, 200, "GET /healthz");
  };
  const idle = await drive(health, { count: 300, concurrency: 1, warmup: 20, maxMs: 30_000 });
  const before = memory(serverPid);

  // Queued as the hand-in queues them; the server's runner claims them (its poll, then back to back).
  const reader = new Database(dbFile, { readonly: true, timeout: 5000 });
  let finished = 0;
  let peakRss = before.rss;
  const poll = () => {
    finished = Number(get<{ n: number }>(reader, sql`SELECT COUNT(*) AS "n" FROM "SimilarityReport" WHERE "status" <> 'queued'`)!.n);
    peakRss = Math.max(peakRss, memory(serverPid).rss);
  };
  const watch = setInterval(poll, 250);
  // Queued first: a queue call's write waits for the runner's, synchronously, which would stall this
  // process's own /healthz client and be counted against the server.
  const { queueSimilarityCheck } = await import("../../app/.server/similarity/reports");
  const queueStarted = performance.now();
  for (const id of corpus.current) await queueSimilarityCheck(id);
  const queuedMs = performance.now() - queueStarted;

  // The warm-up opens a fresh connection: the reference's sat idle past the server's keep-alive while the checks were queued.
  const during = await drive(health, { count: 1_000_000, concurrency: 1, warmup: 2, maxMs: 30 * 60_000, stop: () => finished >= corpus.current.length });
  clearInterval(watch);
  const checksMs = performance.now() - queueStarted;
  const after = memory(serverPid);

  const reports = all<{
    submissionId: number;
    status: string;
    permille: number | null;
    matches: string | null;
    reason: string | null;
    claimedAt: string;
    finishedAt: string;
  }>(reader, sql`SELECT "submissionId", "status", "permille", "matches", "reason", "claimedAt", "finishedAt" FROM "SimilarityReport" ORDER BY "id"`);
  const candidates = all<{ n: number }>(reader, sql`SELECT COUNT(*) AS "n" FROM "SimilarityText"`)[0].n;
  const passageKeyRows = all<{ n: number }>(reader, sql`SELECT COUNT(*) AS "n" FROM "SimilarityPassageKey"`)[0].n;
  reader.close();
  const perCheck = summarize(
    reports.map((r) => Date.parse(r.finishedAt) - Date.parse(r.claimedAt)),
    reports.filter((r) => r.status !== "done").length,
    checksMs,
  );
  type Stored = { source: { id: number }; chars?: number; passages: { sub: [number, number] }[] };
  const matchesOf = (r: (typeof reports)[number]) => JSON.parse(r.matches ?? "[]") as Stored[];
  const topSource = (r: (typeof reports)[number]) => matchesOf(r)[0]?.source.id;
  // Within one class, the original of a copy meets its copy too: both are flagged, and which is the copy is the tutor's call.
  const copiedInClass = new Map([...corpus.planted].filter(([, source]) => corpus.current.includes(source)).map(([copy, source]) => [source, copy]));
  const flagged = reports.filter((r) => r.status === "done" && isFlagged(r.permille ?? 0, longestSource(matchesOf(r))));
  const found = flagged.filter((r) => corpus.planted.has(r.submissionId) && topSource(r) === corpus.planted.get(r.submissionId));
  const originals = flagged.filter((r) => copiedInClass.has(r.submissionId) && topSource(r) === copiedInClass.get(r.submissionId));
  // A partial copy is found when it is flagged with its source first and a passage of that source within the copied stretch.
  const partialFound = flagged.filter((r) => {
    const planted = corpus.partial.get(r.submissionId);
    const top = matchesOf(r)[0];
    return planted && top?.source.id === planted.source && top.passages.some((p) => p.sub[0] < planted.at[1] && p.sub[1] > planted.at[0]);
  });
  const honest = reports.filter((r) => !corpus.planted.has(r.submissionId) && !copiedInClass.has(r.submissionId) && !corpus.partial.has(r.submissionId));
  const honestMostFromOne = Math.max(0, ...honest.flatMap((r) => matchesOf(r).map((m) => m.chars ?? 0)));
  const partialScores = reports.filter((r) => corpus.partial.has(r.submissionId)).map((r) => r.permille ?? 0);
  const honestMax = Math.max(0, ...honest.map((r) => r.permille ?? 0));
  const honestWithPassages = honest.filter((r) => r.matches && r.matches !== "[]").length;
  const plantedMin = Math.min(...reports.filter((r) => corpus.planted.has(r.submissionId)).map((r) => r.permille ?? 0));
  const failures = reports.filter((r) => r.status === "failed");
  const precision = flagged.length ? (found.length + originals.length + partialFound.length) / flagged.length : NaN;
  const partialRecall = partialFound.length / corpus.partial.size;
  const recall = found.length / corpus.planted.size;

  return [
    {
      scenario: name,
      measure: `fingerprint + store one earlier essay (${corpus.earlier.length})`,
      stats: fingerprints,
      note:
        `${(fingerprints.n / fingerprints.perSec).toFixed(1)} s in all (req/s: essays a second), in the bench process on the file, in one transaction, as the runner stores them; ` +
        `before them the corpus' frequent shingles were counted over the latest 1,000 essays in ${(countMs / 1000).toFixed(1)} s (${frequent} shingles); ${candidates} fingerprints and ${passageKeyRows} passage keys stored at the end`,
    },
    { scenario: name, measure: "GET /healthz, nothing else running (reference)", stats: idle },
    {
      scenario: name,
      measure: `one check, claimed → stored (${corpus.current.length} queued)`,
      stats: perCheck,
      note:
        `req/s is checks per second over the whole run, ${(checksMs / 1000).toFixed(1)} s from the first queue call to the last report (the 500 queue calls took ${(queuedMs / 1000).toFixed(1)} s in this process, while the first checks ran); ` +
        `${failures.length} failed${failures[0] ? ` (${failures[0].reason})` : ""}; ` +
        `server memory: RSS ${before.rss.toFixed(0)} MB before, ${peakRss.toFixed(0)} MB at most while checking (sampled every 250 ms), ${after.rss.toFixed(0)} MB after; peak RSS of the process ${before.peak.toFixed(0)} → ${after.peak.toFixed(0)} MB`,
    },
    {
      scenario: name,
      measure: "GET /healthz while the checks run",
      stats: during,
      ref: idle,
      note:
        `planted copies ${corpus.planted.size} (${PLANTED_EARLIER} of earlier classes, ${PLANTED_PEER} within the class): ` +
        `flagged ${flagged.length} (≥ ${FLAG_PERMILLE / 10}%, or ${FLAG_SOURCE_CHARS} characters from one source): ${found.length} copies with their planted source first, ${originals.length} originals of a copy in the class with their copy first, ` +
        `${partialFound.length} partial copies with their source first and a passage in the copied stretch, ` +
        `${flagged.length - found.length - originals.length - partialFound.length} others; precision ${(precision * 100).toFixed(1)}%, recall ${(recall * 100).toFixed(1)}% (whole copies), ` +
        `${(partialRecall * 100).toFixed(1)}% (partial copies, ${corpus.partial.size}: one passage of 500–800 characters, paraphrased; their scores ${(Math.min(...partialScores) / 10).toFixed(1)}–${(Math.max(...partialScores) / 10).toFixed(1)}%); ` +
        `lowest score of a planted copy ${(plantedMin / 10).toFixed(1)}%, highest of the ${honest.length} honest essays ${(honestMax / 10).toFixed(1)}% (${honestWithPassages} with any passage; at most ${honestMostFromOne} characters from one source, flagged from ${FLAG_SOURCE_CHARS})` +
        (during.firstError ? `; first /healthz error: ${during.firstError}` : ""),
    },
  ];
}
