// A port free on 127.0.0.1 right now: scripts/lib/free-port.ts, which `npm run start:cluster` uses too.
export { freePort } from "../../scripts/lib/free-port";
