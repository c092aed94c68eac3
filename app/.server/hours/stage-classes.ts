import { prisma } from "../db";

// The party-school classes that train a person for their stage (decision 063): an activist's
// 入党积极分子培训班, a development target's 发展对象集中培训, as /hours shows them beside the gate.

export type StageClass = {
  id: number;
  title: string;
  term: number;
  /** The class's own state: draft | enrolling | running | finished. */
  classStatus: string;
  /** The person's place in it: nominated | enrolled. */
  memberStatus: string;
  startsOn: Date;
  endsOn: Date;
  passed: boolean | null;
  graduatedAt: Date | null;
};

/** The person's classes of one kind they are nominated for or enrolled in, the newest first. */
export async function stageClasses(personId: number, kind: "activist" | "target"): Promise<StageClass[]> {
  const rows = await prisma.classMember.findMany({
    where: { personId, status: { in: ["nominated", "enrolled"] }, trainingClass: { kind, status: { not: "draft" } } },
    select: {
      status: true,
      passed: true,
      graduatedAt: true,
      trainingClass: { select: { id: true, title: true, term: true, status: true, startsOn: true, endsOn: true, resultsPublishedAt: true } },
    },
    orderBy: { trainingClass: { startsOn: "desc" } },
  });
  return rows.map((r) => ({
    id: r.trainingClass.id,
    title: r.trainingClass.title,
    term: r.trainingClass.term,
    classStatus: r.trainingClass.status,
    memberStatus: r.status,
    startsOn: r.trainingClass.startsOn,
    endsOn: r.trainingClass.endsOn,
    // A result is the person's only once the class has published it.
    passed: r.trainingClass.resultsPublishedAt ? r.passed : null,
    graduatedAt: r.trainingClass.resultsPublishedAt ? r.graduatedAt : null,
  }));
}
