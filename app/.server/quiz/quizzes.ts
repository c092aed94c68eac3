import { AppError } from "~/lib/app-error";
import { type QuizSettingsInput, type SlotInput } from "~/lib/quiz-settings";
import { audit } from "../audit";
import { requireBankInReach, requireDrawable } from "../builder/banks";
import { type BuilderRows, auditChange, builderFor, nextPosition, ofUnits } from "../builder/builder";
import { insensitive, prisma } from "../db";
import { creditSetterPatch } from "../hours/self-credit";

// The quiz builder: settings, slots (fixed questions or random draws), audiences, publishing.
// A quiz belongs to a unit; the caller checks "quizzes:manage" over it. Once anybody has started an
// attempt, the paper (slots) is frozen: attempts store what they drew, and marks must stay comparable.
// Audiences, freezing and publishing are the contest builder's too (../builder/builder.ts).

const HUNDRED = 100;

const QUIZ_ROWS: BuilderRows = {
  kind: "quiz",
  started: (quizId) => prisma.quizAttempt.count({ where: { quizId } }),
  audiences: {
    exists: async (quizId, unitId, politicalStatus) =>
      (await prisma.quizAudience.findFirst({ where: { quizId, unitId, politicalStatus }, select: { id: true } })) !== null,
    create: (quizId, unitId, politicalStatus) => prisma.quizAudience.create({ data: { quizId, unitId, politicalStatus } }),
    remove: (quizId, id) => prisma.quizAudience.deleteMany({ where: { id, quizId } }),
  },
  setStatus: (id, status) => prisma.quiz.update({ where: { id }, data: { status } }),
  words: { frozen: "已有人开始作答，试卷题目不能再修改", noAudience: "还没有指定参加范围", notFound: "测试不存在" },
};

const builder = builderFor(QUIZ_ROWS);
export const { addAudience, removeAudience, setStatus: setQuizStatus } = builder;

function settingsData(input: QuizSettingsInput) {
  return {
    title: input.title,
    description: input.description ?? null,
    opensAt: input.opensAt,
    closesAt: input.closesAt,
    timeLimitSec: input.timeLimitMin ? input.timeLimitMin * 60 : null,
    maxAttempts: input.maxAttempts,
    gradeMethod: input.gradeMethod,
    passPercent: input.passPercent,
    shuffleQuestions: input.shuffleQuestions,
    shuffleOptions: input.shuffleOptions,
    reviewPolicy: input.reviewPolicy,
    layout: input.layout,
    creditHours: input.creditHours ? Math.round(input.creditHours * HUNDRED) : null,
  };
}

export async function quizzesOfUnits(scopePaths: string[]) {
  if (scopePaths.length === 0) return [];
  return prisma.quiz.findMany({
    where: ofUnits(scopePaths),
    select: {
      id: true,
      title: true,
      status: true,
      opensAt: true,
      closesAt: true,
      unit: { select: { name: true } },
      _count: { select: { attempts: true, slots: true } },
    },
    orderBy: { id: "desc" },
  });
}

export async function createQuiz(actorId: number, unitId: number, input: QuizSettingsInput) {
  const quiz = await prisma.quiz.create({ data: { ...settingsData(input), unitId, createdById: actorId, creditSetById: actorId }, select: { id: true } });
  await audit({ actorId, action: "quiz.create", targetKind: "quiz", targetId: quiz.id, detail: { title: input.title } });
  return quiz;
}

export async function quizUnitId(quizId: number): Promise<number | null> {
  return (await prisma.quiz.findUnique({ where: { id: quizId }, select: { unitId: true } }))?.unitId ?? null;
}

export async function quizTitle(quizId: number): Promise<string> {
  return (await prisma.quiz.findUniqueOrThrow({ where: { id: quizId }, select: { title: true } })).title;
}

