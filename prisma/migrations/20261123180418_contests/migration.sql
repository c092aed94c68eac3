-- CreateTable
CREATE TABLE "Contest" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "unitId" INTEGER NOT NULL,
    "createdById" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "opensAt" DATETIME NOT NULL,
    "closesAt" DATETIME NOT NULL,
    "timeLimitSec" INTEGER NOT NULL,
    "creditHours" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Contest_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ContestSection" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "contestId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "bankId" INTEGER NOT NULL,
    "tag" TEXT,
    "difficulty" INTEGER,
    "count" INTEGER NOT NULL,
    "pointsEach" INTEGER NOT NULL,
    CONSTRAINT "ContestSection_contestId_fkey" FOREIGN KEY ("contestId") REFERENCES "Contest" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ContestSection_bankId_fkey" FOREIGN KEY ("bankId") REFERENCES "QuestionBank" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ContestAudience" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "contestId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "politicalStatus" TEXT,
    CONSTRAINT "ContestAudience_contestId_fkey" FOREIGN KEY ("contestId") REFERENCES "Contest" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ContestAudience_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ContestEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "contestId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "seed" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'in_progress',
    "startedAt" DATETIME NOT NULL,
    "deadlineAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "maxScore" INTEGER NOT NULL,
    "score" INTEGER,
    "correct" INTEGER,
    "durationMs" INTEGER,
    "showName" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "ContestEntry_contestId_fkey" FOREIGN KEY ("contestId") REFERENCES "Contest" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ContestEntry_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ContestItem" (
    "entryId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "questionId" INTEGER NOT NULL,
    "optionOrder" TEXT,
    "points" INTEGER NOT NULL,

    PRIMARY KEY ("entryId", "position"),
    CONSTRAINT "ContestItem_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "ContestEntry" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ContestItem_questionId_fkey" FOREIGN KEY ("questionId") REFERENCES "Question" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ContestAnswer" (
    "entryId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "response" TEXT NOT NULL,
    "correct" BOOLEAN NOT NULL,
    "points" INTEGER NOT NULL,
    "receivedAt" DATETIME NOT NULL,

    PRIMARY KEY ("entryId", "position"),
    CONSTRAINT "ContestAnswer_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "ContestEntry" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ContestPrizeDraw" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "contestId" INTEGER NOT NULL,
    "seed" TEXT NOT NULL,
    "pool" TEXT NOT NULL,
    "winners" TEXT NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ContestPrizeDraw_contestId_fkey" FOREIGN KEY ("contestId") REFERENCES "Contest" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LiveRound" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "contestId" INTEGER,
    "title" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "hostId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'lobby',
    "current" INTEGER NOT NULL DEFAULT 0,
    "questionAt" DATETIME,
    "deadlineAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    CONSTRAINT "LiveRound_contestId_fkey" FOREIGN KEY ("contestId") REFERENCES "Contest" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LiveQuestion" (
    "roundId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "questionId" INTEGER NOT NULL,
    "seconds" INTEGER NOT NULL,
    "points" INTEGER NOT NULL,

    PRIMARY KEY ("roundId", "position"),
    CONSTRAINT "LiveQuestion_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "LiveRound" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "LiveQuestion_questionId_fkey" FOREIGN KEY ("questionId") REFERENCES "Question" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LivePlayer" (
    "roundId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "joinedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "score" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("roundId", "personId"),
    CONSTRAINT "LivePlayer_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "LiveRound" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "LivePlayer_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LiveAnswer" (
    "roundId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "response" TEXT NOT NULL,
    "correct" BOOLEAN NOT NULL,
    "points" INTEGER NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    "elapsedMs" INTEGER NOT NULL,

    PRIMARY KEY ("roundId", "position", "personId"),
    CONSTRAINT "LiveAnswer_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "LiveRound" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "ContestSection_contestId_position_key" ON "ContestSection"("contestId", "position");

-- CreateIndex
CREATE INDEX "ContestAudience_unitId_idx" ON "ContestAudience"("unitId");

-- CreateIndex
CREATE INDEX "ContestEntry_contestId_state_score_idx" ON "ContestEntry"("contestId", "state", "score");

-- CreateIndex
CREATE UNIQUE INDEX "ContestEntry_contestId_personId_key" ON "ContestEntry"("contestId", "personId");

-- CreateIndex
CREATE UNIQUE INDEX "LiveRound_code_key" ON "LiveRound"("code");

