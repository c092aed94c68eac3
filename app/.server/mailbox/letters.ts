import { letterReplyMessage } from "~/lib/notification-messages";
import { AppError } from "~/lib/app-error";
import { OPEN_LETTER_STATUSES, isOverdue, letterDueAt, mailboxTitle } from "~/lib/mailbox";
import { type Grant, scopePaths } from "~/lib/permissions";
import { unitIdsOnPath } from "~/lib/unit-path";
import { audit } from "../audit";
import { prisma } from "../db";
import { type Prisma } from "../generated/prisma/client";
import { notify } from "../notify/notify";

// Letters to a 书记信箱 (docs/decisions/047). The writer's side reads only the caller's own letters;
// the handlers' side reads letters of the mailboxes the caller handles (a named handler, or a grant
// with `mailbox:manage` over the mailbox's unit). Both answer "not found" for anything else, so an id
// tells nothing. The author of an anonymous letter is never selected on the handlers' side.

export const LETTER_NOT_FOUND = "没有找到这封信";
const notFound = () => new AppError("not_found", LETTER_NOT_FOUND);

/** At most this many letters per person in 24 hours: a mailbox is for letters, not for a flood of them. */
export const LETTERS_PER_DAY = 5;

export type Caller = { id: number; grants: readonly Grant[] };

const OPEN = [...OPEN_LETTER_STATUSES];

/** Mailboxes the caller handles: named on it, or holding `mailbox:manage` over its unit. */
export function handledBy(caller: Caller) {
  return {
    archivedAt: null,
    OR: [{ handlers: { some: { personId: caller.id } } }, ...scopePaths(caller.grants, "mailbox:manage").map((p) => ({ unit: { path: { startsWith: p } } }))],
  };
}

/** Whether the caller handles any mailbox (the navigation's link). */
export async function handlesAnyMailbox(caller: Caller): Promise<boolean> {
  return (await prisma.mailbox.count({ where: handledBy(caller) })) > 0;
}

// ---- The writer's side ----

/** The mailboxes a person may write to: those of the units on their path (their branch, college, the committee), nearest first. */
export async function writableMailboxes(personId: number) {
  const me = await prisma.person.findUniqueOrThrow({ where: { id: personId }, select: { unit: { select: { path: true } } } });
  const boxes = await prisma.mailbox.findMany({
    where: { unitId: { in: unitIdsOnPath(me.unit.path) }, archivedAt: null, unit: { archivedAt: null } },
    select: { id: true, kind: true, allowAnonymous: true, serviceDays: true, unit: { select: { name: true, depth: true } } },
  });
  return boxes
    .sort((a, b) => b.unit.depth - a.unit.depth || a.kind.localeCompare(b.kind))
    .map((b) => ({ id: b.id, title: mailboxTitle(b.unit.name, b.kind), allowAnonymous: b.allowAnonymous, serviceDays: b.serviceDays }));
}

export async function writeLetter(personId: number, input: { mailboxId: number; subject: string; body: string; anonymous: boolean }, now = new Date()) {
  const box = (await writableMailboxes(personId)).find((b) => b.id === input.mailboxId);
  if (!box) throw new AppError("invalid", "请选择可以写信的信箱", { field: "mailboxId" });
  if (input.anonymous && !box.allowAnonymous) throw new AppError("invalid", "该信箱不接受匿名来信，请署名写信", { field: "anonymous" });
  const recent = await prisma.letter.count({ where: { authorId: personId, createdAt: { gt: new Date(now.getTime() - 24 * 3600_000) } } });
  if (recent >= LETTERS_PER_DAY) throw new AppError("throttled", `24 小时内最多写 ${LETTERS_PER_DAY} 封信，请稍后再写`);
  const letter = await prisma.letter.create({
    data: {
      mailboxId: box.id,
      originMailboxId: box.id,
      authorId: personId,
      anonymous: input.anonymous,
      subject: input.subject,
      body: input.body,
      status: "pending",
      dueAt: letterDueAt(now, box.serviceDays),
      createdAt: now,
    },
    select: { id: true },
  });
  // An anonymous letter's entry names neither its author nor the address it came from (decision 047).
  await audit({
    actorId: input.anonymous ? null : personId,
    action: "letter.submit",
    targetKind: "letter",
    targetId: letter.id,
    detail: { mailboxId: box.id, anonymous: input.anonymous },
    withoutAddress: input.anonymous,
  });
  return letter;
}

