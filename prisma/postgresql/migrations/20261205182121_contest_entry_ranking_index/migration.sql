-- DropIndex
DROP INDEX "ContestEntry_contestId_state_score_idx";

-- CreateIndex
CREATE INDEX "ContestEntry_contestId_state_score_durationMs_idx" ON "ContestEntry"("contestId", "state", "score", "durationMs");

