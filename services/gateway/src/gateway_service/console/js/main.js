// The console's shell: the header, the hash router and the session around every view.

import { onSignedOut } from "./api.js";
import { append, clear, h } from "./dom.js";
import { onLiveState, startLive, stopLive } from "./live.js";
import { isAdmin, loadSession, session, signOut } from "./session.js";
import { toast } from "./toast.js";
import { renderAdmin } from "./views/admin.js";
import { renderAuth } from "./views/auth.js";
import { renderGallery } from "./views/gallery.js";
import { renderImage } from "./views/image.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const settings = {
  directUploadMinBytes: Number.parseInt(document.body.dataset.directUploadMinBytes, 10) || 8 * 1024 * 1024,
};

const ROUTES = [
  { pattern: /^\/sign-in$/, view: (m, p) => renderAuth(m, p, "sign-in"), public: true, title: "Sign in" },
  { pattern: /^\/sign-up$/, view: (m, p) => renderAuth(m, p, "sign-up"), public: true, title: "Create an account" },
  { pattern: /^\/$/, view: renderGallery, title: "Gallery" },
  { pattern: /^\/images\/([0-9a-fA-F-]{36})$/, view: renderImage, title: "Image" },
  { pattern: /^\/admin$/, view: renderAdmin, title: "Administration" },
];

let current = null;
const LIVE_LABELS = { live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…", offline: "Offline" };
const live = h("span", { class: "live", title: "Live status updates" });
onLiveState((state) => {
  live.dataset.state = state;
  live.textContent = LIVE_LABELS[state];
});

export function navigate(path) {
  if (location.hash === `#${path}`) route();
  else location.hash = `#${path}`;
}

function parseHash() {
  const raw = location.hash.startsWith("#/") ? location.hash.slice(1) : "/";
  const [path, query = ""] = raw.split("?");
  return { path, query: new URLSearchParams(query) };
}

async function route() {
  const { path, query } = parseHash();
  const match = ROUTES.map((r) => ({ r, m: r.pattern.exec(path) })).find((x) => x.m);
  current?.controller.abort();
  const controller = new AbortController();
  current = { controller };
  if (!match) {
    renderNotFound();
    return;
  }
  if (!match.r.public && !session.user) {
    navigate("/sign-in");
    return;
  }
  if (match.r.public && session.user) {
    navigate("/");
    return;
  }
  renderNav(path);
  document.title = `${match.r.title} · Image platform`;
  clear(main);
  const params = { args: match.m.slice(1), query, signal: controller.signal, settings, navigate };
  try {
    await match.r.view(main, params);
  } catch (error) {
    if (error?.name === "AbortError") return;
    console.warn(error); // a view that failed to render: the page says why
    clear(main).append(h("p", { class: "notice notice-error", role: "alert", text: error.message }));
  }
  // Moving focus to the new view tells keyboard and screen-reader users the page changed.
  main.querySelector("h1")?.focus({ preventScroll: false });
}

function renderNotFound() {
  renderNav("");
  clear(main).append(
    h("h1", { tabindex: -1, text: "Page not found" }),
    h("p", {}, "Nothing lives at this address. ", h("a", { href: "#/", text: "Go to the gallery" })),
  );
}

function renderNav(path) {
  clear(nav);
  if (!session.user) return;
  const link = (href, text, active) =>
    h("a", { href: `#${href}`, text, class: "nav-link", "aria-current": active ? "page" : null });
  append(nav, [
    link("/", "Gallery", path === "/"),
    isAdmin() ? link("/admin", "Admin", path === "/admin") : null,
    h("span", { class: "nav-spacer" }),
    live,
    h("span", { class: "nav-user", text: session.user.username, title: `Signed in as ${session.user.username}` }),
    h("button", { type: "button", class: "button button-quiet", onclick: doSignOut, text: "Sign out" }),
  ]);
}

async function doSignOut() {
  stopLive();
  try {
    await signOut();
    toast("You are signed out.");
  } catch (error) {
    toast(`Signing out failed: ${error.message}`, "error");
  }
  navigate("/sign-in");
}

onSignedOut(() => {
  if (!session.user) return;
  session.user = null;
  stopLive();
  toast("Your session has ended; sign in again.", "error");
  navigate("/sign-in");
});

document.querySelector(".skip-link").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});

window.addEventListener("hashchange", route);

async function boot() {
  try {
    await loadSession();
  } catch (error) {
    toast(`The platform could not be reached: ${error.message}`, "error");
  }
  if (session.user) startLive();
  await route();
}

boot();
