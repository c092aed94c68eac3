import { AppError } from "~/lib/app-error";
import { type MailboxKind, mailboxTitle } from "~/lib/mailbox";
import { grantsCover, scopePaths } from "~/lib/permissions";
import { audit } from "../audit";
import { prisma } from "../db";
import { type Caller } from "./letters";

// Opening a unit's mailbox and setting it up: its handlers, whether it takes anonymous letters, its
// service time. Takes `mailbox:manage` over the mailbox's unit; every change is audited.

const MAILBOX_NOT_FOUND = "没有找到这个信箱";

/** The mailboxes under the caller's `mailbox:manage` grants, with their handlers. */
export async function configurableMailboxes(caller: Caller) {
  const scope = scopePaths(caller.grants, "mailbox:manage");
  if (scope.length === 0) return [];
  const boxes = await prisma.mailbox.findMany({
    where: { archivedAt: null, OR: scope.map((p) => ({ unit: { path: { startsWith: p } } })) },
    select: {
      id: true,
      kind: true,
      allowAnonymous: true,
      serviceDays: true,
      unit: { select: { name: true, path: true } },
      handlers: { select: { person: { select: { id: true, name: true, number: true } } }, orderBy: { id: "asc" } },
    },
    orderBy: [{ unit: { path: "asc" } }, { kind: "asc" }],
  });
  return boxes.map((b) => ({ ...b, title: mailboxTitle(b.unit.name, b.kind), handlers: b.handlers.map((h) => h.person) }));
}

/** Whether a person of the unit at `personPath` may handle a mailbox of the unit at `boxPath`: same line, above or below. */
function onMailboxLine(personPath: string, boxPath: string) {
  return personPath.startsWith(boxPath) || boxPath.startsWith(personPath);
}

async function mailboxInScope(caller: Caller, mailboxId: number) {
  const box = await prisma.mailbox.findFirst({ where: { id: mailboxId, archivedAt: null }, select: { id: true, unit: { select: { path: true } } } });
  if (!box || !grantsCover(caller.grants, "mailbox:manage", box.unit.path)) throw new AppError("not_found", MAILBOX_NOT_FOUND);
  return box;
}

/** Opens a unit's mailbox of a kind (once per unit and kind). The caller checks `mailbox:manage` over the unit. */
export async function openMailbox(actorId: number, unitId: number, kind: MailboxKind) {
  const unit = await prisma.orgUnit.findUnique({ where: { id: unitId }, select: { archivedAt: true } });
  if (!unit || unit.archivedAt) throw new AppError("invalid", "该党组织不存在或已撤销", { field: "unitId" });
  const existing = await prisma.mailbox.findUnique({ where: { unitId_kind: { unitId, kind } }, select: { id: true } });
  if (existing) throw new AppError("already_done", "该党组织已开设这个信箱", { field: "kind" });
  const box = await prisma.mailbox.create({ data: { unitId, kind }, select: { id: true } });
  await audit({ actorId, action: "mailbox.configure", targetKind: "mailbox", targetId: box.id, detail: { open: kind, unitId } });
  return box;
}

export async function updateMailbox(caller: Caller, mailboxId: number, input: { allowAnonymous: boolean; serviceDays: number }) {
  const box = await mailboxInScope(caller, mailboxId);
  await prisma.mailbox.update({ where: { id: box.id }, data: input });
  await audit({ actorId: caller.id, action: "mailbox.configure", targetKind: "mailbox", targetId: box.id, detail: input });
}

export async function addHandler(caller: Caller, mailboxId: number, number: string) {
  const box = await mailboxInScope(caller, mailboxId);
  const person = await prisma.person.findUnique({ where: { number }, select: { id: true, disabledAt: true, unit: { select: { path: true } } } });
  // A handler reads every letter of the box, so she must belong to the mailbox's own line: its unit's
  // subtree or a unit above it (the committee's office handling a college's box). Someone of another
  // college gets the same answer as an unknown number, so the form does not tell who exists elsewhere.
  if (!person || person.disabledAt || !onMailboxLine(person.unit.path, box.unit.path))
    throw new AppError("invalid", "没有找到这个学号/工号的在用账号，或此人不属于该信箱所在的党组织及其上级组织", { field: "number" });
  const exists = await prisma.mailboxHandler.findUnique({ where: { mailboxId_personId: { mailboxId: box.id, personId: person.id } }, select: { id: true } });
  if (exists) throw new AppError("already_done", "此人已是该信箱的处理人", { field: "number" });
  await prisma.mailboxHandler.create({ data: { mailboxId: box.id, personId: person.id } });
  await audit({ actorId: caller.id, action: "mailbox.configure", targetKind: "mailbox", targetId: box.id, detail: { addHandler: person.id } });
}

export async function removeHandler(caller: Caller, mailboxId: number, personId: number) {
  const box = await mailboxInScope(caller, mailboxId);
  const removed = await prisma.mailboxHandler.deleteMany({ where: { mailboxId: box.id, personId } });
  if (removed.count === 0) throw new AppError("not_found", "此人不是该信箱的处理人");
  await audit({ actorId: caller.id, action: "mailbox.configure", targetKind: "mailbox", targetId: box.id, detail: { removeHandler: personId } });
}
