import { type AdmissionCheck, activistTimeWarning, statusStartedBefore } from "~/lib/requirements";
import { admissionCheckFor, personFacts } from "./requirements";
import { packInForce } from "./rule-packs";

// The pipeline gates of the pack in force, checked before a status change is recorded:
// 发展对象 → 预备党员 is refused until the training hours are in the ledger (an admin may record it
// anyway with a written reason); 入党积极分子 → 发展对象 only warns when the time as activist is short.

export type GateResult = { refusal: AdmissionCheck | null; warnings: string[] };

export async function checkStatusGates(personId: number, fromStatus: string, toStatus: string, effectiveOn: Date): Promise<GateResult> {
  if (fromStatus === "target" && toStatus === "probationary") {
    const rules = await packInForce();
    const check = await admissionCheckFor(personId, await personFacts(personId), rules, effectiveOn);
    return { refusal: check.ok ? null : check, warnings: [] };
  }
  if (fromStatus === "activist" && toStatus === "target") {
    const [rules, facts] = await Promise.all([packInForce(), personFacts(personId)]);
    const warning = activistTimeWarning(rules.pack, statusStartedBefore(facts, "activist", effectiveOn), effectiveOn);
    return { refusal: null, warnings: warning ? [warning] : [] };
  }
  return { refusal: null, warnings: [] };
}

/** For a person page: a development target's training hours against the admission gate, as of today. */
export async function admissionProgress(personId: number, today: Date): Promise<AdmissionCheck> {
  const [rules, facts] = await Promise.all([packInForce(), personFacts(personId)]);
  return admissionCheckFor(personId, facts, rules, today);
}