const MAILBOX_NAME = { select: { kind: true, unit: { select: { name: true } } } } as const;
const titleOf = (m: { kind: string; unit: { name: string } }) => mailboxTitle(m.unit.name, m.kind);

export async function lettersOfAuthor(personId: number) {
  const rows = await prisma.letter.findMany({
    where: { authorId: personId },
    select: { id: true, subject: true, status: true, anonymous: true, createdAt: true, mailbox: MAILBOX_NAME },
    orderBy: { id: "desc" },
    take: 100,
  });
  return rows.map((r) => ({ ...r, mailbox: titleOf(r.mailbox) }));
}

/** The author's own letter with what they may read of it: replies, escalations and closing, never the handlers' notes. */
export async function letterForAuthor(personId: number, letterId: number) {
  const letter = await prisma.letter.findFirst({
    where: { id: letterId, authorId: personId },
    select: {
      id: true,
      subject: true,
      body: true,
      status: true,
      anonymous: true,
      createdAt: true,
      dueAt: true,
      mailbox: MAILBOX_NAME,
      origin: MAILBOX_NAME,
      entries: { where: { kind: { not: "note" } }, select: { id: true, kind: true, body: true, createdAt: true }, orderBy: { id: "asc" } },
    },
  });
  if (!letter) throw notFound();
  return { ...letter, mailbox: titleOf(letter.mailbox), origin: titleOf(letter.origin) };
}

// ---- The handlers' side ----

export type LetterView = "open" | "overdue" | "all";

/** Letters in, or first written to, the mailboxes the caller handles; open ones by due time. */
export async function lettersForHandler(caller: Caller, view: LetterView, now = new Date()) {
  const handled = handledBy(caller);
  const rows = await prisma.letter.findMany({
    where: {
      OR: [{ mailbox: handled }, { origin: handled }],
      ...(view === "all" ? {} : { status: { in: OPEN } }),
      ...(view === "overdue" ? { firstRepliedAt: null, dueAt: { lt: now } } : {}),
    },
    // No author here: the list shows whether a letter is anonymous, and a named author only on its own page.
    select: { id: true, subject: true, status: true, anonymous: true, createdAt: true, dueAt: true, firstRepliedAt: true, mailbox: MAILBOX_NAME },
    orderBy: view === "all" ? { id: "desc" } : [{ dueAt: "asc" }, { id: "asc" }],
    take: 200,
  });
  return rows.map((r) => ({ ...r, mailbox: titleOf(r.mailbox), overdue: isOverdue(r, now) }));
}

/**
 * How many open letters wait in the mailboxes the caller handles, and how many of them are past the
 * service time (`isOverdue`): what `lettersForHandler(caller, "open")` lists, counted by the database
 * (the home page's duty line), and not capped as that list is.
 */
export async function openLetterCounts(caller: Caller, now = new Date()): Promise<{ count: number; overdue: number }> {
  const open = { OR: [{ mailbox: handledBy(caller) }, { origin: handledBy(caller) }], status: { in: OPEN } };
  const [count, overdue] = await Promise.all([
    prisma.letter.count({ where: open }),
    prisma.letter.count({ where: { ...open, firstRepliedAt: null, dueAt: { lt: now } } }),
  ]);
  return { count, overdue };
}

/** The caller's own replies, newest first: a handler's reply history. */
export async function repliesBy(personId: number, take = 20) {
  return prisma.letterEntry.findMany({
    where: { authorId: personId, kind: "reply" },
    select: { id: true, body: true, createdAt: true, letter: { select: { id: true, subject: true } } },
    orderBy: { id: "desc" },
    take,
  });
}

/**
 * A letter as its handlers see it. Readable by the handlers of the mailbox it is in and of the one it
 * was written to; `canAct` only for the mailbox it is in. The author is read only when the letter is
 * signed: an anonymous letter's page never holds its author's name or id.
 */
