import { type Submission, type SubmissionResult } from "@conform-to/react";
import { data } from "@remix-run/node";
import { AppError } from "~/lib/app-error";

// The one place an AppError becomes an HTTP answer. A route calls the domain and hands whatever it
// throws to one of these; anything that is not an AppError propagates unchanged (a 500 with the error
// logged, never a message made up from it).
//
//   loader, page read:        const quiz = await orRefuse(() => quizForPerson(user, id));
//   action with a form:       catch (e) { return formRefusal(submission, e); }
//   endpoint a script calls:  catch (e) { return jsonRefusal(e); }

/** Throws an AppError as a Response with its status and Chinese message (the ErrorBoundary shows it). */
export function refuse(e: unknown): never {
  if (e instanceof AppError) throw new Response(e.message, { status: e.status, statusText: e.code });
  throw e;
}

/** Runs domain work; an AppError it throws is thrown on as a Response, see `refuse`. */
export async function orRefuse<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    refuse(e);
  }
}

/** What a refused form's reply clears: `hideFields` empties secrets (passwords, codes) the person typed. */
export type RefusalReplyOptions = { hideFields?: string[] };

/** The conform reply for a refused form: the message beside its field, or at the top of the form. */
export function refusalReply(submission: Submission<unknown, string[], unknown>, e: AppError, options: RefusalReplyOptions = {}): SubmissionResult<string[]> {
  return submission.reply({ ...(e.field ? { fieldErrors: { [e.field]: [e.message] } } : { formErrors: [e.message] }), ...options });
}

/**
 * An AppError as the action's answer to a conform form, with its status: `{ ...extra, result }`, the
 * shape every form's component reads with `useActionData`. The values typed stay in the form.
 */
export function formRefusal<Extra extends Record<string, unknown> = Record<never, never>>(
  submission: Submission<unknown, string[], unknown>,
  e: unknown,
  extra?: Extra,
  options?: RefusalReplyOptions,
) {
  if (!(e instanceof AppError)) throw e;
  return data(
    { ...(extra as Extra), result: refusalReply(submission, e, options), refusal: { code: e.code, reason: e.reason ?? null, detail: e.detail ?? null } },
    { status: e.status },
  );
}

/** The JSON body of a refusal a page's script reads (also sent by the contest answer endpoint outside Remix; the study endpoint answers `{ ok, error }`). */
export function refusalBody(e: AppError) {
  return { ok: false as const, error: e.message, code: e.code, reason: e.reason ?? null };
}

/**
 * The JSON a page's script reads from an endpoint: `{ ok: false, error, code, reason }` with the status.
 * A plain Response, not `data()`: a resource route answers a `data()` with 200 whatever its status.
 * Never cached, like every answer of such an endpoint.
 */
export function jsonRefusal(e: unknown): Response {
  if (!(e instanceof AppError)) throw e;
  return Response.json(refusalBody(e), { status: e.status, headers: { "Cache-Control": "no-store" } });
}
