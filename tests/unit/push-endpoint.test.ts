import { describe, expect, it } from "vitest";
import { isNonPublicAddress } from "~/.server/notify/push-agent";
import { endpointProblem, explicitlyAllowed, pushHostRules } from "~/lib/push-endpoint";

// Decision 060: which push endpoints the server sends to, and which addresses it connects to.

const known = pushHostRules(undefined);
const token = "dGVzdC10b2tlbg";

describe("endpointProblem", () => {
  it("accepts the push services browsers use", () => {
    for (const endpoint of [
      `https://fcm.googleapis.com/fcm/send/${token}`,
      `https://updates.push.services.mozilla.com/wpush/v2/${token}`,
      `https://wns2-par02p.notify.windows.com/w/?token=${token}`,
      `https://web.push.apple.com/${token}`,
      `https://FCM.googleapis.com./fcm/send/${token}`,
    ])
      expect(endpointProblem(endpoint, known), endpoint).toBeNull();
  });

  it("refuses other schemes, hosts, ports, credentials, IP addresses and localhost", () => {
    expect(endpointProblem("http://fcm.googleapis.com/fcm/send/x", known)).toBe("推送地址必须是 https");
    expect(endpointProblem("not a url", known)).toBe("推送地址有误");
    expect(endpointProblem("https://user:pw@fcm.googleapis.com/x", known)).toBe("推送地址有误");
    for (const endpoint of [
      "https://127.0.0.1/x",
      "https://0x7f.1/x",
      "https://[::1]/x",
      "https://[::ffff:10.0.0.1]/x",
      "https://localhost/x",
      "https://a.localhost/x",
    ])
      expect(endpointProblem(endpoint, known), endpoint).toBe("推送地址不能是 IP 地址或本机地址");
    for (const endpoint of [
      "https://notify.windows.com/x",
      "https://evilfcm.googleapis.com/x",
      "https://fcm.googleapis.com.evil.cn/x",
      "https://push.apple.com.cn/x",
    ])
      expect(endpointProblem(endpoint, known), endpoint).toMatch(/不属于已知的浏览器推送服务/);
    expect(endpointProblem("https://web.push.apple.com:8443/x", known)).toBe("推送地址的端口有误");
  });

  it("takes the operator's hosts: exact names may be IPs or localhost, patterns only names", () => {
    const rules = pushHostRules(" 127.0.0.1, push.example.edu.cn  *.push.example.com ");
    expect(endpointProblem("https://127.0.0.1:8443/push/1", rules)).toBeNull();
    expect(endpointProblem("https://push.example.edu.cn:8443/x", rules)).toBeNull();
    expect(endpointProblem("https://a.push.example.com/x", rules)).toBeNull();
    expect(endpointProblem("https://127.0.0.2/x", rules)).toBe("推送地址不能是 IP 地址或本机地址");
    expect(explicitlyAllowed("push.example.edu.cn.", rules)).toBe(true);
    expect(explicitlyAllowed("a.push.example.com", rules)).toBe(false);
    expect(explicitlyAllowed("fcm.googleapis.com", rules)).toBe(false);
  });
});

describe("isNonPublicAddress", () => {
  it("refuses loopback, private, link-local, CGNAT, ULA and mapped forms of them", () => {
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "::",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
      "::ffff:a9fe:a9fe",
      "not an ip",
    ])
      expect(isNonPublicAddress(a), a).toBe(true);
  });
  it("lets public addresses through", () => {
    for (const a of ["142.250.72.10", "17.57.144.10", "2607:f8b0:4005:80a::200a", "::ffff:8.8.8.8"]) expect(isNonPublicAddress(a), a).toBe(false);
  });
});
