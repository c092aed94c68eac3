-- AlterTable
ALTER TABLE "Person" ADD COLUMN "ssoSignedInAt" DATETIME;

