-- CreateIndex
CREATE INDEX "ContestEntry_state_deadlineAt_idx" ON "ContestEntry"("state", "deadlineAt");

