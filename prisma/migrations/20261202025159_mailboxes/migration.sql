-- CreateTable
CREATE TABLE "Mailbox" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "unitId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "allowAnonymous" BOOLEAN NOT NULL DEFAULT true,
    "serviceDays" INTEGER NOT NULL DEFAULT 5,
    "archivedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Mailbox_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MailboxHandler" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "mailboxId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MailboxHandler_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "MailboxHandler_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Letter" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "mailboxId" INTEGER NOT NULL,
    "originMailboxId" INTEGER NOT NULL,
    "authorId" INTEGER NOT NULL,
    "anonymous" BOOLEAN NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "firstRepliedAt" DATETIME,
    "sweptAt" DATETIME,
    "closedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Letter_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Letter_originMailboxId_fkey" FOREIGN KEY ("originMailboxId") REFERENCES "Mailbox" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Letter_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LetterEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "letterId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "authorId" INTEGER,
    "body" TEXT NOT NULL,
    "fromMailboxId" INTEGER,
    "toMailboxId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LetterEntry_letterId_fkey" FOREIGN KEY ("letterId") REFERENCES "Letter" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "LetterEntry_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Person" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Mailbox_unitId_kind_key" ON "Mailbox"("unitId", "kind");

-- CreateIndex
CREATE INDEX "MailboxHandler_personId_idx" ON "MailboxHandler"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "MailboxHandler_mailboxId_personId_key" ON "MailboxHandler"("mailboxId", "personId");

-- CreateIndex
CREATE INDEX "Letter_mailboxId_status_idx" ON "Letter"("mailboxId", "status");

-- CreateIndex
CREATE INDEX "Letter_originMailboxId_idx" ON "Letter"("originMailboxId");

-- CreateIndex
CREATE INDEX "Letter_authorId_createdAt_idx" ON "Letter"("authorId", "createdAt");

-- CreateIndex
CREATE INDEX "Letter_status_dueAt_idx" ON "Letter"("status", "dueAt");

-- CreateIndex
CREATE INDEX "LetterEntry_letterId_id_idx" ON "LetterEntry"("letterId", "id");

-- CreateIndex
CREATE INDEX "LetterEntry_authorId_kind_idx" ON "LetterEntry"("authorId", "kind");

