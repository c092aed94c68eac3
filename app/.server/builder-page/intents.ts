import { parseWithZod } from "~/lib/zod-form";
import { data } from "@remix-run/node";
import { type ZodType, type z } from "zod";
import { AppError } from "~/lib/app-error";
import { BUILDER_PARSE, type BuilderReply, type SharedBuilderInput } from "~/lib/builder-forms";
import { requirePermission } from "../auth/guard";
import { addAudience as addContestAudience, publishContest, removeAudience as removeContestAudience, setContestStatus } from "../contest/contests";
import { approveCreditSettings } from "../hours/self-credit";
import { readForm } from "../http/form-body";
import { formRefusal } from "../http/refusal";
import { addAudience as addQuizAudience, publishQuiz, removeAudience as removeQuizAudience, setQuizStatus } from "../quiz/quizzes";
import { type BuilderKind } from "../builder/builder";

// The forms both builder pages carry (audiences, publishing, archiving, the credit approval), handled
// once: the page's action authorises the quiz or contest, parses, and hands these intents here. The
// answer is the sentence the page shows; a refusal is thrown as an AppError (formRefusal turns it into
// the form's reply).

const TARGETS = {
  quiz: {
    permission: "quizzes:manage",
    addAudience: addQuizAudience,
    removeAudience: removeQuizAudience,
    publish: publishQuiz,
    setStatus: setQuizStatus,
    done: {
      audienceAdded: "已添加参加范围",
      audienceRemoved: "已移除参加范围",
      published: "测试已发布，参加范围内的人员可以作答",
      unpublished: "测试已撤回为草稿",
      archived: "测试已归档",
    },
  },
  contest: {
    permission: "contests:manage",
    addAudience: addContestAudience,
    removeAudience: removeContestAudience,
    publish: publishContest,
    setStatus: setContestStatus,
    done: {
      audienceAdded: "已添加参赛范围",
      audienceRemoved: "已移除参赛范围",
      published: "竞赛已发布，参赛范围内的人员可在开始后参赛",
      unpublished: "竞赛已撤回为草稿",
      archived: "竞赛已归档",
    },
  },
} as const;

/**
 * Reads a builder page's form with its action schema, and the page's answers to it: `invalid()` (the
 * schema refused it, 400), `done(message)`, `refuse(e)` (a domain refusal, via formRefusal). Each
 * answer names the form that was sent (`intent`, and `kind` where one intent has two forms).
 */
export async function readBuilderForm<Schema extends ZodType>(request: Request, schema: Schema) {
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema, ...BUILDER_PARSE });
  const posted = (name: string) => {
    const v = formData.get(name);
    return typeof v === "string" ? v : null;
  };
  const answer = { intent: posted("intent"), kind: posted("kind") };
  return {
    submission,
    invalid: () => data<BuilderReply>({ ...answer, result: submission.reply() }, { status: 400 }),
    done: (message: string) => data<BuilderReply>({ ...answer, result: submission.reply(), message }),
    refuse: (e: unknown) => formRefusal(submission, e, answer),
  };
}

/** Runs one of the shared builder forms for the quiz or contest `id`, whose manager `actorId` is. */
export async function runSharedBuilderIntent(request: Request, kind: BuilderKind, actorId: number, id: number, input: SharedBuilderInput): Promise<string> {
  const t = TARGETS[kind];
  switch (input.intent) {
    case "audience-add":
      // Inviting a unit needs the right over that unit too.
      await requirePermission(request, t.permission, input.unitId);
      await t.addAudience(actorId, id, input.unitId, input.politicalStatus);
      return t.done.audienceAdded;
    case "audience-remove":
      await t.removeAudience(actorId, id, input.id);
      return t.done.audienceRemoved;
    case "publish":
      await t.publish(actorId, id);
      return t.done.published;
    case "unpublish":
      await t.setStatus(actorId, id, "draft");
      return t.done.unpublished;
    case "archive":
      await t.setStatus(actorId, id, "archived");
      return t.done.archived;
    case "approve-credit": {
      const r = await approveCreditSettings(actorId, kind, id, input.seen);
      if (!r.ok) throw new AppError("invalid", r.message);
      return "学时设置已审核通过";
    }
  }
}

type OwnInput<Schema extends ZodType> = Exclude<z.output<Schema>, SharedBuilderInput>;
type IntentOf<T> = T extends { intent: infer I extends string } ? I : never;

/** A builder page's own forms (settings, paper parts): each returns the sentence the page shows. */
export type OwnBuilderForms<Schema extends ZodType> = {
  [I in IntentOf<OwnInput<Schema>>]: (input: Extract<OwnInput<Schema>, { intent: I }>) => Promise<string>;
};

/**
 * A builder page's action after it has authorised the quiz or contest `id`: parses the form with the
 * page's schema (its own forms and the shared ones), runs the page's handler for its own forms or
 * the shared one, and answers the form that was sent.
 */
export async function builderAction<Schema extends ZodType<{ intent: string }>>(
  request: Request,
  target: { kind: BuilderKind; actorId: number; id: number },
  schema: Schema,
  own: OwnBuilderForms<Schema>,
) {
  const form = await readBuilderForm(request, schema);
  if (form.submission.status !== "success") return form.invalid();
  const input = form.submission.value as z.output<Schema>;
  const handler = (own as Record<string, (input: unknown) => Promise<string>>)[input.intent];
  try {
    const message = handler ? await handler(input) : await runSharedBuilderIntent(request, target.kind, target.actorId, target.id, input as SharedBuilderInput);
    return form.done(message);
  } catch (e) {
    return form.refuse(e);
  }
}
