import net from "node:net";

/**
 * A port free on 127.0.0.1 right now. For a server whose public address must be known before it
 * starts (PUBLIC_URL, an identity provider's registered redirect URI); everything else listens on 0.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
