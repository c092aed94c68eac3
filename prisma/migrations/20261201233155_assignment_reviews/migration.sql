-- AlterTable
ALTER TABLE "Submission" ADD COLUMN "resubmitBy" DATETIME;

-- CreateTable
CREATE TABLE "SubmissionReview" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "submissionId" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "rubricScores" TEXT,
    "score" INTEGER,
    "comment" TEXT,
    "reason" TEXT,
    "resubmitBy" DATETIME,
    "byId" INTEGER NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SubmissionReview_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "SubmissionReview_submissionId_idx" ON "SubmissionReview"("submissionId");

