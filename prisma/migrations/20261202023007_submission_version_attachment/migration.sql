-- AlterTable
ALTER TABLE "SubmissionVersion" ADD COLUMN "attachmentMime" TEXT;
ALTER TABLE "SubmissionVersion" ADD COLUMN "attachmentName" TEXT;
ALTER TABLE "SubmissionVersion" ADD COLUMN "attachmentPath" TEXT;


-- The latest hand-in of each submission carried the submission's current attachment (earlier
-- versions' files are unknown: an attachment was not kept per version before).
UPDATE "SubmissionVersion" SET
  "attachmentPath" = (SELECT s."attachmentPath" FROM "Submission" s WHERE s."id" = "SubmissionVersion"."submissionId" AND s."version" = "SubmissionVersion"."version"),
  "attachmentName" = (SELECT s."attachmentName" FROM "Submission" s WHERE s."id" = "SubmissionVersion"."submissionId" AND s."version" = "SubmissionVersion"."version"),
  "attachmentMime" = (SELECT s."attachmentMime" FROM "Submission" s WHERE s."id" = "SubmissionVersion"."submissionId" AND s."version" = "SubmissionVersion"."version");
