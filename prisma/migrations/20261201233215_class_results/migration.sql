-- CreateTable
CREATE TABLE "ClassExamMakeup" (
    "classId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "quizId" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("classId", "personId")
);

-- CreateTable
CREATE TABLE "AssignmentExtension" (
    "assignmentId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "reason" TEXT NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("assignmentId", "personId")
);

-- CreateTable
CREATE TABLE "ClassCertificate" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "classId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "current" BOOLEAN DEFAULT true,
    "classTitle" TEXT NOT NULL,
    "term" INTEGER NOT NULL,
    "personName" TEXT NOT NULL,
    "unitName" TEXT NOT NULL,
    "excellent" BOOLEAN NOT NULL,
    "total" INTEGER NOT NULL,
    "issuedById" INTEGER NOT NULL,
    "issuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "ClassCertificate_personId_idx" ON "ClassCertificate"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "ClassCertificate_classId_personId_current_key" ON "ClassCertificate"("classId", "personId", "current");

