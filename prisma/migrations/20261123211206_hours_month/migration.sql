-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_HoursEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "personId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "month" INTEGER NOT NULL,
    "amount" INTEGER NOT NULL,
    "category" TEXT NOT NULL,
    "sourceKind" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "approvedById" INTEGER,
    "note" TEXT,
    "earnedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "HoursEntry_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "HoursEntry_approvedById_fkey" FOREIGN KEY ("approvedById") REFERENCES "Person" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
-- Written by hand: the month in China (UTC+8) of each entry's earnedAt, as app/lib/hours.ts ledgerMonth gives it.
INSERT INTO "new_HoursEntry" ("amount", "approvedById", "category", "createdAt", "earnedAt", "id", "note", "personId", "sourceId", "sourceKind", "year", "month") SELECT "amount", "approvedById", "category", "createdAt", "earnedAt", "id", "note", "personId", "sourceId", "sourceKind", "year", COALESCE(CAST(strftime('%m', "earnedAt", '+8 hours') AS INTEGER), CAST(strftime('%m', "createdAt", '+8 hours') AS INTEGER), 1) FROM "HoursEntry";
DROP TABLE "HoursEntry";
ALTER TABLE "new_HoursEntry" RENAME TO "HoursEntry";
CREATE INDEX "HoursEntry_personId_year_category_amount_month_idx" ON "HoursEntry"("personId", "year", "category", "amount", "month");
CREATE UNIQUE INDEX "HoursEntry_personId_sourceKind_sourceId_key" ON "HoursEntry"("personId", "sourceKind", "sourceId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

