-- A quiz's layout for the learner (decision 064): the whole paper on one page (as before), or one question per screen.
ALTER TABLE "Quiz" ADD COLUMN "layout" TEXT NOT NULL DEFAULT 'page';

-- The learner's own 标记 on a question of an attempt, saved like an answer.
ALTER TABLE "AttemptItem" ADD COLUMN "marked" BOOLEAN NOT NULL DEFAULT false;
