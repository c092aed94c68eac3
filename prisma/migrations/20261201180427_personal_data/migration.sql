-- Personal data (decision 033). Written by hand as ADD COLUMN rather than the table rebuild the diff
-- proposes: other migrations add columns to Person in parallel, and a rebuild would drop them.

-- A person may switch off remembering their catalogue searches.
ALTER TABLE "Person" ADD COLUMN "keepSearches" BOOLEAN NOT NULL DEFAULT true;

-- A live-round player's consent to be shown by name.
ALTER TABLE "LivePlayer" ADD COLUMN "showName" BOOLEAN NOT NULL DEFAULT false;

-- ID numbers are no longer kept: the one thing they served, the gender, is filled in where it was
-- missing (the 17th digit is odd for men), then every stored number is cleared.
UPDATE "Person" SET "gender" = CASE WHEN CAST(SUBSTR("idNumber", 17, 1) AS INTEGER) % 2 = 1 THEN 'male' ELSE 'female' END
WHERE "gender" IS NULL AND "idNumber" IS NOT NULL AND LENGTH("idNumber") = 18;
UPDATE "Person" SET "idNumber" = NULL WHERE "idNumber" IS NOT NULL;
