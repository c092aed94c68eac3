-- AlterTable
ALTER TABLE "Quiz" ADD COLUMN "creditApprovedById" INTEGER;
ALTER TABLE "Quiz" ADD COLUMN "creditSetById" INTEGER;

-- AlterTable
ALTER TABLE "Contest" ADD COLUMN "creditApprovedById" INTEGER;
ALTER TABLE "Contest" ADD COLUMN "creditSetById" INTEGER;


-- Quizzes and contests made before the setter was recorded: their creator set the pass mark and hours.
UPDATE "Quiz" SET "creditSetById" = "createdById";
UPDATE "Contest" SET "creditSetById" = "createdById";
