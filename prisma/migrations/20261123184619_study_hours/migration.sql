-- AlterTable
ALTER TABLE "StatusChange" ADD COLUMN "gateOverride" TEXT;

-- CreateTable
CREATE TABLE "RulePackChoice" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "pack" TEXT NOT NULL,
    "chosenById" INTEGER NOT NULL,
    "reason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "RequirementOverride" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "pack" TEXT NOT NULL,
    "requirement" TEXT NOT NULL,
    "hours" INTEGER,
    "reason" TEXT NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Activity" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "unitId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME NOT NULL,
    "checkinOpensAt" DATETIME NOT NULL,
    "checkinClosesAt" DATETIME NOT NULL,
    "hours" INTEGER NOT NULL,
    "codeSecret" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "createdById" INTEGER NOT NULL,
    "confirmedById" INTEGER,
    "confirmedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Activity_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ActivityAttendance" (
    "activityId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "reason" TEXT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "addedById" INTEGER,
    "removedAt" DATETIME,
    "removedById" INTEGER,

    PRIMARY KEY ("activityId", "personId"),
    CONSTRAINT "ActivityAttendance_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "Activity" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ActivityAttendance_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CreditClaim" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "personId" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "organizer" TEXT,
    "category" TEXT NOT NULL,
    "hours" INTEGER NOT NULL,
    "earnedOn" DATETIME NOT NULL,
    "filePath" TEXT NOT NULL,
    "fileMime" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "decidedById" INTEGER,
    "decidedAt" DATETIME,
    "decisionReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CreditClaim_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "HoursCertificate" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "personId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "earned" INTEGER NOT NULL,
    "required" INTEGER,
    "issuedById" INTEGER NOT NULL,
    "issuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_HoursEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "personId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
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
INSERT INTO "new_HoursEntry" ("amount", "approvedById", "category", "createdAt", "earnedAt", "id", "note", "personId", "sourceId", "sourceKind", "year") SELECT "amount", "approvedById", "category", "createdAt", "createdAt", "id", "note", "personId", "sourceId", "sourceKind", "year" FROM "HoursEntry";
DROP TABLE "HoursEntry";
ALTER TABLE "new_HoursEntry" RENAME TO "HoursEntry";
CREATE INDEX "HoursEntry_personId_year_idx" ON "HoursEntry"("personId", "year");
CREATE UNIQUE INDEX "HoursEntry_personId_sourceKind_sourceId_key" ON "HoursEntry"("personId", "sourceKind", "sourceId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "RequirementOverride_pack_requirement_id_idx" ON "RequirementOverride"("pack", "requirement", "id");

-- CreateIndex
CREATE INDEX "Activity_unitId_startsAt_idx" ON "Activity"("unitId", "startsAt");

-- CreateIndex
CREATE INDEX "CreditClaim_personId_status_idx" ON "CreditClaim"("personId", "status");

-- CreateIndex
CREATE INDEX "CreditClaim_status_createdAt_idx" ON "CreditClaim"("status", "createdAt");

-- CreateIndex
CREATE INDEX "HoursCertificate_personId_year_idx" ON "HoursCertificate"("personId", "year");

