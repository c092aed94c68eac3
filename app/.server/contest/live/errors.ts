// Refusals of a live round, each with the Chinese sentence the person is shown and the HTTP status a
// route answers with.

export type LiveRefusalCode =
  | "not_found"
  | "not_eligible"
  | "bad_code"
  | "not_joined"
  | "round_open"
  | "bad_state"
  | "no_question"
  | "wrong_question"
  | "deadline"
  | "too_few_questions"
  | "malformed";

const STATUS: Record<LiveRefusalCode, number> = {
  not_found: 404,
  not_eligible: 403,
  bad_code: 400,
  not_joined: 403,
  round_open: 409,
  bad_state: 409,
  no_question: 409,
  wrong_question: 409,
  deadline: 409,
  too_few_questions: 400,
  malformed: 400,
};

export class LiveError extends Error {
  readonly status: number;
  constructor(
    readonly code: LiveRefusalCode,
    message: string,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}
