-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LiveRound" (
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
    "version" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "LiveRound_contestId_fkey" FOREIGN KEY ("contestId") REFERENCES "Contest" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_LiveRound" ("code", "contestId", "createdAt", "current", "deadlineAt", "finishedAt", "hostId", "id", "questionAt", "state", "title", "unitId") SELECT "code", "contestId", "createdAt", "current", "deadlineAt", "finishedAt", "hostId", "id", "questionAt", "state", "title", "unitId" FROM "LiveRound";
DROP TABLE "LiveRound";
ALTER TABLE "new_LiveRound" RENAME TO "LiveRound";
CREATE UNIQUE INDEX "LiveRound_code_key" ON "LiveRound"("code");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

