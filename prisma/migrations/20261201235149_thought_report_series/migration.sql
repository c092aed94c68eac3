-- AlterTable
ALTER TABLE "Assignment" ADD COLUMN "series" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Assignment_series_key" ON "Assignment"("series");

