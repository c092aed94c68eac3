import fs from "node:fs";
import path from "node:path";
import { AppError, isAppError } from "~/lib/app-error";
import { type PipelinePack, parsePipelinePack } from "~/lib/pipeline/pack";
import { parseSettingsYaml } from "../content/settings-yaml";
import { env } from "../env";

// The pipeline packs under content/pipeline-packs (PIPELINE_PACKS_DIR), read once (they change with a release, not at run
// time) as data only: core-schema YAML, unknown tags refused, aliases and length capped (the settings
// reader the course files use), then checked by app/lib/pipeline/pack.ts. The shipped cpc-2014 is the
// pack in force; a revision of the 细则 is a new pack with a new id, and every recorded step keeps the
// id and version of the pack it was checked against.

export const DEFAULT_PIPELINE_PACK = "cpc-2014";
/** A pack is a few hundred lines; this only keeps a runaway file from stalling the start. */
const MAX_PACK_CHARS = 200_000;

type Loaded = { packs: Map<string, PipelinePack>; errors: string[] };
let cache: Loaded | null = null;

export function loadPipelinePacks(dir: string = env.pipelinePacksDir): Loaded {
  const packs = new Map<string, PipelinePack>();
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
      data = parseSettingsYaml(fs.readFileSync(path.join(dir, file), "utf8"), { maxChars: MAX_PACK_CHARS, what: "档案规则包" });
    } catch (e) {
      if (!isAppError(e)) throw e;
      errors.push(`${file}：${e.message}`);
      continue;
    }
    const result = parsePipelinePack(data, file);
    if (result.ok) packs.set(result.pack.id, result.pack);
    else errors.push(...result.errors);
  }
  if (!packs.has(DEFAULT_PIPELINE_PACK)) {
    throw new AppError("invalid", [`默认档案规则包 ${DEFAULT_PIPELINE_PACK} 缺失或有误（${dir}）`, ...errors].join("\n"));
  }
  return { packs, errors };
}

/** The pack in force. */
export function pipelinePack(): PipelinePack {
  cache ??= loadPipelinePacks();
  return cache.packs.get(DEFAULT_PIPELINE_PACK)!;
}
