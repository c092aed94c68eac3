-- CreateTable
CREATE TABLE "SessionEpoch" (
    "id" INTEGER NOT NULL,
    "n" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SessionEpoch_pkey" PRIMARY KEY ("id")
);


-- The triggers that count the one row up (decision 093): whatever changes what a session validates
-- to, through any code path, a cascade included, moves "n" in the same transaction. The row itself is
-- written by the server on first use (app/.server/auth/session.ts), so a migrated database holds no
-- rows until the app writes some (a move into PostgreSQL needs its target empty).

CREATE FUNCTION "session_epoch_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "SessionEpoch" SET "n" = "n" + 1 WHERE "id" = 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER "SessionEpoch_session_deleted" AFTER DELETE ON "Session"
FOR EACH ROW EXECUTE FUNCTION "session_epoch_bump"();

CREATE TRIGGER "SessionEpoch_session_changed" AFTER UPDATE OF "id", "personId", "expiresAt" ON "Session"
FOR EACH ROW WHEN (OLD."id" IS DISTINCT FROM NEW."id" OR OLD."personId" IS DISTINCT FROM NEW."personId" OR OLD."expiresAt" IS DISTINCT FROM NEW."expiresAt")
EXECUTE FUNCTION "session_epoch_bump"();

CREATE TRIGGER "SessionEpoch_person_changed" AFTER UPDATE OF "id", "number", "name", "unitId", "politicalStatus", "disabledAt" ON "Person"
FOR EACH ROW WHEN (OLD."id" IS DISTINCT FROM NEW."id" OR OLD."number" IS DISTINCT FROM NEW."number" OR OLD."name" IS DISTINCT FROM NEW."name"
  OR OLD."unitId" IS DISTINCT FROM NEW."unitId" OR OLD."politicalStatus" IS DISTINCT FROM NEW."politicalStatus"
  OR OLD."disabledAt" IS DISTINCT FROM NEW."disabledAt")
EXECUTE FUNCTION "session_epoch_bump"();

CREATE TRIGGER "SessionEpoch_password_added" AFTER INSERT ON "Password"
FOR EACH ROW EXECUTE FUNCTION "session_epoch_bump"();

CREATE TRIGGER "SessionEpoch_password_changed" AFTER UPDATE OF "personId", "mustChange" ON "Password"
FOR EACH ROW WHEN (OLD."personId" IS DISTINCT FROM NEW."personId" OR OLD."mustChange" IS DISTINCT FROM NEW."mustChange")
EXECUTE FUNCTION "session_epoch_bump"();

CREATE TRIGGER "SessionEpoch_password_deleted" AFTER DELETE ON "Password"
FOR EACH ROW EXECUTE FUNCTION "session_epoch_bump"();
