import fs from "node:fs";
import path from "node:path";
import { migrate } from "./lib/migrate";

// Stands in for `prisma migrate reset` (which fails offline): delete the database, deploy again.
// The next `npm start` seeds the demo university into it.
process.env.DATABASE_URL ??= "file:./data/app.db";
const dbFile = path.resolve(process.env.DATABASE_URL.replace(/^file:/, ""));
for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(dbFile + suffix, { force: true });
migrate(dbFile);
console.info(`reset ${path.relative(process.cwd(), dbFile)}`);
