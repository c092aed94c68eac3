import { type QuizSettingsInput, type SlotInput } from "~/lib/quiz-settings";
import { unitIdsOnPath } from "~/lib/unit-path";
import { audit } from "../audit";
import { prisma } from "../db";
import { creditSetterPatch } from "../hours/self-credit";

// The quiz builder: settings, slots (fixed questions or random draws), audiences, publishing.
// A quiz belongs to a unit; the caller checks "quizzes:manage" over it. Once anybody has started an
// attempt, the paper (slots) is frozen: attempts store what they drew, and marks must stay comparable.

export class QuizError extends Error {}

const HUNDRED = 100;

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
    creditHours: input.creditHours ? Math.round(input.creditHours * HUNDRED) : null,
  };
}

export async function quizzesOfUnits(scopePaths: string[]) {
  if (scopePaths.length === 0) return [];
  return prisma.quiz.findMany({
    where: { OR: scopePaths.map((p) => ({ unit: { path: { startsWith: p } } })), status: { not: "archived" } },
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

async function requireUnfrozen(quizId: number) {
  const attempts = await prisma.quizAttempt.count({ where: { quizId } });
  if (attempts > 0) throw new QuizError("已有人开始作答，试卷题目不能再修改");
}

export async function updateQuizSettings(actorId: number, quizId: number, input: QuizSettingsInput) {
  const data = settingsData(input);
  const before = await prisma.quiz.findUniqueOrThrow({ where: { id: quizId }, select: { creditHours: true, passPercent: true } });
  await prisma.quiz.update({ where: { id: quizId }, data: { ...data, ...creditSetterPatch(before, data, actorId) } });
  await audit({ actorId, action: "quiz.update", targetKind: "quiz", targetId: quizId, detail: { part: "settings" } });
}

/** Questions a draw rule can pick from: not archived, in the bank, with the tag and difficulty asked. */
export async function drawPoolSize(bankId: number, tag: string | null, difficulty: number | null): Promise<number> {
  const questions = await prisma.question.findMany({
    where: { bankId, archivedAt: null, ...(difficulty ? { difficulty } : {}) },
    select: { tags: true },
  });
  if (!tag) return questions.length;
  return questions.filter((q) => (JSON.parse(q.tags) as string[]).includes(tag)).length;
}

export async function addSlot(actorId: number, quizId: number, input: SlotInput) {
  await requireUnfrozen(quizId);
  const last = await prisma.quizSlot.findFirst({ where: { quizId }, orderBy: { position: "desc" }, select: { position: true } });
  const position = (last?.position ?? 0) + 1;
  const markEach = Math.round(input.mark * HUNDRED);
  const { unit } = await prisma.quiz.findUniqueOrThrow({ where: { id: quizId }, select: { unit: { select: { path: true } } } });
  if (input.kind === "fixed") {
    const question = await prisma.question.findUnique({ where: { id: input.questionId }, select: { archivedAt: true, bankId: true } });
    if (!question || question.archivedAt) throw new QuizError("该题目不存在或已归档");
    const refusal = await bankRefusal(question.bankId, unit.path);
    if (refusal) throw new QuizError(refusal === FOREIGN_BANK ? "不能使用其他党组织题库中的题目" : refusal);
    const dup = await prisma.quizSlot.findFirst({ where: { quizId, questionId: input.questionId }, select: { id: true } });
    if (dup) throw new QuizError("该题目已在试卷中");
    await prisma.quizSlot.create({ data: { quizId, position, questionId: input.questionId, count: 1, markEach } });
  } else {
    const refusal = await bankRefusal(input.bankId, unit.path);
    if (refusal) throw new QuizError(refusal);
    const pool = await drawPoolSize(input.bankId, input.tag ?? null, input.difficulty);
    if (pool < input.count) throw new QuizError(`符合条件的题目只有 ${pool} 道，不够抽取 ${input.count} 道`);
    await prisma.quizSlot.create({
      data: { quizId, position, bankId: input.bankId, tag: input.tag ?? null, difficulty: input.difficulty, count: input.count, markEach },
    });
  }
  await audit({ actorId, action: "quiz.update", targetKind: "quiz", targetId: quizId, detail: { part: "slot.add", kind: input.kind } });
}

export async function removeSlot(actorId: number, quizId: number, slotId: number) {
  await requireUnfrozen(quizId);
  const { count } = await prisma.quizSlot.deleteMany({ where: { id: slotId, quizId } });
  if (count === 0) throw new QuizError("该题目组不存在");
  await audit({ actorId, action: "quiz.update", targetKind: "quiz", targetId: quizId, detail: { part: "slot.remove" } });
}

export async function addAudience(actorId: number, quizId: number, unitId: number, politicalStatus: string | null) {
  const unit = await prisma.orgUnit.findUnique({ where: { id: unitId }, select: { archivedAt: true } });
  if (!unit || unit.archivedAt) throw new QuizError("该党组织不存在或已撤销");
  const dup = await prisma.quizAudience.findFirst({ where: { quizId, unitId, politicalStatus }, select: { id: true } });
  if (dup) throw new QuizError("该范围已添加");
  await prisma.quizAudience.create({ data: { quizId, unitId, politicalStatus } });
  await audit({ actorId, action: "quiz.update", targetKind: "quiz", targetId: quizId, detail: { part: "audience.add", unitId, politicalStatus } });
}

export async function removeAudience(actorId: number, quizId: number, audienceId: number) {
  const { count } = await prisma.quizAudience.deleteMany({ where: { id: audienceId, quizId } });
  if (count === 0) throw new QuizError("该范围不存在");
  await audit({ actorId, action: "quiz.update", targetKind: "quiz", targetId: quizId, detail: { part: "audience.remove" } });
}

/** Publishing checks what a learner would otherwise hit: an empty paper, nobody invited, draws that cannot be filled. */
export async function publishQuiz(actorId: number, quizId: number) {
  const quiz = await getQuizForEdit(quizId);
  if (!quiz) throw new QuizError("测试不存在");
  if (quiz.slots.length === 0) throw new QuizError("试卷还没有题目");
  if (quiz.audiences.length === 0) throw new QuizError("还没有指定参加范围");
  if (quiz.closesAt && quiz.closesAt.getTime() <= Date.now()) throw new QuizError("截止时间已过，请先修改时间");
  for (const slot of quiz.slots) {
    if (slot.bank) {
      const pool = await drawPoolSize(slot.bank.id, slot.tag, slot.difficulty);
      if (pool < slot.count) throw new QuizError(`第 ${slot.position} 组只有 ${pool} 道可抽的题，不够 ${slot.count} 道`);
    }
  }
  await prisma.quiz.update({ where: { id: quizId }, data: { status: "published" } });
  await audit({ actorId, action: "quiz.publish", targetKind: "quiz", targetId: quizId });
}

export async function setQuizStatus(actorId: number, quizId: number, status: "draft" | "archived") {
  await prisma.quiz.update({ where: { id: quizId }, data: { status } });
  await audit({ actorId, action: "quiz.update", targetKind: "quiz", targetId: quizId, detail: { status } });
}

const FOREIGN_BANK = "不能使用其他党组织的题库";

/**
 * Why a quiz or contest of the unit at `ownerPath` may not use a bank, or null when it may: the rule
 * of `banksForBuilder` for one bank (the owner's unit, above it, or below it). Checked on every slot
 * and section added, since a form can name any bank or question id, not only the ones offered.
 */
export async function bankRefusal(bankId: number, ownerPath: string): Promise<string | null> {
  const bank = await prisma.questionBank.findUnique({ where: { id: bankId }, select: { archivedAt: true, unit: { select: { path: true } } } });
  if (!bank || bank.archivedAt) return "该题库不存在或已归档";
  const bankPath = bank.unit.path;
  return ownerPath.startsWith(bankPath) || bankPath.startsWith(ownerPath) ? null : FOREIGN_BANK;
}

/** Banks and questions a builder may use: those of the quiz's (or contest's) unit, above it and below it (shipped banks sit at the root). */
export async function banksForBuilder(unitPath: string) {
  const ancestorIds = unitIdsOnPath(unitPath);
  return prisma.questionBank.findMany({
    where: { archivedAt: null, OR: [{ unitId: { in: ancestorIds } }, { unit: { path: { startsWith: unitPath } } }] },
    select: { id: true, title: true, _count: { select: { questions: { where: { archivedAt: null } } } } },
    orderBy: { title: "asc" },
  });
}

export async function searchQuestions(bankIds: number[], q: string, take = 20) {
  if (!q.trim() || bankIds.length === 0) return [];
  return prisma.question.findMany({
    where: { bankId: { in: bankIds }, archivedAt: null, OR: [{ stem: { contains: q.trim() } }, { key: q.trim() }] },
    select: { id: true, key: true, type: true, stem: true, bank: { select: { title: true } } },
    take,
  });
}
