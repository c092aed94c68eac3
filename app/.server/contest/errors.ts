// A refusal the participant is told about, in Chinese; `status` is the HTTP status a route answers with.

export type ContestRefusal = "not_found" | "not_open" | "already_entered" | "empty_paper" | "closed" | "deadline" | "bad_position" | "malformed";

const STATUS: Record<ContestRefusal, number> = {
  not_found: 404,
  not_open: 409,
  already_entered: 409,
  empty_paper: 409,
  closed: 409,
  deadline: 409,
  bad_position: 400,
  malformed: 400,
};

export class ContestError extends Error {
  readonly status: number;
  constructor(
    readonly code: ContestRefusal,
    message: string,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}
