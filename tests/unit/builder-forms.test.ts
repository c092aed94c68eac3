import { describe, expect, it } from "vitest";
import { ApproveCreditSchema, AudienceAddSchema, newPaperSchema, rowIntent } from "~/lib/builder-forms";
import { HIDDEN_ROWS_CHOICE, PICK_FILE, importFormSchema } from "~/lib/import-form";

const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) => r.error?.issues.map((i) => i.message) ?? [];

describe("the builders' shared forms", () => {
  it("names a new quiz or contest, in its own words", () => {
    expect(newPaperSchema("测试").safeParse({ title: " 两学一做 ", unitId: "3" })).toEqual({ success: true, data: { title: "两学一做", unitId: 3 } });
    expect(messages(newPaperSchema("竞赛").safeParse({ title: "", unitId: "" }))).toEqual(["请填写竞赛名称", "请选择所属党组织"]);
  });

  it("reads an audience with or without a political status", () => {
    expect(AudienceAddSchema.parse({ intent: "audience-add", unitId: "7", politicalStatus: "" })).toEqual({
      intent: "audience-add",
      unitId: 7,
      politicalStatus: null,
    });
    expect(AudienceAddSchema.parse({ intent: "audience-add", unitId: "7", politicalStatus: "member" }).politicalStatus).toBe("member");
  });

  it("needs a row for a removal and keeps an approval's fingerprint short", () => {
    expect(messages(rowIntent("slot-remove").safeParse({ intent: "slot-remove", id: "x" }))).toEqual(["请选择要移除的项"]);
    expect(ApproveCreditSchema.parse({ intent: "approve-credit", seen: "f".repeat(300) }).seen).toHaveLength(100);
    expect(ApproveCreditSchema.parse({ intent: "approve-credit" }).seen).toBe("");
  });
});

describe("the import form", () => {
  const schema = importFormSchema(HIDDEN_ROWS_CHOICE);
  const file = new File(["学号"], "名单.csv");

  it("dry-runs by default and skips hidden rows unless told", () => {
    expect(schema.parse({ file })).toMatchObject({ intent: "dryRun", hidden: "skip" });
  });

  it("asks for a file, and confirms only the file that passed a dry run", () => {
    expect(messages(schema.safeParse({ file: new File([], "空.csv") }))).toEqual([PICK_FILE]);
    expect(messages(schema.safeParse({ intent: "confirm", file }))).toEqual(["请先预检，预检通过后再确认导入"]);
    expect(schema.safeParse({ intent: "confirm", file, expectedHash: "a".repeat(64) }).success).toBe(true);
  });
});
