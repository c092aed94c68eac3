import writeXlsxFile, { type SheetData } from "write-excel-file/node";
import { formatActivationCode } from "~/lib/activation-code";
import { formatChinaDateTime } from "~/lib/dates";
import { maskPersonNumber } from "~/lib/mask";
import { type Grant, grantsCover } from "~/lib/permissions";
import { audit } from "../audit";
import { type Download, XLSX_TYPE, headerRow } from "../http/download";
import { publicOrigin, qrDataUri } from "../http/public-link";
import { type IssuedBatch } from "./activation";

// What a batch of activation codes is handed out on: slips to print and cut (one per person, with
// a QR code of the link), or a workbook for the secretary. Both are made in the request that issued
// the codes, the only moment the codes exist in clear; each is audited as an export.

/** The link a slip's QR code opens: the code is in it, the 学号 is not. */
export function activationLink(code: string, requestUrl: string): string {
  return `${publicOrigin(requestUrl)}/activate/${code}`;
}

export type Slip = { personId: number; name: string; numberMasked: string; unitName: string; code: string; link: string; qr: string };

type Unit = { id: number; name: string };

export async function activationSlips(actorId: number, unit: Unit, batch: IssuedBatch, requestUrl: string) {
  const slips: Slip[] = [];
  for (const c of batch.codes) {
    const link = activationLink(c.code, requestUrl);
    slips.push({
      personId: c.personId,
      name: c.name,
      // The slip may be lost or photographed: the person knows their own number.
      numberMasked: maskPersonNumber(c.number),
      unitName: c.unitName,
      code: formatActivationCode(c.code),
      link,
      qr: await qrDataUri(link),
    });
  }
  await audit({ actorId, action: "activation.export", targetKind: "unit", targetId: unit.id, detail: { format: "print", people: slips.length } });
  return { unitName: unit.name, expiresAt: formatChinaDateTime(batch.expiresAt), slips, activateUrl: `${publicOrigin(requestUrl)}/activate` };
}

/** Numbers are whole only for a secretary who may see personal data over the person's unit, as in other exports. */
export async function activationWorkbook(actorId: number, grants: readonly Grant[], unit: Unit, batch: IssuedBatch, requestUrl: string): Promise<Download> {
  const expires = formatChinaDateTime(batch.expiresAt);
  const rows: SheetData = [
    headerRow("姓名", "学号/工号", "所在党组织", "激活码", "激活链接", "有效期至"),
    ...batch.codes.map((c) => [
      c.name,
      { value: grantsCover(grants, "people:sensitive", c.unitPath) ? c.number : maskPersonNumber(c.number), type: String, format: "@" },
      c.unitName,
      formatActivationCode(c.code),
      activationLink(c.code, requestUrl),
      expires,
    ]),
  ];
  const body = await writeXlsxFile(rows, {
    sheet: "激活码",
    columns: [{ width: 10 }, { width: 16 }, { width: 28 }, { width: 18 }, { width: 48 }, { width: 18 }],
    stickyRowsCount: 1,
  }).toBuffer();
  await audit({ actorId, action: "activation.export", targetKind: "unit", targetId: unit.id, detail: { format: "xlsx", people: batch.codes.length } });
  return { body, fileName: `${unit.name}-账号激活码.xlsx`, contentType: XLSX_TYPE };
}
