import { expect } from "vitest";
import { Client, type Reply } from "./client";
import { type TestServer } from "./server";

// What the office-file import tests share: a college with a branch, its secretary (who imports
// people) and its trainer (who imports questions into the college's bank), all signed in by number.

const OFFICE_PASSWORD = "Passw0rd1";

export type OfficeCollege = { college: string; branch: string; secretary: string; trainer: string; bank: { slug: string; title: string } };

/** Builds the college on the server's database; returns the bank's id. */
export async function officeCollege(server: TestServer, c: OfficeCollege): Promise<number> {
  const f = server.factory;
  const root = f.unit({ name: "测试大学党委", kind: "committee" });
  const college = f.unit({ name: c.college, kind: "college", parent: root });
  f.unit({ name: c.branch, kind: "branch", branchType: "student", parent: college });
  const short = c.college.replace(/党委$/, "");
  const secretary = f.person({ number: c.secretary, name: `${short}书记`, unitId: college.id, category: "staff", politicalStatus: "member" });
  f.grant(secretary, "secretary", college.id);
  const trainer = f.person({ number: c.trainer, name: `${short}培训员`, unitId: college.id, category: "staff", politicalStatus: "member" });
  f.grant(trainer, "trainer", college.id);
  for (const id of [secretary, trainer]) await f.password(id, OFFICE_PASSWORD);
  const now = new Date().toISOString().replace("Z", "+00:00");
  return Number(
    f.db
      .prepare("INSERT INTO QuestionBank (slug, title, unitId, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?)")
      .run(c.bank.slug, c.bank.title, college.id, now, now).lastInsertRowid,
  );
}

export async function signedIn(server: TestServer, number: string): Promise<Client> {
  const c = new Client(server.url);
  expect((await c.login(number, OFFICE_PASSWORD)).status).toBe(302);
  return c;
}

/** A page's text as a person reads it: React's text separators and entity escapes undone. */
export const plain = (r: Reply) =>
  r.text
    .replace(/<!-- -->/g, "")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'");
export const expectedHash = (r: Reply) => /name="expectedHash" value="([0-9a-f]{64})"/.exec(r.text)?.[1];
