-- CreateTable
CREATE TABLE "PipelineRecord" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "personId" INTEGER NOT NULL,
    "pack" TEXT NOT NULL,
    "packVersion" INTEGER NOT NULL,
    "step" TEXT NOT NULL,
    "happenedOn" DATETIME NOT NULL,
    "note" TEXT,
    "backfilled" BOOLEAN NOT NULL DEFAULT false,
    "late" TEXT,
    "birthDate" DATETIME,
    "recordedById" INTEGER NOT NULL,
    "recordedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activeKey" TEXT,
    "correctsId" INTEGER,
    "correctionReason" TEXT,
    "supersededAt" DATETIME,
    "statusChangeId" INTEGER,
    CONSTRAINT "PipelineRecord_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PipelineRecord_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "PipelineRecord_correctsId_fkey" FOREIGN KEY ("correctsId") REFERENCES "PipelineRecord" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PipelineDocument" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "recordId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "filePath" TEXT NOT NULL,
    "fileMime" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "uploadedById" INTEGER NOT NULL,
    "uploadedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PipelineDocument_recordId_fkey" FOREIGN KEY ("recordId") REFERENCES "PipelineRecord" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PipelineDocument_uploadedById_fkey" FOREIGN KEY ("uploadedById") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PipelineContact" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "personId" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "memberId" INTEGER NOT NULL,
    "since" DATETIME NOT NULL,
    "endedOn" DATETIME,
    "recordedById" INTEGER NOT NULL,
    "recordedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PipelineContact_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PipelineContact_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "PipelineContact_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "PipelineRecord_activeKey_key" ON "PipelineRecord"("activeKey");

-- CreateIndex
CREATE UNIQUE INDEX "PipelineRecord_correctsId_key" ON "PipelineRecord"("correctsId");

-- CreateIndex
CREATE INDEX "PipelineRecord_personId_step_idx" ON "PipelineRecord"("personId", "step");

-- CreateIndex
CREATE INDEX "PipelineRecord_step_supersededAt_idx" ON "PipelineRecord"("step", "supersededAt");

-- CreateIndex
CREATE INDEX "PipelineDocument_recordId_idx" ON "PipelineDocument"("recordId");

-- CreateIndex
CREATE INDEX "PipelineContact_personId_role_idx" ON "PipelineContact"("personId", "role");