export async function letterForHandler(caller: Caller, letterId: number) {
  const handled = handledBy(caller);
  const letter = await prisma.letter.findFirst({
    where: { id: letterId, OR: [{ mailbox: handled }, { origin: handled }] },
    select: {
      id: true,
      subject: true,
      body: true,
      status: true,
      anonymous: true,
      createdAt: true,
      dueAt: true,
      firstRepliedAt: true,
      mailboxId: true,
      mailbox: MAILBOX_NAME,
      origin: MAILBOX_NAME,
      entries: { select: { id: true, kind: true, body: true, createdAt: true, author: { select: { name: true } } }, orderBy: { id: "asc" } },
    },
  });
  if (!letter) throw notFound();
  const [author, canAct] = await Promise.all([
    letter.anonymous
      ? null
      : prisma.letter
          .findUniqueOrThrow({ where: { id: letter.id }, select: { author: { select: { name: true, unit: { select: { name: true } } } } } })
          .then((l) => ({ name: l.author.name, unitName: l.author.unit.name })),
    prisma.mailbox.count({ where: { id: letter.mailboxId, ...handled } }).then((n) => n > 0),
  ]);
  return { ...letter, mailbox: titleOf(letter.mailbox), origin: titleOf(letter.origin), author, canAct };
}

/** The letter, if it sits in a mailbox the caller handles; "not found" otherwise. */
async function actionable(caller: Caller, letterId: number) {
  const letter = await prisma.letter.findFirst({
    where: { id: letterId, mailbox: handledBy(caller) },
    select: {
      id: true,
      status: true,
      mailboxId: true,
      firstRepliedAt: true,
      authorId: true,
      subject: true,
      mailbox: { select: { kind: true, unit: { select: { path: true } } } },
    },
  });
  if (!letter) throw notFound();
  if (letter.status === "closed") throw new AppError("closed", "这封信已关闭");
  return letter;
}

/**
 * A handler's step, written against the letter as read: a close or an escalation that came in between
 * wins, and nothing is written (the handler is told to look again).
 */
async function handlerStep(
  letter: { id: number; mailboxId: number },
  data: { status?: string; firstRepliedAt?: Date; closedAt?: Date },
  entry: { kind: string; authorId: number; body: string; createdAt: Date },
  /** More to write with the step, in its transaction (the author's notification of a reply). */
  also?: (tx: Prisma.TransactionClient, entryId: number) => Promise<unknown>,
) {
  await prisma.$transaction(async (tx) => {
    const changed = await tx.letter.updateMany({ where: { id: letter.id, mailboxId: letter.mailboxId, status: { not: "closed" } }, data });
    if (changed.count === 0) throw new AppError("conflict", "这封信刚被关闭或转到了上级信箱，请刷新后再看");
    const created = await tx.letterEntry.create({ data: { letterId: letter.id, ...entry }, select: { id: true } });
    await also?.(tx, created.id);
  });
}

export async function replyToLetter(caller: Caller, letterId: number, body: string, now = new Date()) {
  const letter = await actionable(caller, letterId);
  // The author is told, anonymous or not: the letter is still hers (decision 054).
  const tell = (tx: Prisma.TransactionClient, entryId: number) => notify(tx, { personIds: [letter.authorId], ...letterReplyMessage(letter, entryId) });
  await handlerStep(
    letter,
    { status: "answered", firstRepliedAt: letter.firstRepliedAt ?? now },
    { kind: "reply", authorId: caller.id, body, createdAt: now },
    tell,
  );
  await audit({ actorId: caller.id, action: "letter.reply", targetKind: "letter", targetId: letter.id });
}

/** An internal note, read by handlers only; a pending letter is then 处理中. */
export async function noteOnLetter(caller: Caller, letterId: number, body: string, now = new Date()) {
  const letter = await actionable(caller, letterId);
  await handlerStep(letter, letter.status === "pending" ? { status: "in_progress" } : {}, { kind: "note", authorId: caller.id, body, createdAt: now });
  await audit({ actorId: caller.id, action: "letter.note", targetKind: "letter", targetId: letter.id });
}

export async function closeLetter(caller: Caller, letterId: number, reason: string, now = new Date()) {
  const letter = await actionable(caller, letterId);
  await handlerStep(letter, { status: "closed", closedAt: now }, { kind: "close", authorId: caller.id, body: reason, createdAt: now });
  await audit({ actorId: caller.id, action: "letter.close", targetKind: "letter", targetId: letter.id });
}

