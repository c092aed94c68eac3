import { createContext, useContext } from "react";

// The per-request CSP nonce, given to <Scripts> and any inline script during server rendering.
const NonceContext = createContext("");
export const NonceProvider = NonceContext.Provider;
export function useNonce() {
  return useContext(NonceContext);
}
