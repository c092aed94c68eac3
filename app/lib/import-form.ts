import { type SubmissionResult } from "@conform-to/react";
import { z } from "zod";

// The form of every spreadsheet import page (people, a bank's questions): dry run first, then the
// confirmation of the very file that passed (its SHA-256), with the answers to the dry run's questions
// (`choices`, e.g. whether hidden rows count). Pure: the action and the page's validation read it.

export const PICK_FILE = "请选择要导入的 .xlsx 或 .csv 文件";

export function importFormSchema<C extends z.ZodRawShape>(choices: C) {
  return z
    .object({
      intent: z.enum(["dryRun", "confirm"]).default("dryRun"),
      file: z.instanceof(File, { message: PICK_FILE }).refine((f) => f.size > 0, PICK_FILE),
      expectedHash: z.string().optional(),
      ...choices,
    })
    .superRefine((v, ctx) => {
      const { intent, expectedHash } = v as { intent: string; expectedHash?: string };
      if (intent === "confirm" && !/^[0-9a-f]{64}$/.test(expectedHash ?? "")) {
        ctx.addIssue({ code: "custom", path: ["file"], message: "请先预检，预检通过后再确认导入" });
      }
    });
}

/** Whether hidden or filtered rows of the sheet are imported: asked by every import. */
export const HIDDEN_ROWS_CHOICE = { hidden: z.enum(["skip", "include"]).default("skip") };

/** What an import action answers: the form's reply, the dry run's report, and what a confirmation imported. */
export type ImportReply<Report, Done> = {
  result: SubmissionResult<string[]>;
  intent: "dryRun" | "confirm" | null;
  report: Report | null;
  done: Done | null;
};

/** The parts of a dry run's report that the page's shared parts read. */
export type ReportBasics = {
  fileName: string;
  sha256: string;
  fileProblems: string[];
  notes: string[];
  total: number;
  problemRowCount: number;
  hiddenRowCount: number;
};
