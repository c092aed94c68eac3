-- CreateTable
CREATE TABLE "OrgUnit" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "branchType" TEXT,
    "parentId" INTEGER,
    "path" TEXT NOT NULL,
    "depth" INTEGER NOT NULL,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,
    "archivedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OrgUnit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Person" (
    "id" SERIAL NOT NULL,
    "number" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "gender" TEXT,
    "category" TEXT NOT NULL,
    "unitId" INTEGER NOT NULL,
    "politicalStatus" TEXT NOT NULL,
    "statusSince" TIMESTAMPTZ(3),
    "cadreLevel" TEXT NOT NULL DEFAULT 'none',
    "isCommitteeMember" BOOLEAN NOT NULL DEFAULT false,
    "committeeRole" TEXT,
    "phone" TEXT,
    "idNumber" TEXT,
    "keepSearches" BOOLEAN NOT NULL DEFAULT true,
    "ssoSignedInAt" TIMESTAMPTZ(3),
    "disabledAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StatusChange" (
    "id" SERIAL NOT NULL,
    "personId" INTEGER NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT NOT NULL,
    "effectiveOn" TIMESTAMPTZ(3) NOT NULL,
    "note" TEXT,
    "gateOverride" TEXT,
    "recordedById" INTEGER,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StatusChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Password" (
    "personId" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "mustChange" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Password_pkey" PRIMARY KEY ("personId")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "personId" INTEGER NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActivationCode" (
    "id" SERIAL NOT NULL,
    "personId" INTEGER NOT NULL,
    "codeHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "issuedById" INTEGER,
    "issuedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "usedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ActivationCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RoleGrant" (
    "id" SERIAL NOT NULL,
    "personId" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "unitId" INTEGER NOT NULL,
    "grantedById" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoleGrant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notice" (
    "id" SERIAL NOT NULL,
    "unitId" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "pinned" BOOLEAN NOT NULL DEFAULT false,
    "authorId" INTEGER NOT NULL,
    "publishedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archivedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Notice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HoursEntry" (
    "id" SERIAL NOT NULL,
    "personId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "month" INTEGER NOT NULL,
    "amount" INTEGER NOT NULL,
    "category" TEXT NOT NULL,
    "sourceKind" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "approvedById" INTEGER,
    "note" TEXT,
    "earnedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HoursEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" INTEGER,
    "action" TEXT NOT NULL,
    "targetKind" TEXT,
    "targetId" TEXT,
    "ip" TEXT,
    "detail" TEXT,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuestionBank" (
    "id" SERIAL NOT NULL,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "unitId" INTEGER NOT NULL,
    "contentHash" TEXT,
    "createdById" INTEGER,
    "archivedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "QuestionBank_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Question" (
    "id" SERIAL NOT NULL,
    "bankId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "stem" TEXT NOT NULL,
    "options" TEXT,
    "answer" TEXT NOT NULL,
    "explanation" TEXT NOT NULL,
    "difficulty" INTEGER NOT NULL,
    "tags" TEXT NOT NULL,
    "source" TEXT,
    "archivedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Question_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Quiz" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "unitId" INTEGER NOT NULL,
    "createdById" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "opensAt" TIMESTAMPTZ(3),
    "closesAt" TIMESTAMPTZ(3),
    "timeLimitSec" INTEGER,
    "maxAttempts" INTEGER NOT NULL DEFAULT 1,
    "gradeMethod" TEXT NOT NULL DEFAULT 'highest',
    "passPercent" INTEGER NOT NULL DEFAULT 60,
    "shuffleQuestions" BOOLEAN NOT NULL DEFAULT true,
    "shuffleOptions" BOOLEAN NOT NULL DEFAULT true,
    "reviewPolicy" TEXT NOT NULL DEFAULT 'after_submit',
    "layout" TEXT NOT NULL DEFAULT 'page',
    "creditHours" INTEGER,
    "creditSetById" INTEGER,
    "creditApprovedById" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Quiz_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuizSlot" (
    "id" SERIAL NOT NULL,
    "quizId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "questionId" INTEGER,
    "bankId" INTEGER,
    "tag" TEXT,
    "difficulty" INTEGER,
    "count" INTEGER NOT NULL DEFAULT 1,
    "markEach" INTEGER NOT NULL,

    CONSTRAINT "QuizSlot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuizAudience" (
    "id" SERIAL NOT NULL,
    "quizId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "politicalStatus" TEXT,

    CONSTRAINT "QuizAudience_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuizAttempt" (
    "id" SERIAL NOT NULL,
    "quizId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "number" INTEGER NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'in_progress',
    "seed" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deadlineAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "mark" INTEGER,
    "maxMark" INTEGER NOT NULL,
    "percent" INTEGER,
    "passed" BOOLEAN,
    "flagged" BOOLEAN NOT NULL DEFAULT false,
    "flagReason" TEXT,

    CONSTRAINT "QuizAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AttemptItem" (
    "id" SERIAL NOT NULL,
    "attemptId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "questionId" INTEGER NOT NULL,
    "optionOrder" TEXT,
    "maxMark" INTEGER NOT NULL,
    "response" TEXT,
    "answeredAt" TIMESTAMPTZ(3),
    "answerCount" INTEGER NOT NULL DEFAULT 0,
    "mark" INTEGER,
    "correct" BOOLEAN,
    "marked" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "AttemptItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuizGrade" (
    "quizId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "percent" INTEGER NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "attempts" INTEGER NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "QuizGrade_pkey" PRIMARY KEY ("quizId","personId")
);

-- CreateTable
CREATE TABLE "Course" (
    "id" SERIAL NOT NULL,
    "slug" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "unitId" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "tags" TEXT NOT NULL,
    "coverPath" TEXT,
    "audienceStatuses" TEXT,
    "completionPermille" INTEGER NOT NULL DEFAULT 950,
    "body" TEXT NOT NULL,
    "bodyHash" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "contentHash" TEXT,
    "draft" TEXT,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "createdById" INTEGER,
    "publishedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Course_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Lesson" (
    "id" SERIAL NOT NULL,
    "courseId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT,
    "minutes" INTEGER NOT NULL,
    "credit" INTEGER NOT NULL,
    "videoPath" TEXT,
    "checkpoints" TEXT NOT NULL DEFAULT '[]',
    "body" TEXT NOT NULL,
    "bodyHash" TEXT NOT NULL,
    "archivedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Lesson_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CourseRevision" (
    "id" SERIAL NOT NULL,
    "courseId" INTEGER NOT NULL,
    "number" INTEGER NOT NULL,
    "snapshot" TEXT NOT NULL,
    "note" TEXT,
    "createdById" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CourseRevision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MediaFile" (
    "id" SERIAL NOT NULL,
    "courseId" INTEGER NOT NULL,
    "path" TEXT NOT NULL,
    "storage" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "durationSec" DOUBLE PRECISION,
    "sha256" TEXT NOT NULL,
    "createdById" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MediaFile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CourseAssignment" (
    "id" SERIAL NOT NULL,
    "courseId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "politicalStatus" TEXT,
    "cadreLevel" TEXT,
    "dueAt" TIMESTAMPTZ(3),
    "createdById" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CourseAssignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LessonProgress" (
    "personId" INTEGER NOT NULL,
    "lessonId" INTEGER NOT NULL,
    "watched" TEXT NOT NULL DEFAULT '[]',
    "watchedSeconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "readSeconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "checkpoints" TEXT NOT NULL DEFAULT '{}',
    "completedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LessonProgress_pkey" PRIMARY KEY ("personId","lessonId")
);

-- CreateTable
CREATE TABLE "StudySession" (
    "personId" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "lessonId" INTEGER NOT NULL,
    "lastBeatAt" TIMESTAMPTZ(3) NOT NULL,
    "lastSeq" INTEGER NOT NULL DEFAULT 0,
    "allowance" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "StudySession_pkey" PRIMARY KEY ("personId")
);

-- CreateTable
CREATE TABLE "CourseSearch" (
    "id" SERIAL NOT NULL,
    "personId" INTEGER NOT NULL,
    "query" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CourseSearch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contest" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "unitId" INTEGER NOT NULL,
    "createdById" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "opensAt" TIMESTAMPTZ(3) NOT NULL,
    "closesAt" TIMESTAMPTZ(3) NOT NULL,
    "timeLimitSec" INTEGER NOT NULL,
    "creditHours" INTEGER,
    "creditSetById" INTEGER,
    "creditApprovedById" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Contest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContestSection" (
    "id" SERIAL NOT NULL,
    "contestId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "bankId" INTEGER NOT NULL,
    "tag" TEXT,
    "difficulty" INTEGER,
    "count" INTEGER NOT NULL,
    "pointsEach" INTEGER NOT NULL,

    CONSTRAINT "ContestSection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContestAudience" (
    "id" SERIAL NOT NULL,
    "contestId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "politicalStatus" TEXT,

    CONSTRAINT "ContestAudience_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContestEntry" (
    "id" SERIAL NOT NULL,
    "contestId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "seed" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'in_progress',
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "deadlineAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3),
    "maxScore" INTEGER NOT NULL,
    "score" INTEGER,
    "correct" INTEGER,
    "durationMs" INTEGER,
    "showName" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "ContestEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContestItem" (
    "entryId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "questionId" INTEGER NOT NULL,
    "optionOrder" TEXT,
    "points" INTEGER NOT NULL,

    CONSTRAINT "ContestItem_pkey" PRIMARY KEY ("entryId","position")
);

-- CreateTable
CREATE TABLE "ContestAnswer" (
    "entryId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "response" TEXT NOT NULL,
    "correct" BOOLEAN NOT NULL,
    "points" INTEGER NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ContestAnswer_pkey" PRIMARY KEY ("entryId","position")
);

-- CreateTable
CREATE TABLE "ContestPrizeDraw" (
    "id" SERIAL NOT NULL,
    "contestId" INTEGER NOT NULL,
    "seed" TEXT NOT NULL,
    "pool" TEXT NOT NULL,
    "winners" TEXT NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContestPrizeDraw_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LiveRound" (
    "id" SERIAL NOT NULL,
    "contestId" INTEGER,
    "title" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "hostId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'lobby',
    "current" INTEGER NOT NULL DEFAULT 0,
    "questionAt" TIMESTAMPTZ(3),
    "deadlineAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "LiveRound_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LiveQuestion" (
    "roundId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "questionId" INTEGER NOT NULL,
    "seconds" INTEGER NOT NULL,
    "points" INTEGER NOT NULL,

    CONSTRAINT "LiveQuestion_pkey" PRIMARY KEY ("roundId","position")
);

-- CreateTable
CREATE TABLE "LivePlayer" (
    "roundId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "joinedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "score" INTEGER NOT NULL DEFAULT 0,
    "showName" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "LivePlayer_pkey" PRIMARY KEY ("roundId","personId")
);

-- CreateTable
CREATE TABLE "LiveAnswer" (
    "roundId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "response" TEXT NOT NULL,
    "correct" BOOLEAN NOT NULL,
    "points" INTEGER NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL,
    "elapsedMs" INTEGER NOT NULL,

    CONSTRAINT "LiveAnswer_pkey" PRIMARY KEY ("roundId","position","personId")
);

-- CreateTable
CREATE TABLE "RulePackChoice" (
    "id" SERIAL NOT NULL,
    "pack" TEXT NOT NULL,
    "chosenById" INTEGER NOT NULL,
    "reason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RulePackChoice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RequirementOverride" (
    "id" SERIAL NOT NULL,
    "pack" TEXT NOT NULL,
    "requirement" TEXT NOT NULL,
    "hours" INTEGER,
    "reason" TEXT NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RequirementOverride_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Activity" (
    "id" SERIAL NOT NULL,
    "unitId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "checkinOpensAt" TIMESTAMPTZ(3) NOT NULL,
    "checkinClosesAt" TIMESTAMPTZ(3) NOT NULL,
    "hours" INTEGER NOT NULL,
    "codeSecret" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "createdById" INTEGER NOT NULL,
    "confirmedById" INTEGER,
    "confirmedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "place" TEXT,
    "agenda" TEXT,
    "statusReason" TEXT,
    "postponedFrom" TIMESTAMPTZ(3),
    "minutes" TEXT,
    "decisions" TEXT,
    "minutesById" INTEGER,
    "minutesAt" TIMESTAMPTZ(3),

    CONSTRAINT "Activity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActivityAttendance" (
    "activityId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "addedById" INTEGER,
    "removedAt" TIMESTAMPTZ(3),
    "removedById" INTEGER,

    CONSTRAINT "ActivityAttendance_pkey" PRIMARY KEY ("activityId","personId")
);

-- CreateTable
CREATE TABLE "ActivityLeave" (
    "activityId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "decidedById" INTEGER,
    "decidedAt" TIMESTAMPTZ(3),
    "decisionReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ActivityLeave_pkey" PRIMARY KEY ("activityId","personId")
);

-- CreateTable
CREATE TABLE "ActivityMakeup" (
    "activityId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "lessonId" INTEGER,
    "assignedById" INTEGER NOT NULL,
    "assignedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "minutesReadAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ActivityMakeup_pkey" PRIMARY KEY ("activityId","personId")
);

-- CreateTable
CREATE TABLE "ActivityFile" (
    "id" SERIAL NOT NULL,
    "activityId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "filePath" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ActivityFile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActivityInvitee" (
    "activityId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,

    CONSTRAINT "ActivityInvitee_pkey" PRIMARY KEY ("activityId","personId")
);

-- CreateTable
CREATE TABLE "CreditClaim" (
    "id" SERIAL NOT NULL,
    "personId" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "organizer" TEXT,
    "category" TEXT NOT NULL,
    "hours" INTEGER NOT NULL,
    "earnedOn" TIMESTAMPTZ(3) NOT NULL,
    "filePath" TEXT NOT NULL,
    "fileMime" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "decidedById" INTEGER,
    "decidedAt" TIMESTAMPTZ(3),
    "decisionReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CreditClaim_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HoursCertificate" (
    "id" SERIAL NOT NULL,
    "personId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "earned" INTEGER NOT NULL,
    "required" INTEGER,
    "personName" TEXT,
    "unitName" TEXT,
    "issuedById" INTEGER NOT NULL,
    "issuedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "HoursCertificate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrainingClass" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "term" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "description" TEXT,
    "startsOn" TIMESTAMPTZ(3) NOT NULL,
    "endsOn" TIMESTAMPTZ(3) NOT NULL,
    "gradingRule" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "resultsPublishedAt" TIMESTAMPTZ(3),
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TrainingClass_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClassAudience" (
    "classId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,

    CONSTRAINT "ClassAudience_pkey" PRIMARY KEY ("classId","unitId")
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
    "decidedAt" TIMESTAMPTZ(3),
    "reason" TEXT,
    "scores" TEXT,
    "total" INTEGER,
    "passed" BOOLEAN,
    "excellent" BOOLEAN NOT NULL DEFAULT false,
    "graduatedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ClassMember_pkey" PRIMARY KEY ("classId","personId")
);

-- CreateTable
CREATE TABLE "ClassGroup" (
    "id" SERIAL NOT NULL,
    "classId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "ClassGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClassTutor" (
    "groupId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,

    CONSTRAINT "ClassTutor_pkey" PRIMARY KEY ("groupId","personId")
);

-- CreateTable
CREATE TABLE "ClassItem" (
    "id" SERIAL NOT NULL,
    "classId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "courseId" INTEGER,
    "activityId" INTEGER,
    "quizId" INTEGER,
    "required" BOOLEAN NOT NULL DEFAULT true,
    "dueAt" TIMESTAMPTZ(3),

    CONSTRAINT "ClassItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Assignment" (
    "id" SERIAL NOT NULL,
    "classId" INTEGER,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "minChars" INTEGER NOT NULL DEFAULT 0,
    "maxChars" INTEGER NOT NULL DEFAULT 20000,
    "opensAt" TIMESTAMPTZ(3) NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "lateUntil" TIMESTAMPTZ(3),
    "allowAttachments" BOOLEAN NOT NULL DEFAULT false,
    "rubric" TEXT NOT NULL,
    "series" TEXT,
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Assignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Submission" (
    "id" SERIAL NOT NULL,
    "assignmentId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "chars" INTEGER NOT NULL,
    "attachmentPath" TEXT,
    "attachmentName" TEXT,
    "attachmentMime" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "submittedAt" TIMESTAMPTZ(3),
    "late" BOOLEAN NOT NULL DEFAULT false,
    "rubricScores" TEXT,
    "score" INTEGER,
    "comment" TEXT,
    "gradedById" INTEGER,
    "gradedAt" TIMESTAMPTZ(3),
    "returnReason" TEXT,
    "returnedAt" TIMESTAMPTZ(3),
    "resubmitBy" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Submission_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SubmissionVersion" (
    "submissionId" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "chars" INTEGER NOT NULL,
    "submittedAt" TIMESTAMPTZ(3) NOT NULL,
    "attachmentPath" TEXT,
    "attachmentName" TEXT,
    "attachmentMime" TEXT,

    CONSTRAINT "SubmissionVersion_pkey" PRIMARY KEY ("submissionId","version")
);

-- CreateTable
CREATE TABLE "ClassExamMakeup" (
    "classId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "quizId" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ClassExamMakeup_pkey" PRIMARY KEY ("classId","personId")
);

-- CreateTable
CREATE TABLE "AssignmentExtension" (
    "assignmentId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AssignmentExtension_pkey" PRIMARY KEY ("assignmentId","personId")
);

-- CreateTable
CREATE TABLE "ClassCertificate" (
    "id" SERIAL NOT NULL,
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
    "issuedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ClassCertificate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SubmissionReview" (
    "id" SERIAL NOT NULL,
    "submissionId" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "rubricScores" TEXT,
    "score" INTEGER,
    "comment" TEXT,
    "reason" TEXT,
    "resubmitBy" TIMESTAMPTZ(3),
    "byId" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SubmissionReview_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PipelineRecord" (
    "id" SERIAL NOT NULL,
    "personId" INTEGER NOT NULL,
    "pack" TEXT NOT NULL,
    "packVersion" INTEGER NOT NULL,
    "step" TEXT NOT NULL,
    "happenedOn" TIMESTAMPTZ(3) NOT NULL,
    "note" TEXT,
    "backfilled" BOOLEAN NOT NULL DEFAULT false,
    "late" TEXT,
    "birthDate" TIMESTAMPTZ(3),
    "recordedById" INTEGER NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activeKey" TEXT,
    "correctsId" INTEGER,
    "correctionReason" TEXT,
    "supersededAt" TIMESTAMPTZ(3),
    "statusChangeId" INTEGER,
    "months" INTEGER,

    CONSTRAINT "PipelineRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PipelineDocument" (
    "id" SERIAL NOT NULL,
    "recordId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "filePath" TEXT NOT NULL,
    "fileMime" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "uploadedById" INTEGER NOT NULL,
    "uploadedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PipelineDocument_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PipelineContact" (
    "id" SERIAL NOT NULL,
    "personId" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "memberId" INTEGER NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "endedOn" TIMESTAMPTZ(3),
    "recordedById" INTEGER NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PipelineContact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SimilarityText" (
    "id" SERIAL NOT NULL,
    "submissionId" INTEGER,
    "lessonId" INTEGER,
    "version" INTEGER,
    "textHash" TEXT NOT NULL,
    "chars" INTEGER NOT NULL,
    "signature" BYTEA,
    "corpusAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SimilarityText_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SimilarityPassageKey" (
    "key" INTEGER NOT NULL,
    "textId" INTEGER NOT NULL,

    CONSTRAINT "SimilarityPassageKey_pkey" PRIMARY KEY ("key","textId")
);

-- CreateTable
CREATE TABLE "SimilarityBand" (
    "textId" INTEGER NOT NULL,
    "band" INTEGER NOT NULL,
    "key" INTEGER NOT NULL,

    CONSTRAINT "SimilarityBand_pkey" PRIMARY KEY ("textId","band")
);

-- CreateTable
CREATE TABLE "SimilarityReport" (
    "id" SERIAL NOT NULL,
    "submissionId" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "permille" INTEGER,
    "matches" TEXT,
    "reason" TEXT,
    "queuedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "SimilarityReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SimilarityCorpus" (
    "id" SERIAL NOT NULL,
    "computedAt" TIMESTAMPTZ(3) NOT NULL,
    "basisAt" TIMESTAMPTZ(3) NOT NULL,
    "texts" INTEGER NOT NULL,
    "shingles" BYTEA NOT NULL,

    CONSTRAINT "SimilarityCorpus_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Mailbox" (
    "id" SERIAL NOT NULL,
    "unitId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "allowAnonymous" BOOLEAN NOT NULL DEFAULT true,
    "serviceDays" INTEGER NOT NULL DEFAULT 5,
    "archivedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Mailbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MailboxHandler" (
    "id" SERIAL NOT NULL,
    "mailboxId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MailboxHandler_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Letter" (
    "id" SERIAL NOT NULL,
    "mailboxId" INTEGER NOT NULL,
    "originMailboxId" INTEGER NOT NULL,
    "authorId" INTEGER NOT NULL,
    "anonymous" BOOLEAN NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "firstRepliedAt" TIMESTAMPTZ(3),
    "sweptAt" TIMESTAMPTZ(3),
    "closedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Letter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LetterEntry" (
    "id" SERIAL NOT NULL,
    "letterId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "authorId" INTEGER,
    "body" TEXT NOT NULL,
    "fromMailboxId" INTEGER,
    "toMailboxId" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LetterEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PageColumn" (
    "id" SERIAL NOT NULL,
    "unitId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,
    "visible" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "PageColumn_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PageArticle" (
    "id" SERIAL NOT NULL,
    "columnId" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "pinned" BOOLEAN NOT NULL DEFAULT false,
    "authorId" INTEGER NOT NULL,
    "publishedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "archivedAt" TIMESTAMPTZ(3),

    CONSTRAINT "PageArticle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PageImage" (
    "id" SERIAL NOT NULL,
    "articleId" INTEGER NOT NULL,
    "filePath" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "bytes" INTEGER NOT NULL,
    "alt" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PageImage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PageArticleRead" (
    "articleId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "readAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PageArticleRead_pkey" PRIMARY KEY ("articleId","personId")
);

-- CreateTable
CREATE TABLE "DiscussionTopic" (
    "id" SERIAL NOT NULL,
    "unitId" INTEGER,
    "lessonId" INTEGER,
    "title" TEXT NOT NULL,
    "createdById" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archivedAt" TIMESTAMPTZ(3),

    CONSTRAINT "DiscussionTopic_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DiscussionPost" (
    "id" SERIAL NOT NULL,
    "topicId" INTEGER NOT NULL,
    "authorId" INTEGER NOT NULL,
    "parentId" INTEGER,
    "quotedId" INTEGER,
    "body" TEXT NOT NULL,
    "tree" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'published',
    "heldFor" TEXT,
    "matchedWords" TEXT,
    "hiddenReason" TEXT,
    "moderatedById" INTEGER,
    "moderatedAt" TIMESTAMPTZ(3),
    "editedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DiscussionPost_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DiscussionPostVersion" (
    "id" SERIAL NOT NULL,
    "postId" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "DiscussionPostVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DiscussionLike" (
    "postId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DiscussionLike_pkey" PRIMARY KEY ("postId","personId")
);

-- CreateTable
CREATE TABLE "DiscussionReport" (
    "id" SERIAL NOT NULL,
    "postId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMPTZ(3),

    CONSTRAINT "DiscussionReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DiscussionMention" (
    "postId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "notifiedAt" TIMESTAMPTZ(3),

    CONSTRAINT "DiscussionMention_pkey" PRIMARY KEY ("postId","personId")
);

-- CreateTable
CREATE TABLE "DiscussionReviewMark" (
    "personId" INTEGER NOT NULL,
    "markedById" INTEGER NOT NULL,
    "markedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DiscussionReviewMark_pkey" PRIMARY KEY ("personId")
);

-- CreateTable
CREATE TABLE "SensitiveWord" (
    "id" SERIAL NOT NULL,
    "word" TEXT NOT NULL,
    "addedById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SensitiveWord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DocFolder" (
    "id" SERIAL NOT NULL,
    "unitId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DocFolder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LibraryDocument" (
    "id" SERIAL NOT NULL,
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
    "textClaimedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMPTZ(3),
    "unpublished" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "LibraryDocument_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SearchEntry" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "refId" INTEGER NOT NULL,
    "unitPath" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "statuses" TEXT,
    "title" TEXT NOT NULL,
    "excerpt" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SearchEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SearchTerm" (
    "entryId" INTEGER NOT NULL,
    "term" TEXT NOT NULL,
    "weight" INTEGER NOT NULL,

    CONSTRAINT "SearchTerm_pkey" PRIMARY KEY ("term","entryId")
);

-- CreateTable
CREATE TABLE "ReviewSetting" (
    "unitId" INTEGER NOT NULL,
    "required" BOOLEAN NOT NULL,
    "updatedById" INTEGER NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ReviewSetting_pkey" PRIMARY KEY ("unitId")
);

-- CreateTable
CREATE TABLE "ReviewItem" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "unitId" INTEGER NOT NULL,
    "targetId" INTEGER,
    "containerId" INTEGER,
    "draftId" INTEGER,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "pinned" BOOLEAN NOT NULL DEFAULT false,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "authorId" INTEGER NOT NULL,
    "reviewerId" INTEGER,
    "reason" TEXT,
    "publishedId" INTEGER,
    "submittedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ReviewItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" SERIAL NOT NULL,
    "personId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "url" TEXT,
    "dedupeKey" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" TIMESTAMPTZ(3),

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationDelivery" (
    "id" SERIAL NOT NULL,
    "notificationId" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL,
    "claimedBy" TEXT,
    "leaseUntil" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "sentAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NotificationDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PushSubscription" (
    "id" SERIAL NOT NULL,
    "personId" INTEGER NOT NULL,
    "endpoint" TEXT NOT NULL,
    "p256dh" TEXT NOT NULL,
    "auth" TEXT NOT NULL,
    "userAgent" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSuccessAt" TIMESTAMPTZ(3),
    "sessionId" TEXT,

    CONSTRAINT "PushSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationPreference" (
    "personId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,

    CONSTRAINT "NotificationPreference_pkey" PRIMARY KEY ("personId","kind","channel")
);

-- CreateTable
CREATE TABLE "NotificationSettings" (
    "personId" INTEGER NOT NULL,
    "quietStart" INTEGER,
    "quietEnd" INTEGER,
    "email" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "NotificationSettings_pkey" PRIMARY KEY ("personId")
);

-- CreateTable
CREATE TABLE "CalendarFeed" (
    "personId" INTEGER NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CalendarFeed_pkey" PRIMARY KEY ("personId")
);

-- CreateIndex
CREATE INDEX "OrgUnit_path_idx" ON "OrgUnit"("path");

-- CreateIndex
CREATE INDEX "OrgUnit_parentId_idx" ON "OrgUnit"("parentId");

-- CreateIndex
CREATE UNIQUE INDEX "Person_number_key" ON "Person"("number");

-- CreateIndex
CREATE INDEX "Person_unitId_politicalStatus_idx" ON "Person"("unitId", "politicalStatus");

-- CreateIndex
CREATE INDEX "Person_name_idx" ON "Person"("name");

-- CreateIndex
CREATE INDEX "StatusChange_personId_effectiveOn_idx" ON "StatusChange"("personId", "effectiveOn");

-- CreateIndex
CREATE INDEX "Session_personId_idx" ON "Session"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "ActivationCode_codeHash_key" ON "ActivationCode"("codeHash");

-- CreateIndex
CREATE INDEX "ActivationCode_personId_idx" ON "ActivationCode"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "RoleGrant_personId_role_unitId_key" ON "RoleGrant"("personId", "role", "unitId");

-- CreateIndex
CREATE INDEX "Notice_unitId_publishedAt_idx" ON "Notice"("unitId", "publishedAt");

-- CreateIndex
CREATE INDEX "HoursEntry_personId_year_category_amount_month_idx" ON "HoursEntry"("personId", "year", "category", "amount", "month");

-- CreateIndex
CREATE UNIQUE INDEX "HoursEntry_personId_sourceKind_sourceId_key" ON "HoursEntry"("personId", "sourceKind", "sourceId");

-- CreateIndex
CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");

-- CreateIndex
CREATE INDEX "AuditLog_actorId_at_idx" ON "AuditLog"("actorId", "at");

-- CreateIndex
CREATE INDEX "AuditLog_targetKind_targetId_idx" ON "AuditLog"("targetKind", "targetId");

-- CreateIndex
CREATE UNIQUE INDEX "QuestionBank_slug_key" ON "QuestionBank"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Question_bankId_key_key" ON "Question"("bankId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "QuizSlot_quizId_position_key" ON "QuizSlot"("quizId", "position");

-- CreateIndex
CREATE INDEX "QuizAudience_unitId_idx" ON "QuizAudience"("unitId");

-- CreateIndex
CREATE INDEX "QuizAttempt_personId_state_idx" ON "QuizAttempt"("personId", "state");

-- CreateIndex
CREATE INDEX "QuizAttempt_state_deadlineAt_idx" ON "QuizAttempt"("state", "deadlineAt");

-- CreateIndex
CREATE UNIQUE INDEX "QuizAttempt_quizId_personId_number_key" ON "QuizAttempt"("quizId", "personId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "AttemptItem_attemptId_position_key" ON "AttemptItem"("attemptId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "AttemptItem_attemptId_questionId_key" ON "AttemptItem"("attemptId", "questionId");

-- CreateIndex
CREATE UNIQUE INDEX "Course_slug_key" ON "Course"("slug");

-- CreateIndex
CREATE INDEX "Course_status_idx" ON "Course"("status");

-- CreateIndex
CREATE INDEX "Lesson_courseId_position_idx" ON "Lesson"("courseId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "Lesson_courseId_key_key" ON "Lesson"("courseId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "CourseRevision_courseId_number_key" ON "CourseRevision"("courseId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "MediaFile_courseId_path_key" ON "MediaFile"("courseId", "path");

-- CreateIndex
CREATE INDEX "CourseAssignment_unitId_idx" ON "CourseAssignment"("unitId");

-- CreateIndex
CREATE INDEX "CourseAssignment_courseId_idx" ON "CourseAssignment"("courseId");

-- CreateIndex
CREATE INDEX "LessonProgress_lessonId_idx" ON "LessonProgress"("lessonId");

-- CreateIndex
CREATE UNIQUE INDEX "StudySession_id_key" ON "StudySession"("id");

-- CreateIndex
CREATE INDEX "CourseSearch_personId_createdAt_idx" ON "CourseSearch"("personId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ContestSection_contestId_position_key" ON "ContestSection"("contestId", "position");

-- CreateIndex
CREATE INDEX "ContestAudience_unitId_idx" ON "ContestAudience"("unitId");

-- CreateIndex
CREATE INDEX "ContestEntry_contestId_state_score_idx" ON "ContestEntry"("contestId", "state", "score");

-- CreateIndex
CREATE INDEX "ContestEntry_state_deadlineAt_idx" ON "ContestEntry"("state", "deadlineAt");

-- CreateIndex
CREATE UNIQUE INDEX "ContestEntry_contestId_personId_key" ON "ContestEntry"("contestId", "personId");

-- CreateIndex
CREATE UNIQUE INDEX "LiveRound_code_key" ON "LiveRound"("code");

-- CreateIndex
CREATE INDEX "RequirementOverride_pack_requirement_id_idx" ON "RequirementOverride"("pack", "requirement", "id");

-- CreateIndex
CREATE INDEX "Activity_unitId_startsAt_idx" ON "Activity"("unitId", "startsAt");

-- CreateIndex
CREATE INDEX "ActivityMakeup_personId_completedAt_idx" ON "ActivityMakeup"("personId", "completedAt");

-- CreateIndex
CREATE INDEX "ActivityFile_activityId_idx" ON "ActivityFile"("activityId");

-- CreateIndex
CREATE INDEX "ActivityInvitee_personId_idx" ON "ActivityInvitee"("personId");

-- CreateIndex
CREATE INDEX "CreditClaim_personId_status_idx" ON "CreditClaim"("personId", "status");

-- CreateIndex
CREATE INDEX "CreditClaim_status_createdAt_idx" ON "CreditClaim"("status", "createdAt");

-- CreateIndex
CREATE INDEX "HoursCertificate_personId_year_idx" ON "HoursCertificate"("personId", "year");

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
CREATE UNIQUE INDEX "Assignment_series_key" ON "Assignment"("series");

-- CreateIndex
CREATE INDEX "Assignment_classId_idx" ON "Assignment"("classId");

-- CreateIndex
CREATE INDEX "Submission_personId_idx" ON "Submission"("personId");

-- CreateIndex
CREATE INDEX "Submission_assignmentId_status_idx" ON "Submission"("assignmentId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Submission_assignmentId_personId_key" ON "Submission"("assignmentId", "personId");

-- CreateIndex
CREATE INDEX "ClassCertificate_personId_idx" ON "ClassCertificate"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "ClassCertificate_classId_personId_current_key" ON "ClassCertificate"("classId", "personId", "current");

-- CreateIndex
CREATE INDEX "SubmissionReview_submissionId_idx" ON "SubmissionReview"("submissionId");

-- CreateIndex
CREATE UNIQUE INDEX "PipelineRecord_activeKey_key" ON "PipelineRecord"("activeKey");

-- CreateIndex
CREATE UNIQUE INDEX "PipelineRecord_correctsId_key" ON "PipelineRecord"("correctsId");

-- CreateIndex
CREATE INDEX "PipelineRecord_personId_step_idx" ON "PipelineRecord"("personId", "step");

-- CreateIndex
CREATE INDEX "PipelineRecord_step_supersededAt_idx" ON "PipelineRecord"("step", "supersededAt");

-- CreateIndex
CREATE INDEX "PipelineDocument_recordId_idx" ON "PipelineDocument"("recordId");

-- CreateIndex
CREATE INDEX "PipelineContact_personId_role_idx" ON "PipelineContact"("personId", "role");

-- CreateIndex
CREATE UNIQUE INDEX "SimilarityText_submissionId_key" ON "SimilarityText"("submissionId");

-- CreateIndex
CREATE UNIQUE INDEX "SimilarityText_lessonId_key" ON "SimilarityText"("lessonId");

-- CreateIndex
CREATE INDEX "SimilarityPassageKey_textId_idx" ON "SimilarityPassageKey"("textId");

-- CreateIndex
CREATE INDEX "SimilarityBand_key_idx" ON "SimilarityBand"("key");

-- CreateIndex
CREATE INDEX "SimilarityReport_status_queuedAt_idx" ON "SimilarityReport"("status", "queuedAt");

-- CreateIndex
CREATE UNIQUE INDEX "SimilarityReport_submissionId_version_key" ON "SimilarityReport"("submissionId", "version");

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

-- CreateIndex
CREATE INDEX "PageColumn_unitId_sortOrder_idx" ON "PageColumn"("unitId", "sortOrder");

-- CreateIndex
CREATE INDEX "PageArticle_columnId_pinned_publishedAt_idx" ON "PageArticle"("columnId", "pinned", "publishedAt");

-- CreateIndex
CREATE INDEX "PageImage_articleId_idx" ON "PageImage"("articleId");

-- CreateIndex
CREATE UNIQUE INDEX "DiscussionTopic_lessonId_key" ON "DiscussionTopic"("lessonId");

-- CreateIndex
CREATE INDEX "DiscussionTopic_unitId_createdAt_idx" ON "DiscussionTopic"("unitId", "createdAt");

-- CreateIndex
CREATE INDEX "DiscussionPost_topicId_parentId_id_idx" ON "DiscussionPost"("topicId", "parentId", "id");

-- CreateIndex
CREATE INDEX "DiscussionPost_authorId_createdAt_idx" ON "DiscussionPost"("authorId", "createdAt");

-- CreateIndex
CREATE INDEX "DiscussionPost_state_idx" ON "DiscussionPost"("state");

-- CreateIndex
CREATE INDEX "DiscussionPostVersion_postId_id_idx" ON "DiscussionPostVersion"("postId", "id");

-- CreateIndex
CREATE INDEX "DiscussionReport_resolvedAt_idx" ON "DiscussionReport"("resolvedAt");

-- CreateIndex
CREATE UNIQUE INDEX "DiscussionReport_postId_personId_key" ON "DiscussionReport"("postId", "personId");

-- CreateIndex
CREATE INDEX "DiscussionMention_personId_notifiedAt_idx" ON "DiscussionMention"("personId", "notifiedAt");

-- CreateIndex
CREATE UNIQUE INDEX "SensitiveWord_word_key" ON "SensitiveWord"("word");

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

-- CreateIndex
CREATE INDEX "ReviewItem_unitId_state_idx" ON "ReviewItem"("unitId", "state");

-- CreateIndex
CREATE INDEX "ReviewItem_authorId_state_idx" ON "ReviewItem"("authorId", "state");

-- CreateIndex
CREATE INDEX "Notification_personId_readAt_idx" ON "Notification"("personId", "readAt");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_personId_dedupeKey_key" ON "Notification"("personId", "dedupeKey");

-- CreateIndex
CREATE INDEX "NotificationDelivery_state_nextAttemptAt_idx" ON "NotificationDelivery"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "NotificationDelivery_state_leaseUntil_idx" ON "NotificationDelivery"("state", "leaseUntil");

-- CreateIndex
CREATE UNIQUE INDEX "NotificationDelivery_notificationId_channel_key" ON "NotificationDelivery"("notificationId", "channel");

-- CreateIndex
CREATE UNIQUE INDEX "PushSubscription_endpoint_key" ON "PushSubscription"("endpoint");

-- CreateIndex
CREATE INDEX "PushSubscription_personId_idx" ON "PushSubscription"("personId");

-- CreateIndex
CREATE INDEX "PushSubscription_sessionId_idx" ON "PushSubscription"("sessionId");

-- CreateIndex
CREATE UNIQUE INDEX "CalendarFeed_tokenHash_key" ON "CalendarFeed"("tokenHash");

-- AddForeignKey
ALTER TABLE "OrgUnit" ADD CONSTRAINT "OrgUnit_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "OrgUnit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Person" ADD CONSTRAINT "Person_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StatusChange" ADD CONSTRAINT "StatusChange_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StatusChange" ADD CONSTRAINT "StatusChange_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Password" ADD CONSTRAINT "Password_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivationCode" ADD CONSTRAINT "ActivationCode_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleGrant" ADD CONSTRAINT "RoleGrant_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleGrant" ADD CONSTRAINT "RoleGrant_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleGrant" ADD CONSTRAINT "RoleGrant_grantedById_fkey" FOREIGN KEY ("grantedById") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notice" ADD CONSTRAINT "Notice_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notice" ADD CONSTRAINT "Notice_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HoursEntry" ADD CONSTRAINT "HoursEntry_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HoursEntry" ADD CONSTRAINT "HoursEntry_approvedById_fkey" FOREIGN KEY ("approvedById") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuestionBank" ADD CONSTRAINT "QuestionBank_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Question" ADD CONSTRAINT "Question_bankId_fkey" FOREIGN KEY ("bankId") REFERENCES "QuestionBank"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Quiz" ADD CONSTRAINT "Quiz_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuizSlot" ADD CONSTRAINT "QuizSlot_quizId_fkey" FOREIGN KEY ("quizId") REFERENCES "Quiz"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuizSlot" ADD CONSTRAINT "QuizSlot_questionId_fkey" FOREIGN KEY ("questionId") REFERENCES "Question"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuizSlot" ADD CONSTRAINT "QuizSlot_bankId_fkey" FOREIGN KEY ("bankId") REFERENCES "QuestionBank"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuizAudience" ADD CONSTRAINT "QuizAudience_quizId_fkey" FOREIGN KEY ("quizId") REFERENCES "Quiz"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuizAudience" ADD CONSTRAINT "QuizAudience_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuizAttempt" ADD CONSTRAINT "QuizAttempt_quizId_fkey" FOREIGN KEY ("quizId") REFERENCES "Quiz"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuizAttempt" ADD CONSTRAINT "QuizAttempt_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AttemptItem" ADD CONSTRAINT "AttemptItem_attemptId_fkey" FOREIGN KEY ("attemptId") REFERENCES "QuizAttempt"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AttemptItem" ADD CONSTRAINT "AttemptItem_questionId_fkey" FOREIGN KEY ("questionId") REFERENCES "Question"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuizGrade" ADD CONSTRAINT "QuizGrade_quizId_fkey" FOREIGN KEY ("quizId") REFERENCES "Quiz"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuizGrade" ADD CONSTRAINT "QuizGrade_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Course" ADD CONSTRAINT "Course_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Lesson" ADD CONSTRAINT "Lesson_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CourseRevision" ADD CONSTRAINT "CourseRevision_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MediaFile" ADD CONSTRAINT "MediaFile_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CourseAssignment" ADD CONSTRAINT "CourseAssignment_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CourseAssignment" ADD CONSTRAINT "CourseAssignment_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LessonProgress" ADD CONSTRAINT "LessonProgress_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LessonProgress" ADD CONSTRAINT "LessonProgress_lessonId_fkey" FOREIGN KEY ("lessonId") REFERENCES "Lesson"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StudySession" ADD CONSTRAINT "StudySession_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CourseSearch" ADD CONSTRAINT "CourseSearch_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contest" ADD CONSTRAINT "Contest_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContestSection" ADD CONSTRAINT "ContestSection_contestId_fkey" FOREIGN KEY ("contestId") REFERENCES "Contest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContestSection" ADD CONSTRAINT "ContestSection_bankId_fkey" FOREIGN KEY ("bankId") REFERENCES "QuestionBank"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContestAudience" ADD CONSTRAINT "ContestAudience_contestId_fkey" FOREIGN KEY ("contestId") REFERENCES "Contest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContestAudience" ADD CONSTRAINT "ContestAudience_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContestEntry" ADD CONSTRAINT "ContestEntry_contestId_fkey" FOREIGN KEY ("contestId") REFERENCES "Contest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContestEntry" ADD CONSTRAINT "ContestEntry_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContestItem" ADD CONSTRAINT "ContestItem_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "ContestEntry"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContestItem" ADD CONSTRAINT "ContestItem_questionId_fkey" FOREIGN KEY ("questionId") REFERENCES "Question"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContestAnswer" ADD CONSTRAINT "ContestAnswer_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "ContestEntry"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContestPrizeDraw" ADD CONSTRAINT "ContestPrizeDraw_contestId_fkey" FOREIGN KEY ("contestId") REFERENCES "Contest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LiveRound" ADD CONSTRAINT "LiveRound_contestId_fkey" FOREIGN KEY ("contestId") REFERENCES "Contest"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LiveQuestion" ADD CONSTRAINT "LiveQuestion_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "LiveRound"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LiveQuestion" ADD CONSTRAINT "LiveQuestion_questionId_fkey" FOREIGN KEY ("questionId") REFERENCES "Question"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LivePlayer" ADD CONSTRAINT "LivePlayer_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "LiveRound"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LivePlayer" ADD CONSTRAINT "LivePlayer_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LiveAnswer" ADD CONSTRAINT "LiveAnswer_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "LiveRound"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Activity" ADD CONSTRAINT "Activity_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivityAttendance" ADD CONSTRAINT "ActivityAttendance_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "Activity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivityAttendance" ADD CONSTRAINT "ActivityAttendance_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivityLeave" ADD CONSTRAINT "ActivityLeave_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "Activity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivityLeave" ADD CONSTRAINT "ActivityLeave_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivityMakeup" ADD CONSTRAINT "ActivityMakeup_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "Activity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivityMakeup" ADD CONSTRAINT "ActivityMakeup_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivityFile" ADD CONSTRAINT "ActivityFile_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "Activity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivityInvitee" ADD CONSTRAINT "ActivityInvitee_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "Activity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivityInvitee" ADD CONSTRAINT "ActivityInvitee_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CreditClaim" ADD CONSTRAINT "CreditClaim_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingClass" ADD CONSTRAINT "TrainingClass_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClassAudience" ADD CONSTRAINT "ClassAudience_classId_fkey" FOREIGN KEY ("classId") REFERENCES "TrainingClass"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClassAudience" ADD CONSTRAINT "ClassAudience_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClassMember" ADD CONSTRAINT "ClassMember_classId_fkey" FOREIGN KEY ("classId") REFERENCES "TrainingClass"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClassMember" ADD CONSTRAINT "ClassMember_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClassMember" ADD CONSTRAINT "ClassMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "ClassGroup"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClassGroup" ADD CONSTRAINT "ClassGroup_classId_fkey" FOREIGN KEY ("classId") REFERENCES "TrainingClass"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClassTutor" ADD CONSTRAINT "ClassTutor_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "ClassGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClassTutor" ADD CONSTRAINT "ClassTutor_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClassItem" ADD CONSTRAINT "ClassItem_classId_fkey" FOREIGN KEY ("classId") REFERENCES "TrainingClass"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClassItem" ADD CONSTRAINT "ClassItem_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClassItem" ADD CONSTRAINT "ClassItem_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "Activity"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClassItem" ADD CONSTRAINT "ClassItem_quizId_fkey" FOREIGN KEY ("quizId") REFERENCES "Quiz"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_classId_fkey" FOREIGN KEY ("classId") REFERENCES "TrainingClass"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Submission" ADD CONSTRAINT "Submission_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Submission" ADD CONSTRAINT "Submission_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubmissionVersion" ADD CONSTRAINT "SubmissionVersion_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubmissionReview" ADD CONSTRAINT "SubmissionReview_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PipelineRecord" ADD CONSTRAINT "PipelineRecord_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PipelineRecord" ADD CONSTRAINT "PipelineRecord_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PipelineRecord" ADD CONSTRAINT "PipelineRecord_correctsId_fkey" FOREIGN KEY ("correctsId") REFERENCES "PipelineRecord"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PipelineDocument" ADD CONSTRAINT "PipelineDocument_recordId_fkey" FOREIGN KEY ("recordId") REFERENCES "PipelineRecord"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PipelineDocument" ADD CONSTRAINT "PipelineDocument_uploadedById_fkey" FOREIGN KEY ("uploadedById") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PipelineContact" ADD CONSTRAINT "PipelineContact_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PipelineContact" ADD CONSTRAINT "PipelineContact_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PipelineContact" ADD CONSTRAINT "PipelineContact_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SimilarityText" ADD CONSTRAINT "SimilarityText_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SimilarityText" ADD CONSTRAINT "SimilarityText_lessonId_fkey" FOREIGN KEY ("lessonId") REFERENCES "Lesson"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SimilarityPassageKey" ADD CONSTRAINT "SimilarityPassageKey_textId_fkey" FOREIGN KEY ("textId") REFERENCES "SimilarityText"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SimilarityBand" ADD CONSTRAINT "SimilarityBand_textId_fkey" FOREIGN KEY ("textId") REFERENCES "SimilarityText"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SimilarityReport" ADD CONSTRAINT "SimilarityReport_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mailbox" ADD CONSTRAINT "Mailbox_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MailboxHandler" ADD CONSTRAINT "MailboxHandler_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MailboxHandler" ADD CONSTRAINT "MailboxHandler_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Letter" ADD CONSTRAINT "Letter_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Letter" ADD CONSTRAINT "Letter_originMailboxId_fkey" FOREIGN KEY ("originMailboxId") REFERENCES "Mailbox"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Letter" ADD CONSTRAINT "Letter_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LetterEntry" ADD CONSTRAINT "LetterEntry_letterId_fkey" FOREIGN KEY ("letterId") REFERENCES "Letter"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LetterEntry" ADD CONSTRAINT "LetterEntry_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PageColumn" ADD CONSTRAINT "PageColumn_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PageArticle" ADD CONSTRAINT "PageArticle_columnId_fkey" FOREIGN KEY ("columnId") REFERENCES "PageColumn"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PageArticle" ADD CONSTRAINT "PageArticle_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PageImage" ADD CONSTRAINT "PageImage_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "PageArticle"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PageArticleRead" ADD CONSTRAINT "PageArticleRead_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "PageArticle"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PageArticleRead" ADD CONSTRAINT "PageArticleRead_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscussionTopic" ADD CONSTRAINT "DiscussionTopic_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscussionTopic" ADD CONSTRAINT "DiscussionTopic_lessonId_fkey" FOREIGN KEY ("lessonId") REFERENCES "Lesson"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscussionTopic" ADD CONSTRAINT "DiscussionTopic_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscussionPost" ADD CONSTRAINT "DiscussionPost_topicId_fkey" FOREIGN KEY ("topicId") REFERENCES "DiscussionTopic"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscussionPost" ADD CONSTRAINT "DiscussionPost_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscussionPost" ADD CONSTRAINT "DiscussionPost_moderatedById_fkey" FOREIGN KEY ("moderatedById") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscussionPost" ADD CONSTRAINT "DiscussionPost_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "DiscussionPost"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscussionPost" ADD CONSTRAINT "DiscussionPost_quotedId_fkey" FOREIGN KEY ("quotedId") REFERENCES "DiscussionPost"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscussionPostVersion" ADD CONSTRAINT "DiscussionPostVersion_postId_fkey" FOREIGN KEY ("postId") REFERENCES "DiscussionPost"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscussionLike" ADD CONSTRAINT "DiscussionLike_postId_fkey" FOREIGN KEY ("postId") REFERENCES "DiscussionPost"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscussionLike" ADD CONSTRAINT "DiscussionLike_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscussionReport" ADD CONSTRAINT "DiscussionReport_postId_fkey" FOREIGN KEY ("postId") REFERENCES "DiscussionPost"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscussionReport" ADD CONSTRAINT "DiscussionReport_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscussionMention" ADD CONSTRAINT "DiscussionMention_postId_fkey" FOREIGN KEY ("postId") REFERENCES "DiscussionPost"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscussionMention" ADD CONSTRAINT "DiscussionMention_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscussionReviewMark" ADD CONSTRAINT "DiscussionReviewMark_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscussionReviewMark" ADD CONSTRAINT "DiscussionReviewMark_markedById_fkey" FOREIGN KEY ("markedById") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SensitiveWord" ADD CONSTRAINT "SensitiveWord_addedById_fkey" FOREIGN KEY ("addedById") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DocFolder" ADD CONSTRAINT "DocFolder_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LibraryDocument" ADD CONSTRAINT "LibraryDocument_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LibraryDocument" ADD CONSTRAINT "LibraryDocument_folderId_fkey" FOREIGN KEY ("folderId") REFERENCES "DocFolder"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LibraryDocument" ADD CONSTRAINT "LibraryDocument_uploaderId_fkey" FOREIGN KEY ("uploaderId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SearchTerm" ADD CONSTRAINT "SearchTerm_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "SearchEntry"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewSetting" ADD CONSTRAINT "ReviewSetting_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewSetting" ADD CONSTRAINT "ReviewSetting_updatedById_fkey" FOREIGN KEY ("updatedById") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewItem" ADD CONSTRAINT "ReviewItem_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewItem" ADD CONSTRAINT "ReviewItem_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewItem" ADD CONSTRAINT "ReviewItem_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NotificationDelivery" ADD CONSTRAINT "NotificationDelivery_notificationId_fkey" FOREIGN KEY ("notificationId") REFERENCES "Notification"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PushSubscription" ADD CONSTRAINT "PushSubscription_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PushSubscription" ADD CONSTRAINT "PushSubscription_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NotificationPreference" ADD CONSTRAINT "NotificationPreference_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NotificationSettings" ADD CONSTRAINT "NotificationSettings_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarFeed" ADD CONSTRAINT "CalendarFeed_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

