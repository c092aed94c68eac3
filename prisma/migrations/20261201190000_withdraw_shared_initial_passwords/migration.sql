-- Accounts imported before activation codes (decision 030) were all given the same initial password,
-- hashed once: anyone who knew it could take over a classmate's account before its owner signed in.
-- Such a password is withdrawn while it is still the shared one (it must still be changed and another
-- account holds the very same hash, salt included); the person activates with a code of their own.
-- Passwords people chose, and an admin's per-person reset, have hashes of their own and stay.
DELETE FROM "Password"
WHERE "mustChange" = true
  AND "hash" IN (SELECT "hash" FROM "Password" GROUP BY "hash" HAVING COUNT(*) > 1);