/** The mailbox of the same kind at the nearest unit above, else the nearest 书记信箱 above; null at the top. */
async function parentMailbox(unitPath: string, kind: string) {
  const above = unitIdsOnPath(unitPath).slice(0, -1);
  if (above.length === 0) return null;
  const boxes = await prisma.mailbox.findMany({
    where: { unitId: { in: above }, archivedAt: null, unit: { archivedAt: null } },
    select: { id: true, kind: true, serviceDays: true, unit: { select: { depth: true } } },
  });
  boxes.sort((a, b) => b.unit.depth - a.unit.depth);
  return boxes.find((b) => b.kind === kind) ?? boxes.find((b) => b.kind === "secretary") ?? null;
}

/** Moves an open, unanswered letter to the parent unit's mailbox, by a handler. */
export async function escalateLetter(caller: Caller, letterId: number, reason: string, now = new Date()) {
  const letter = await actionable(caller, letterId);
  if (!OPEN.includes(letter.status as (typeof OPEN)[number]) || letter.firstRepliedAt) {
    throw new AppError("conflict", "已答复的信不能再转上级");
  }
  const to = await parentMailbox(letter.mailbox.unit.path, letter.mailbox.kind);
  if (!to) throw new AppError("conflict", "上级党组织没有开设信箱，不能转上级");
  await moveLetter(letter.id, letter.mailboxId, to, { actorId: caller.id, body: reason, now, swept: false });
  await audit({ actorId: caller.id, action: "letter.escalate", targetKind: "letter", targetId: letter.id, detail: { from: letter.mailboxId, to: to.id } });
}

async function moveLetter(
  letterId: number,
  fromId: number,
  to: { id: number; serviceDays: number },
  how: { actorId: number | null; body: string; now: Date; swept: boolean },
): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    // Conditional on the state read: a reply or another escalation in between wins, and nothing is written twice.
    const moved = await tx.letter.updateMany({
      where: { id: letterId, mailboxId: fromId, status: { in: OPEN }, firstRepliedAt: null, ...(how.swept ? { sweptAt: null } : {}) },
      data: { mailboxId: to.id, status: "escalated", dueAt: letterDueAt(how.now, to.serviceDays), ...(how.swept ? { sweptAt: how.now } : {}) },
    });
    if (moved.count === 0) return false;
    await tx.letterEntry.create({
      data: { letterId, kind: "escalation", authorId: how.actorId, body: how.body, fromMailboxId: fromId, toMailboxId: to.id, createdAt: how.now },
    });
    return true;
  });
}

export const AUTO_ESCALATION_NOTE = "超过办理时限未答复，已自动转上级信箱";

/**
 * The sweeper's part: each open letter past its due time with no reply goes to the parent unit's
 * mailbox, once (a letter the sweeper has moved, or found nothing above, is not looked at again).
 * Returns how many letters it moved.
 */
export async function escalateOverdueLetters(now = new Date(), batch = 100): Promise<number> {
  const due = await prisma.letter.findMany({
    where: { status: { in: OPEN }, firstRepliedAt: null, sweptAt: null, dueAt: { lt: now } },
    select: { id: true, mailboxId: true, mailbox: { select: { kind: true, unit: { select: { path: true } } } } },
    orderBy: { dueAt: "asc" },
    take: batch,
  });
  let moved = 0;
  for (const letter of due) {
    const to = await parentMailbox(letter.mailbox.unit.path, letter.mailbox.kind);
    if (!to) {
      await prisma.letter.updateMany({ where: { id: letter.id, sweptAt: null }, data: { sweptAt: now } });
      continue;
    }
    if (await moveLetter(letter.id, letter.mailboxId, to, { actorId: null, body: AUTO_ESCALATION_NOTE, now, swept: true })) {
      moved++;
      await audit({
        actorId: null,
        action: "letter.escalate",
        targetKind: "letter",
        targetId: letter.id,
        detail: { from: letter.mailboxId, to: to.id, automatic: true },
      });
    }
  }
  return moved;
}
