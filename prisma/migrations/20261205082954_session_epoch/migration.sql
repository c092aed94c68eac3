-- CreateTable
CREATE TABLE "SessionEpoch" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "n" INTEGER NOT NULL DEFAULT 0
);


-- The triggers that count the one row up (decision 093): whatever changes what a session validates
-- to, through any code path, a cascade included, moves "n" in the same transaction. The row itself is
-- written by the server on first use (app/.server/auth/session.ts), so a migrated database holds no
-- rows until the app writes some (a move into PostgreSQL needs its target empty). A later migration that
-- redefines "Session", "Person" or "Password" (Prisma drops and re-creates the table) drops its triggers
-- and must create them again: tests/integration/session-cache.test.ts lists them.

CREATE TRIGGER "SessionEpoch_session_deleted" AFTER DELETE ON "Session"
BEGIN UPDATE "SessionEpoch" SET "n" = "n" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "SessionEpoch_session_changed" AFTER UPDATE OF "id", "personId", "expiresAt" ON "Session"
WHEN OLD."id" IS NOT NEW."id" OR OLD."personId" IS NOT NEW."personId" OR OLD."expiresAt" IS NOT NEW."expiresAt"
BEGIN UPDATE "SessionEpoch" SET "n" = "n" + 1 WHERE "id" = 1; END;

-- A row that replaces another with the same key (INSERT OR REPLACE, which fires no delete trigger).
CREATE TRIGGER "SessionEpoch_session_replaced" BEFORE INSERT ON "Session"
WHEN EXISTS (SELECT 1 FROM "Session" WHERE "id" = NEW."id")
BEGIN UPDATE "SessionEpoch" SET "n" = "n" + 1 WHERE "id" = 1; END;

-- A person deleted (with foreign keys on, the sessions' own trigger fires too) or replaced.
CREATE TRIGGER "SessionEpoch_person_deleted" AFTER DELETE ON "Person"
BEGIN UPDATE "SessionEpoch" SET "n" = "n" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "SessionEpoch_person_replaced" BEFORE INSERT ON "Person"
WHEN EXISTS (SELECT 1 FROM "Person" WHERE "id" = NEW."id" OR "number" = NEW."number")
BEGIN UPDATE "SessionEpoch" SET "n" = "n" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "SessionEpoch_person_changed" AFTER UPDATE OF "id", "number", "name", "unitId", "politicalStatus", "disabledAt" ON "Person"
WHEN OLD."id" IS NOT NEW."id" OR OLD."number" IS NOT NEW."number" OR OLD."name" IS NOT NEW."name" OR OLD."unitId" IS NOT NEW."unitId"
  OR OLD."politicalStatus" IS NOT NEW."politicalStatus" OR OLD."disabledAt" IS NOT NEW."disabledAt"
BEGIN UPDATE "SessionEpoch" SET "n" = "n" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "SessionEpoch_password_added" AFTER INSERT ON "Password"
BEGIN UPDATE "SessionEpoch" SET "n" = "n" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "SessionEpoch_password_changed" AFTER UPDATE OF "personId", "mustChange" ON "Password"
WHEN OLD."personId" IS NOT NEW."personId" OR OLD."mustChange" IS NOT NEW."mustChange"
BEGIN UPDATE "SessionEpoch" SET "n" = "n" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "SessionEpoch_password_deleted" AFTER DELETE ON "Password"
BEGIN UPDATE "SessionEpoch" SET "n" = "n" + 1 WHERE "id" = 1; END;