export async function getQuizForEdit(quizId: number) {
  return prisma.quiz.findUnique({
    where: { id: quizId },
    select: {
      id: true,
      title: true,
      description: true,
      status: true,
      unitId: true,
      opensAt: true,
      closesAt: true,
      timeLimitSec: true,
      maxAttempts: true,
      gradeMethod: true,
      passPercent: true,
      shuffleQuestions: true,
      shuffleOptions: true,
      reviewPolicy: true,
      layout: true,
      creditHours: true,
      creditSetById: true,
      creditApprovedById: true,
      unit: { select: { name: true, path: true } },
      slots: {
        select: {
          id: true,
          position: true,
          count: true,
          markEach: true,
          tag: true,
          difficulty: true,
          question: { select: { id: true, stem: true, type: true } },
          bank: { select: { id: true, title: true } },
        },
        orderBy: { position: "asc" },
      },
      audiences: { select: { id: true, politicalStatus: true, unit: { select: { id: true, name: true } } } },
      _count: { select: { attempts: true } },
    },
  });
}

export async function updateQuizSettings(actorId: number, quizId: number, input: QuizSettingsInput) {
  const data = settingsData(input);
  const before = await prisma.quiz.findUniqueOrThrow({ where: { id: quizId }, select: { creditHours: true, passPercent: true } });
  await prisma.quiz.update({ where: { id: quizId }, data: { ...data, ...creditSetterPatch(before, data, actorId) } });
  await auditChange("quiz", actorId, quizId, { part: "settings" });
}

export async function addSlot(actorId: number, quizId: number, input: SlotInput) {
  await builder.requireUnfrozen(quizId);
  const last = await prisma.quizSlot.findFirst({ where: { quizId }, orderBy: { position: "desc" }, select: { position: true } });
  const position = nextPosition(last);
  const markEach = Math.round(input.mark * HUNDRED);
  const { unit } = await prisma.quiz.findUniqueOrThrow({ where: { id: quizId }, select: { unit: { select: { path: true } } } });
  if (input.kind === "fixed") {
    const question = await prisma.question.findUnique({ where: { id: input.questionId }, select: { archivedAt: true, bankId: true } });
    if (!question || question.archivedAt) throw new AppError("invalid", "该题目不存在或已归档");
    await requireBankInReach(question.bankId, unit.path, "question");
    const dup = await prisma.quizSlot.findFirst({ where: { quizId, questionId: input.questionId }, select: { id: true } });
    if (dup) throw new AppError("invalid", "该题目已在试卷中");
    await prisma.quizSlot.create({ data: { quizId, position, questionId: input.questionId, count: 1, markEach } });
  } else {
    const draw = { bankId: input.bankId, tag: input.tag ?? null, difficulty: input.difficulty, count: input.count };
    await requireDrawable(draw, unit.path);
    await prisma.quizSlot.create({ data: { quizId, position, ...draw, markEach } });
  }
  await auditChange("quiz", actorId, quizId, { part: "slot.add", kind: input.kind });
}

export async function removeSlot(actorId: number, quizId: number, slotId: number) {
  await builder.requireUnfrozen(quizId);
  const { count } = await prisma.quizSlot.deleteMany({ where: { id: slotId, quizId } });
  if (count === 0) throw new AppError("bad_position", "该题目组不存在");
  await auditChange("quiz", actorId, quizId, { part: "slot.remove" });
}

/** Publishing checks what a learner would otherwise hit (../builder/builder.ts); a quiz may have no window. */
export async function publishQuiz(actorId: number, quizId: number) {
  const quiz = await getQuizForEdit(quizId);
  await builder.publish(
    actorId,
    quizId,
    quiz && {
      parts: quiz.slots.map((s) => ({ position: s.position, count: s.count, draw: s.bank && { bankId: s.bank.id, tag: s.tag, difficulty: s.difficulty } })),
      audiences: quiz.audiences.length,
      opensAt: quiz.opensAt,
      closesAt: quiz.closesAt,
    },
  );
}

export async function searchQuestions(bankIds: number[], q: string, take = 20) {
  if (!q.trim() || bankIds.length === 0) return [];
  return prisma.question.findMany({
    where: { bankId: { in: bankIds }, archivedAt: null, OR: [{ stem: insensitive({ contains: q.trim() }) }, { key: q.trim() }] },
    select: { id: true, key: true, type: true, stem: true, bank: { select: { title: true } } },
    take,
  });
}
