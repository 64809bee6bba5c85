// "Copy link": a signed public delivery URL from POST /images/{id}/delivery-url, whose fields
// come from the API's schema. Servers without signed delivery say so instead of offering it.

import { api, describeError } from "./api.js";
import { h, uid } from "./dom.js";
import { createGroup } from "./fields.js";
import { openapi, requestSchema } from "./openapi.js";

const PATH = "/images/{image_id}/delivery-url";
const UNAVAILABLE = "Shareable links are not available on this server yet (it has no signed delivery URLs).";

export async function renderShare(host, { imageId, signal }) {
  const doc = await openapi();
  const heading = h("h3", { id: uid("share-title"), text: "Share" });
  let schema = null;
  try {
    schema = await requestSchema("post", PATH);
  } catch {
    host.append(h("section", { class: "share" }, heading, h("p", { class: "hint", text: UNAVAILABLE })));
    return;
  }
  const group = createGroup(doc, schema, { path: "Link" });
  const errorBox = h("p", { class: "notice notice-error", role: "alert", hidden: true });
  const status = h("p", { class: "hint", role: "status" });
  const output = h("input", { type: "text", readonly: true, class: "share-url", id: uid("share-url"), hidden: true });
  const outputLabel = h("label", { for: output.id, text: "Shareable link", hidden: true });
  const button = h("button", { type: "submit", class: "button", text: "Copy link" });
  const form = h("form", { class: "share", novalidate: true, "aria-labelledby": heading.id },
    heading,
    h("p", { class: "hint", text: "A public URL anyone can open, signed for this image. Leave the fields empty for the original." }),
    h("details", {}, h("summary", { text: "Link options" }), group.element),
    errorBox,
    h("div", { class: "actions" }, button),
    outputLabel, output, status);
  host.append(form);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errorBox.hidden = true;
    status.textContent = "";
    const read = group.read();
    if (read.error) {
      errorBox.textContent = `${read.error}.`;
      errorBox.hidden = false;
      read.focus?.();
      return;
    }
    button.disabled = true;
    try {
      const { url, expires_at: expiresAt } = await api("POST", PATH.replace("{image_id}", imageId), { json: read.value, signal });
      const absolute = new URL(url, location.origin).href;
      output.value = absolute;
      output.hidden = false;
      outputLabel.hidden = false;
      const until = expiresAt ? ` It works until ${new Date(expiresAt).toLocaleString()}.` : "";
      try {
        await navigator.clipboard.writeText(absolute);
        status.textContent = `Link copied to the clipboard.${until}`;
      } catch {
        output.select();
        status.textContent = `Copy the link above.${until}`;
      }
    } catch (error) {
      if (error?.name === "AbortError") return;
      const missing = (error.status === 404 && error.code !== "image_not_found") || error.status === 405;
      errorBox.textContent = missing ? UNAVAILABLE : describeError(error);
      errorBox.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
}
