-- AlterTable
ALTER TABLE "PipelineRecord" ADD COLUMN "months" INTEGER;

