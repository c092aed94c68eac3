import { ReminderSweep } from "../app/.server/reminders/scheduler";

// One whole pass of the reminder scheduler over DATABASE_URL, a batch (500 people) per call as the
// runner's time budget slices it; run as its own process by the `reminders` scenario (as a second
// server process would run it), so the app's database is the one given here. Prints the figures as JSON.

const sweep = new ReminderSweep();
const batches: number[] = [];
let people = 0;
for (;;) {
  const t0 = performance.now();
  // A budget of 0: one batch per call, each call a tick of the runner.
  const pass = await sweep.run(0);
  batches.push(performance.now() - t0);
  people += pass.people;
  if (pass.finished) break;
}
console.log(JSON.stringify({ people, batches }));
