import { expect } from "vitest";
import { Client } from "./client";

/**
 * Plays the browser at the provider: follows its redirects, fills its login form and agrees on its
 * consent page, until it sends the browser back to `appUrl`. Returns the path of that callback.
 */
export async function throughProvider(issuer: string, authorizeUrl: string, appUrl: string, username: string, password: string): Promise<string> {
  const idp = new Client(issuer);
  const pathOf = (u: string) => {
    const url = new URL(u, issuer);
    expect(url.origin).toBe(issuer);
    return url.pathname + url.search;
  };
  let location = authorizeUrl;
  for (let step = 0; step < 12; step++) {
    if (location.startsWith(`${appUrl}/`)) {
      const back = new URL(location);
      return back.pathname + back.search;
    }
    let reply = await idp.get(pathOf(location));
    if (reply.status === 200) {
      const action = /<form method="post" action="([^"]+)"/.exec(reply.text)?.[1];
      expect(action, reply.text).toBeTruthy();
      reply = await idp.post(action!, reply.text.includes('name="username"') ? { username, password } : {});
    }
    expect([302, 303], reply.text).toContain(reply.status);
    location = new URL(reply.location!, issuer).toString();
  }
  throw new Error("the provider never sent the browser back");
}
