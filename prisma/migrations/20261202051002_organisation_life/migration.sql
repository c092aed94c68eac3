-- AlterTable
ALTER TABLE "Activity" ADD COLUMN "agenda" TEXT;
ALTER TABLE "Activity" ADD COLUMN "decisions" TEXT;
ALTER TABLE "Activity" ADD COLUMN "minutes" TEXT;
ALTER TABLE "Activity" ADD COLUMN "minutesAt" DATETIME;
ALTER TABLE "Activity" ADD COLUMN "minutesById" INTEGER;
ALTER TABLE "Activity" ADD COLUMN "place" TEXT;
ALTER TABLE "Activity" ADD COLUMN "postponedFrom" DATETIME;
ALTER TABLE "Activity" ADD COLUMN "statusReason" TEXT;

-- CreateTable
CREATE TABLE "ActivityLeave" (
    "activityId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "decidedById" INTEGER,
    "decidedAt" DATETIME,
    "decisionReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("activityId", "personId"),
    CONSTRAINT "ActivityLeave_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "Activity" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ActivityLeave_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ActivityMakeup" (
    "activityId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "lessonId" INTEGER,
    "assignedById" INTEGER NOT NULL,
    "assignedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "minutesReadAt" DATETIME,
    "completedAt" DATETIME,

    PRIMARY KEY ("activityId", "personId"),
    CONSTRAINT "ActivityMakeup_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "Activity" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ActivityMakeup_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ActivityFile" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "activityId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "filePath" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ActivityFile_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "Activity" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ActivityMakeup_personId_completedAt_idx" ON "ActivityMakeup"("personId", "completedAt");

-- CreateIndex
CREATE INDEX "ActivityFile_activityId_idx" ON "ActivityFile"("activityId");

