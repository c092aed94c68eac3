-- CreateTable
CREATE TABLE "TrainingClass" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "term" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "description" TEXT,
    "startsOn" DATETIME NOT NULL,
    "endsOn" DATETIME NOT NULL,
    "gradingRule" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "resultsPublishedAt" DATETIME,
    "createdById" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "TrainingClass_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ClassAudience" (
    "classId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,

    PRIMARY KEY ("classId", "unitId"),
    CONSTRAINT "ClassAudience_classId_fkey" FOREIGN KEY ("classId") REFERENCES "TrainingClass" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ClassAudience_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ClassMember" (
    "classId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "groupId" INTEGER,
    "nominatedById" INTEGER,
    "decidedById" INTEGER,
    "decidedAt" DATETIME,
    "reason" TEXT,
    "scores" TEXT,
    "total" INTEGER,
    "passed" BOOLEAN,
    "excellent" BOOLEAN NOT NULL DEFAULT false,
    "graduatedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("classId", "personId"),
    CONSTRAINT "ClassMember_classId_fkey" FOREIGN KEY ("classId") REFERENCES "TrainingClass" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ClassMember_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ClassMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "ClassGroup" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ClassGroup" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "classId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    CONSTRAINT "ClassGroup_classId_fkey" FOREIGN KEY ("classId") REFERENCES "TrainingClass" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ClassTutor" (
    "groupId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,

    PRIMARY KEY ("groupId", "personId"),
    CONSTRAINT "ClassTutor_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "ClassGroup" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ClassTutor_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ClassItem" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "classId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "courseId" INTEGER,
    "activityId" INTEGER,
    "quizId" INTEGER,
    "required" BOOLEAN NOT NULL DEFAULT true,
    "dueAt" DATETIME,
    CONSTRAINT "ClassItem_classId_fkey" FOREIGN KEY ("classId") REFERENCES "TrainingClass" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ClassItem_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "ClassItem_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "Activity" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "ClassItem_quizId_fkey" FOREIGN KEY ("quizId") REFERENCES "Quiz" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Assignment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "classId" INTEGER,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "minChars" INTEGER NOT NULL DEFAULT 0,
    "maxChars" INTEGER NOT NULL DEFAULT 20000,
    "opensAt" DATETIME NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "lateUntil" DATETIME,
    "allowAttachments" BOOLEAN NOT NULL DEFAULT false,
    "rubric" TEXT NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Assignment_classId_fkey" FOREIGN KEY ("classId") REFERENCES "TrainingClass" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Submission" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "assignmentId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "chars" INTEGER NOT NULL,
    "attachmentPath" TEXT,
    "attachmentName" TEXT,
    "attachmentMime" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "submittedAt" DATETIME,
    "late" BOOLEAN NOT NULL DEFAULT false,
    "rubricScores" TEXT,
    "score" INTEGER,
    "comment" TEXT,
    "gradedById" INTEGER,
    "gradedAt" DATETIME,
    "returnReason" TEXT,
    "returnedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Submission_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Submission_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SubmissionVersion" (
    "submissionId" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "chars" INTEGER NOT NULL,
    "submittedAt" DATETIME NOT NULL,

    PRIMARY KEY ("submissionId", "version"),
    CONSTRAINT "SubmissionVersion_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "TrainingClass_status_startsOn_idx" ON "TrainingClass"("status", "startsOn");

-- CreateIndex
CREATE UNIQUE INDEX "TrainingClass_unitId_kind_term_key" ON "TrainingClass"("unitId", "kind", "term");

-- CreateIndex
CREATE INDEX "ClassMember_personId_status_idx" ON "ClassMember"("personId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ClassGroup_classId_name_key" ON "ClassGroup"("classId", "name");

-- CreateIndex
CREATE INDEX "ClassTutor_personId_idx" ON "ClassTutor"("personId");

-- CreateIndex
CREATE INDEX "ClassItem_classId_position_idx" ON "ClassItem"("classId", "position");

-- CreateIndex
CREATE INDEX "Assignment_classId_idx" ON "Assignment"("classId");

-- CreateIndex
CREATE INDEX "Submission_personId_idx" ON "Submission"("personId");

-- CreateIndex
CREATE INDEX "Submission_assignmentId_status_idx" ON "Submission"("assignmentId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Submission_assignmentId_personId_key" ON "Submission"("assignmentId", "personId");

