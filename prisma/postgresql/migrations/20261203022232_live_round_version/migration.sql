-- AlterTable
ALTER TABLE "LiveRound" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

