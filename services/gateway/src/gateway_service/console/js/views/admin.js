// Administration (admin role): every user, everyone's images, the storage bucket's objects.

import { api, describeError } from "../api.js";
import { append, clear, formatBytes, h, timeElement } from "../dom.js";
import { isAdmin } from "../session.js";

const PAGE = 20;

function table(caption, columns, rows) {
  // Focusable, so a table wider than a phone scrolls sideways by keyboard too.
  return h("div", { class: "table-wrap", tabindex: 0, role: "region", "aria-label": `${caption} (table)` },
    h("table", {},
      h("caption", { class: "visually-hidden", text: caption }),
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", text: c })))),
      h("tbody", {}, rows.length
        ? rows.map((cells) => h("tr", {}, cells.map((cell) => h("td", {}, cell))))
        : h("tr", {}, h("td", { colspan: columns.length, class: "hint", text: "Nothing here." })))));
}

function section(id, title, load) {
  const body = h("div", {}, h("p", { class: "hint", text: "Loading…" }));
  const element = h("section", { class: "panel", "aria-labelledby": id }, h("h2", { id, text: title }), body);
  const show = async (...args) => {
    try {
      append(clear(body), await load(...args, show));
    } catch (error) {
      if (error?.name === "AbortError") return;
      clear(body).append(h("p", { class: "notice notice-error", role: "alert", text: describeError(error) }));
    }
  };
  return { element, show };
}

function pager(page, pages, go) {
  if (pages <= 1) return null;
  return h("div", { class: "pager" },
    h("button", { type: "button", class: "button button-small", text: "← Previous", disabled: page <= 1, onclick: () => go(page - 1) }),
    h("span", { class: "pager-label", text: `Page ${page} of ${pages}` }),
    h("button", { type: "button", class: "button button-small", text: "Next →", disabled: page >= pages, onclick: () => go(page + 1) }));
}

export async function renderAdmin(main, { signal }) {
  main.append(h("h1", { tabindex: -1, text: "Administration" }));
  if (!isAdmin()) {
    main.append(h("p", { class: "notice notice-error", role: "alert", text: "This page is for administrators. Your account cannot see it." }),
      h("p", {}, h("a", { href: "#/", text: "Back to your gallery" })));
    return;
  }

  const users = section("admin-users", "Users", async (page = 1, show) => {
    const result = await api("GET", `/auth/users?page=${page}&limit=${PAGE}`, { signal });
    return [
      h("p", { class: "hint", text: `${result.total} accounts` }),
      table("Users", ["Username", "Email", "Role", "Active", "Created", "Last sign-in"], result.items.map((u) => [
        u.username, u.email, u.role, u.is_active ? "yes" : "no", timeElement(u.created_at), u.last_login ? timeElement(u.last_login) : "never",
      ])),
      pager(page, Math.ceil(result.total / PAGE), (p) => show(p)),
    ];
  });

  const images = section("admin-images", "Everyone's images", async (page = 1, show) => {
    const result = await api("GET", `/admin/images?page=${page}&limit=${PAGE}`, { signal });
    return [
      h("p", { class: "hint", text: `${result.total} images` }),
      table("Everyone's images", ["Name", "Owner", "Format", "Size", "Dimensions", "Uploaded"], result.items.map((i) => [
        i.filename || "untitled", h("code", { text: i.owner_id }), i.format, formatBytes(i.size_bytes), `${i.width} × ${i.height}`, timeElement(i.created_at),
      ])),
      pager(page, result.pages, (p) => show(p)),
    ];
  });

  const objects = [];
  const storage = section("admin-storage", "Storage objects", async (cursor = null, show) => {
    const query = new URLSearchParams({ limit: "100" });
    if (cursor) query.set("cursor", cursor);
    const result = await api("GET", `/admin/storage/objects?${query}`, { signal });
    if (!cursor) objects.length = 0;
    objects.push(...result.items);
    const total = objects.reduce((sum, o) => sum + o.size, 0);
    return [
      h("p", { class: "hint", text: `${objects.length} objects shown, ${formatBytes(total)}` }),
      table("Storage objects", ["Key", "Size", "Modified"], objects.map((o) => [
        h("code", { class: "wrap", text: o.key }), formatBytes(o.size), o.last_modified ? timeElement(o.last_modified) : "",
      ])),
      result.next_cursor
        ? h("button", { type: "button", class: "button button-small", text: "Load more", onclick: () => show(result.next_cursor) })
        : null,
    ];
  });

  main.append(users.element, images.element, storage.element);
  await Promise.all([users.show(1), images.show(1), storage.show(null)]);
}
