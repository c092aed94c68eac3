-- CreateIndex
CREATE INDEX "ContestEntry_personId_state_idx" ON "ContestEntry"("personId", "state");

