-- CreateTable
CREATE TABLE "DocFolder" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "unitId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DocFolder_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LibraryDocument" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "unitId" INTEGER NOT NULL,
    "folderId" INTEGER,
    "title" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "storedPath" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "statuses" TEXT,
    "uploaderId" INTEGER NOT NULL,
    "textState" TEXT NOT NULL DEFAULT 'pending',
    "textError" TEXT,
    "textClaimedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" DATETIME,
    CONSTRAINT "LibraryDocument_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "LibraryDocument_folderId_fkey" FOREIGN KEY ("folderId") REFERENCES "DocFolder" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "LibraryDocument_uploaderId_fkey" FOREIGN KEY ("uploaderId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SearchEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "refId" INTEGER NOT NULL,
    "unitPath" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "statuses" TEXT,
    "title" TEXT NOT NULL,
    "excerpt" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SearchTerm" (
    "entryId" INTEGER NOT NULL,
    "term" TEXT NOT NULL,
    "weight" INTEGER NOT NULL,

    PRIMARY KEY ("term", "entryId"),
    CONSTRAINT "SearchTerm_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "SearchEntry" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "DocFolder_unitId_name_key" ON "DocFolder"("unitId", "name");

-- CreateIndex
CREATE INDEX "LibraryDocument_unitId_deletedAt_idx" ON "LibraryDocument"("unitId", "deletedAt");

-- CreateIndex
CREATE INDEX "LibraryDocument_textState_idx" ON "LibraryDocument"("textState");

-- CreateIndex
CREATE INDEX "SearchEntry_unitPath_idx" ON "SearchEntry"("unitPath");

-- CreateIndex
CREATE UNIQUE INDEX "SearchEntry_kind_refId_key" ON "SearchEntry"("kind", "refId");

-- CreateIndex
CREATE INDEX "SearchTerm_term_entryId_weight_idx" ON "SearchTerm"("term", "entryId", "weight");

-- CreateIndex
CREATE INDEX "SearchTerm_entryId_idx" ON "SearchTerm"("entryId");

