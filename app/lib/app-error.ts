// The one error the domain throws: a code from the list below, the Chinese sentence the person is
// shown, and the HTTP status that follows from the code. A route never inspects the message; it hands
// the error to one helper in `~/.server/http/refusal` (documenso's AppError is the model).
//
// The codes name what happened, not where: the same `closed` serves quizzes, contests and live rounds.
// Add a code here when no existing one says it; its status says how a route answers.

export const APP_ERROR_STATUS = {
  /** The input breaks a rule the form itself could not check. */
  invalid: 400,
  /** The request is not what the endpoint reads (a missing or mistyped field from a script). */
  malformed: 400,
  /** A position, slot or option that is not on the paper. */
  bad_position: 400,
  /** A wrong or unknown code (activation, live round join code). */
  bad_code: 400,
  /** Too few of something to go on (questions in a bank, rows in a file). */
  too_few: 400,
  /** Sign-in required or expired. */
  unauthenticated: 401,
  /** The caller may not do this, here. */
  forbidden: 403,
  /** The caller is outside the audience, or not a participant. */
  not_eligible: 403,
  not_joined: 403,
  not_found: 404,
  /** Not open yet. */
  not_open: 409,
  /** Closed for good. */
  closed: 409,
  /** Past a deadline that has passed on the server's clock. */
  deadline: 409,
  /** Already done, and done once only. */
  already_done: 409,
  /** Nothing left to use (attempts, a code's uses). */
  exhausted: 409,
  /** The thing's state does not allow this step now. */
  conflict: 409,
  /** A live round's phone branches on these two: no question is open now, or the answer is to an earlier one. */
  no_question: 409,
  wrong_question: 409,
  /** Gone: expired, withdrawn, revoked. */
  expired: 410,
  too_large: 413,
  unsupported_media: 415,
  /** Too many tries in a short time. */
  throttled: 429,
  /** A dependency (a compile worker, the mail server) refused or timed out; trying later may work. */
  unavailable: 503,
} as const satisfies Record<string, number>;

export type AppErrorCode = keyof typeof APP_ERROR_STATUS;

export type AppErrorOptions = {
  /** The form field the message belongs beside; without it the message shows at the top of the form. */
  field?: string;
  /** A finer reason a client or a test may branch on (e.g. `gate` for a refused status change). */
  reason?: string;
  /** Extra facts the page shows with the message (e.g. `{ overridable: true }`). */
  detail?: Record<string, unknown>;
  cause?: unknown;
};

export class AppError extends Error {
  override readonly name = "AppError";
  readonly status: number;
  readonly field: string | undefined;
  readonly reason: string | undefined;
  readonly detail: Record<string, unknown> | undefined;

  constructor(
    readonly code: AppErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = APP_ERROR_STATUS[code];
    this.field = options.field;
    this.reason = options.reason;
    this.detail = options.detail;
  }
}

/**
 * Also true for an AppError of the other module graph: server.ts (run from source) and the Remix build
 * each load this class, and a shared instance on globalThis (the contest intake) throws the class of
 * whichever graph created it.
 */
export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError || (e instanceof Error && e.name === "AppError" && typeof (e as { code?: unknown }).code === "string");
}
