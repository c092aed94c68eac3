import { describe, expect, it } from "vitest";
import { parseCasResponse } from "~/.server/auth/sso/cas";

const NS = 'xmlns:cas="http://www.yale.edu/tp/cas"';

describe("reading a CAS serviceValidate response", () => {
  it("reads the user and the CAS 3.0 attributes, several values of one attribute included", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<cas:serviceResponse ${NS}>
  <cas:authenticationSuccess>
    <cas:user> zhangsan </cas:user>
    <cas:attributes>
      <cas:studentNumber>2024100001</cas:studentNumber>
      <cas:memberOf>students</cas:memberOf>
      <cas:memberOf>party</cas:memberOf>
    </cas:attributes>
  </cas:authenticationSuccess>
</cas:serviceResponse>`;
    expect(parseCasResponse(xml)).toEqual({ ok: true, user: "zhangsan", attributes: { studentNumber: ["2024100001"], memberOf: ["students", "party"] } });
  });

  it("goes by the namespace, not the prefix a server happens to use", () => {
    const xml = `<sso:serviceResponse xmlns:sso="http://www.yale.edu/tp/cas"><sso:authenticationSuccess><sso:user>2024100001</sso:user></sso:authenticationSuccess></sso:serviceResponse>`;
    expect(parseCasResponse(xml)).toMatchObject({ ok: true, user: "2024100001" });
  });

  it("reports the failure code", () => {
    const xml = `<cas:serviceResponse ${NS}><cas:authenticationFailure code="INVALID_TICKET">Ticket ST-1 not recognized</cas:authenticationFailure></cas:serviceResponse>`;
    expect(parseCasResponse(xml)).toEqual({ ok: false, kind: "rejected", code: "INVALID_TICKET" });
  });

  it.each([
    [
      "a document type with an entity",
      `<!DOCTYPE r [<!ENTITY u "2024100001">]><cas:serviceResponse ${NS}><cas:authenticationSuccess><cas:user>&u;</cas:user></cas:authenticationSuccess></cas:serviceResponse>`,
    ],
    ["no CAS namespace", `<serviceResponse><authenticationSuccess><user>2024100001</user></authenticationSuccess></serviceResponse>`],
    ["XML that is not well formed", `<cas:serviceResponse ${NS}><cas:authenticationSuccess><cas:user>2024100001</cas:user>`],
    [
      "two users",
      `<cas:serviceResponse ${NS}><cas:authenticationSuccess><cas:user>a</cas:user><cas:user>b</cas:user></cas:authenticationSuccess></cas:serviceResponse>`,
    ],
    [
      "success and failure at once",
      `<cas:serviceResponse ${NS}><cas:authenticationSuccess><cas:user>a</cas:user></cas:authenticationSuccess><cas:authenticationFailure code="X"/></cas:serviceResponse>`,
    ],
    ["an empty user", `<cas:serviceResponse ${NS}><cas:authenticationSuccess><cas:user> </cas:user></cas:authenticationSuccess></cas:serviceResponse>`],
    ["an HTML error page", `<html><body>502 Bad Gateway</body></html>`],
  ])("refuses %s", (_name, xml) => {
    expect(parseCasResponse(xml)).toMatchObject({ ok: false, kind: "malformed" });
  });
});
