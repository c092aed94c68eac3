-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LibraryDocument" (
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
    "unpublished" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "LibraryDocument_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "LibraryDocument_folderId_fkey" FOREIGN KEY ("folderId") REFERENCES "DocFolder" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "LibraryDocument_uploaderId_fkey" FOREIGN KEY ("uploaderId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_LibraryDocument" ("audience", "createdAt", "deletedAt", "fileName", "folderId", "id", "kind", "mime", "size", "statuses", "storedPath", "textClaimedAt", "textError", "textState", "title", "unitId", "uploaderId") SELECT "audience", "createdAt", "deletedAt", "fileName", "folderId", "id", "kind", "mime", "size", "statuses", "storedPath", "textClaimedAt", "textError", "textState", "title", "unitId", "uploaderId" FROM "LibraryDocument";
DROP TABLE "LibraryDocument";
ALTER TABLE "new_LibraryDocument" RENAME TO "LibraryDocument";
CREATE INDEX "LibraryDocument_unitId_deletedAt_idx" ON "LibraryDocument"("unitId", "deletedAt");
CREATE INDEX "LibraryDocument_textState_idx" ON "LibraryDocument"("textState");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

