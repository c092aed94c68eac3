-- CreateTable
CREATE TABLE "ActivityInvitee" (
    "activityId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,

    PRIMARY KEY ("activityId", "personId"),
    CONSTRAINT "ActivityInvitee_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "Activity" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ActivityInvitee_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ActivityInvitee_personId_idx" ON "ActivityInvitee"("personId");

