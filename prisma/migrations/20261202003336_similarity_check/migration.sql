-- CreateTable
CREATE TABLE "SimilarityText" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "submissionId" INTEGER,
    "lessonId" INTEGER,
    "version" INTEGER,
    "textHash" TEXT NOT NULL,
    "chars" INTEGER NOT NULL,
    "signature" BLOB,
    "corpusAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "SimilarityText_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SimilarityText_lessonId_fkey" FOREIGN KEY ("lessonId") REFERENCES "Lesson" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SimilarityBand" (
    "textId" INTEGER NOT NULL,
    "band" INTEGER NOT NULL,
    "key" INTEGER NOT NULL,

    PRIMARY KEY ("textId", "band"),
    CONSTRAINT "SimilarityBand_textId_fkey" FOREIGN KEY ("textId") REFERENCES "SimilarityText" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SimilarityReport" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "submissionId" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "permille" INTEGER,
    "matches" TEXT,
    "reason" TEXT,
    "queuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "SimilarityReport_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SimilarityCorpus" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "computedAt" DATETIME NOT NULL,
    "basisAt" DATETIME NOT NULL,
    "texts" INTEGER NOT NULL,
    "shingles" BLOB NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "SimilarityText_submissionId_key" ON "SimilarityText"("submissionId");

-- CreateIndex
CREATE UNIQUE INDEX "SimilarityText_lessonId_key" ON "SimilarityText"("lessonId");

-- CreateIndex
CREATE INDEX "SimilarityBand_key_idx" ON "SimilarityBand"("key");

-- CreateIndex
CREATE INDEX "SimilarityReport_status_queuedAt_idx" ON "SimilarityReport"("status", "queuedAt");

-- CreateIndex
CREATE UNIQUE INDEX "SimilarityReport_submissionId_version_key" ON "SimilarityReport"("submissionId", "version");

