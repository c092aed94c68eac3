-- CreateTable
CREATE TABLE "SessionEpoch" (
    "id" INTEGER NOT NULL,
    "n" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SessionEpoch_pkey" PRIMARY KEY ("id")
);

-- Unused on PostgreSQL: its processes keep no sessions and it has no triggers (decision 093). The table
-- is here because the one data model has it.
