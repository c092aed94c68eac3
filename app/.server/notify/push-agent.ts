import dns from "node:dns";
import https from "node:https";
import net from "node:net";
import { type PushHostRules, explicitlyAllowed } from "~/lib/push-endpoint";

// The connection side of decision 060. The endpoint's name is checked when it is stored and again
// before each send, but a name is only a name: a push host could be made to resolve to 10.0.0.1
// (a hijacked record, DNS rebinding). So every push connection resolves through this lookup, which
// refuses loopback, private, link-local, CGNAT, ULA and other non-public addresses unless the
// operator named that exact host in PUSH_ALLOWED_HOSTS. (An IP literal is never resolved, so the
// endpoint check refuses those before a connection is tried.)

const blocked = new net.BlockList();
for (const [net4, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const)
  blocked.addSubnet(net4, prefix, "ipv4");
for (const [net6, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96], // NAT64: an IPv4 address behind it may be private
  ["fc00::", 7], // ULA
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const)
  blocked.addSubnet(net6, prefix, "ipv6");

/** Whether an address is one the server must not send a push to (IPv4-mapped IPv6 is checked as IPv4). */
export function isNonPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return blocked.check(address, "ipv4");
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    return mapped ? blocked.check(mapped[1], "ipv4") : blocked.check(address, "ipv6");
  }
  return true;
}

/** The refusal a push send records (it lands in the delivery's lastError). */
export class PushAddressRefused extends Error {
  constructor(host: string) {
    super(`推送服务 ${host} 解析到内网或本机地址，已拒绝连接`);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** A `lookup` for net/tls that resolves as usual, then refuses non-public addresses for hosts not named exactly. */
export function guardedLookup(rules: PushHostRules) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (!explicitlyAllowed(hostname, rules) && addresses.some((a) => isNonPublicAddress(a.address))) return callback(new PushAddressRefused(hostname), []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} 无法解析`), { code: "ENOTFOUND" }), []);
      callback(null, first.address, first.family);
    });
  };
}

/** The agent every push request goes through; `ca` lets a test trust its own push service. */
export function pushAgent(rules: PushHostRules, ca?: Buffer): https.Agent {
  return new https.Agent({ lookup: guardedLookup(rules) as unknown as net.LookupFunction, ...(ca ? { ca } : {}) });
}
