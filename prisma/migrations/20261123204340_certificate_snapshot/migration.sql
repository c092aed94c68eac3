-- AlterTable
ALTER TABLE "HoursCertificate" ADD COLUMN "personName" TEXT;
ALTER TABLE "HoursCertificate" ADD COLUMN "unitName" TEXT;

