// Who is signed in. The token lives only in the HttpOnly cookie; the console never sees it.

import { api } from "./api.js";

export const session = { user: null };

/** The signed-in user, or null; asks the gateway first so a signed-out visit is not a 401. */
export async function loadSession() {
  const { signed_in: signedIn } = await api("GET", "/console/session");
  session.user = signedIn ? await api("GET", "/auth/me").catch(() => null) : null;
  return session.user;
}

export async function signIn(username, password, rememberMe) {
  await api("POST", "/auth/login", { json: { username, password, remember_me: rememberMe } });
  session.user = await api("GET", "/auth/me");
  return session.user;
}

/** Register, then sign in: registration answers with a token but sets no cookie. */
export async function signUp(username, email, password) {
  await api("POST", "/auth/register", { json: { username, email, password } });
  return signIn(username, password, false);
}

export async function signOut() {
  try {
    await api("POST", "/auth/logout");
  } finally {
    session.user = null;
  }
}

export const isAdmin = () => session.user?.role === "admin";
