// Who is signed in. The token lives only in the HttpOnly cookie; the console never sees it.

import { api, refreshSession } from "./api.js";

export const session = { user: null };
// Set while this browser has signed in and not out: then an expired access cookie is worth a
// refresh (the refresh cookie is sent to /auth/refresh only, so the gateway cannot tell).
const HAD_SESSION = "console.signed-in";

/** The signed-in user, or null; asks the gateway first so a signed-out visit is not a 401. */
export async function loadSession() {
  let { signed_in: signedIn } = await api("GET", "/console/session");
  if (!signedIn && localStorage.getItem(HAD_SESSION)) {
    signedIn = await refreshSession();
    if (!signedIn) localStorage.removeItem(HAD_SESSION);
  }
  session.user = signedIn ? await api("GET", "/auth/me").catch(() => null) : null;
  return session.user;
}

export async function signIn(username, password, rememberMe) {
  await api("POST", "/auth/login", { json: { username, password, remember_me: rememberMe } });
  session.user = await api("GET", "/auth/me");
  localStorage.setItem(HAD_SESSION, "1");
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
    localStorage.removeItem(HAD_SESSION);
  }
}

export const isAdmin = () => session.user?.role === "admin";
