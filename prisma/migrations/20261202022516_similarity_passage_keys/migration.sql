-- CreateTable
CREATE TABLE "SimilarityPassageKey" (
    "key" INTEGER NOT NULL,
    "textId" INTEGER NOT NULL,

    PRIMARY KEY ("key", "textId"),
    CONSTRAINT "SimilarityPassageKey_textId_fkey" FOREIGN KEY ("textId") REFERENCES "SimilarityText" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "SimilarityPassageKey_textId_idx" ON "SimilarityPassageKey"("textId");


-- Fingerprints made before passage keys existed have none: marked as made without a count of the
-- corpus' frequent shingles, so the checks make them again (with their keys), a few hundred a check.
UPDATE "SimilarityText" SET "corpusAt" = NULL;
