import { AppError } from "~/lib/app-error";
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { type RulePack, overridableIds, parseRulePack } from "~/lib/rule-pack";
import { audit } from "../audit";
import { prisma, sqlDb } from "../db";
import { env } from "../env";
import { sql } from "../sql";

// The rule packs under content/rule-packs (RULE_PACKS_DIR; read once, cached: they change with a release, not at run
// time), the pack in force (the newest RulePackChoice naming a pack that exists, else the shipped
// default) and the school's overrides (the newest RequirementOverride per requirement; null restores).

export const DEFAULT_PACK_ID = "cpc-2019";

type Loaded = { packs: Map<string, RulePack>; errors: string[] };
let cache: Loaded | null = null;

function loadFrom(dir: string): Loaded {
  const packs = new Map<string, RulePack>();
  const errors: string[] = [];
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : [];
  for (const file of files) {
    let data: unknown;
    try {
      data = parse(fs.readFileSync(path.join(dir, file), "utf8"));
    } catch (e) {
      errors.push(`${file}：YAML 无法解析（${(e as Error).message.split("\n")[0]}）`);
      continue;
    }
    const result = parseRulePack(data, file);
    if (result.ok) packs.set(result.pack.id, result.pack);
    else errors.push(...result.errors);
  }
  if (!packs.has(DEFAULT_PACK_ID)) {
    throw new AppError("invalid", [`默认规则包 ${DEFAULT_PACK_ID} 缺失或有误（${dir}）`, ...errors].join("\n"));
  }
  return { packs, errors };
}

/** Every valid pack, and the Chinese reasons the invalid ones were left out. */
export function rulePacks(): Loaded {
  cache ??= loadFrom(env.rulePacksDir);
  return cache;
}

export type PackInForce = { pack: RulePack; overrides: Map<string, number> };

/**
 * The pack in force and its overrides: two small queries, fit to call on every page that needs them
 * (raw SQL: the home page asks it for its 学时 and development-file items).
 */
export async function packInForce(): Promise<PackInForce> {
  const { packs } = rulePacks();
  const choices = await sqlDb().all<{ pack: string }>(sql`SELECT "pack" FROM "RulePackChoice" ORDER BY "id" DESC LIMIT 20`);
  const pack = packs.get(choices.find((c) => packs.has(c.pack))?.pack ?? DEFAULT_PACK_ID)!;
  return { pack, overrides: await overridesFor(pack.id) };
}

async function overridesFor(packId: string): Promise<Map<string, number>> {
  const rows = await sqlDb().all<{ requirement: string; hours: number | null }>(
    sql`SELECT "requirement", "hours" FROM "RequirementOverride" WHERE "pack" = ${packId} ORDER BY "id" DESC`,
  );
  const overrides = new Map<string, number>();
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.requirement)) continue;
    seen.add(r.requirement);
    if (r.hours !== null) overrides.set(r.requirement, r.hours);
  }
  return overrides;
}

export async function choosePack(actorId: number, packId: string, reason: string) {
  if (!rulePacks().packs.has(packId)) throw new AppError("invalid", "所选规则包不存在");
  const current = await packInForce();
  if (current.pack.id === packId) throw new AppError("invalid", "该规则包已在执行中");
  const row = await prisma.rulePackChoice.create({ data: { pack: packId, chosenById: actorId, reason }, select: { id: true } });
  await audit({ actorId, action: "rules.choose", targetKind: "rule_pack", targetId: packId, detail: { from: current.pack.id, reason } });
  return row;
}

/** Sets (hours in hundredths) or restores (null) the school's figure for one requirement of a pack. */
export async function overrideRequirement(actorId: number, packId: string, requirementId: string, hours: number | null, reason: string) {
  const pack = rulePacks().packs.get(packId);
  if (!pack) throw new AppError("invalid", "所选规则包不存在");
  if (!overridableIds(pack).includes(requirementId)) throw new AppError("invalid", "该规则包中没有这项要求");
  const current = (await overridesFor(packId)).get(requirementId) ?? null;
  if (hours === null && current === null) throw new AppError("invalid", "这项要求未做调整，无需恢复");
  if (hours !== null && hours === current) throw new AppError("invalid", "与当前调整值相同");
  await prisma.requirementOverride.create({ data: { pack: packId, requirement: requirementId, hours, reason, createdById: actorId } });
  await audit({
    actorId,
    action: hours === null ? "rules.restore" : "rules.override",
    targetKind: "rule_pack",
    targetId: `${packId}/${requirementId}`,
    detail: { from: current, to: hours, reason },
  });
}

export async function rulesHistory() {
  const [choices, overrides] = await Promise.all([
    prisma.rulePackChoice.findMany({ select: { id: true, pack: true, reason: true, createdAt: true, chosenById: true }, orderBy: { id: "desc" }, take: 100 }),
    prisma.requirementOverride.findMany({
      select: { id: true, pack: true, requirement: true, hours: true, reason: true, createdAt: true, createdById: true },
      orderBy: { id: "desc" },
      take: 200,
    }),
  ]);
  const actorIds = [...new Set([...choices.map((c) => c.chosenById), ...overrides.map((o) => o.createdById)])];
  const names = new Map((await prisma.person.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true } })).map((p) => [p.id, p.name]));
  return {
    choices: choices.map((c) => ({ ...c, by: names.get(c.chosenById) ?? "—" })),
    overrides: overrides.map((o) => ({ ...o, by: names.get(o.createdById) ?? "—" })),
  };
}
