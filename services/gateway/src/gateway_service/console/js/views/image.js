// One image: the original and its metadata, its variants with live status, the builder,
// sharing and deletion.

import { api, describeError } from "../api.js";
import { renderBuilder } from "../builder.js";
import { clear, formatBytes, h, timeElement, uid } from "../dom.js";
import { humanize } from "../fields.js";
import { onLiveMessage, transformationUpdate } from "../live.js";
import { PREVIEW, contentUrl, resultUrl, showPicture } from "../pictures.js";
import { renderShare } from "../share.js";
import { toast } from "../toast.js";

const RANK = { pending: 0, processing: 1, succeeded: 2, failed: 2 };
const STATUS_LABEL = { pending: "Pending", processing: "Processing", succeeded: "Succeeded", failed: "Failed" };

export function describeSpec(spec) {
  const operations = (spec?.operations ?? []).map((operation) => {
    const { op, ...rest } = operation;
    if (op === "resize") return `resize ${rest.width ?? "auto"}×${rest.height ?? "auto"}`;
    const style = rest.style ? ` (${rest.style})` : "";
    return `${humanize(op).toLowerCase()}${style}`;
  });
  const format = spec?.output?.format;
  return `${operations.join(" → ") || "re-encode"}${format ? ` · ${format.toUpperCase()}` : ""}`;
}

export async function renderImage(main, { args: [imageId], signal, navigate }) {
  let image = await api("GET", `/images/${imageId}`, { signal });
  const transformations = new Map();
  for (const t of image.transformations ?? []) transformations.set(t.id, t);
  const name = image.filename || "Untitled image";

  const variantList = h("ul", { class: "variants", "aria-live": "polite" });
  const resultFigure = h("figure", { class: "result", hidden: true });
  const preview = h("img", { class: "preview", alt: `Preview of ${name}`, width: image.width, height: image.height });
  const builderHost = h("div", { class: "panel builder-panel" }, h("p", { class: "hint", text: "Loading the operations…" }));
  const shareHost = h("div");
  const dialog = deleteDialog(name, async () => {
    await api("DELETE", `/images/${imageId}`);
    toast(`Deleted “${name}”.`);
    navigate("/");
  });

  main.append(
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" },
      h("a", { href: "#/", text: "Gallery" }), h("span", { "aria-hidden": "true", text: " / " }),
      h("span", { "aria-current": "page", text: name })),
    h("div", { class: "page-head" },
      h("h1", { tabindex: -1, text: name }),
      h("div", { class: "actions" },
        h("a", { class: "button", href: image.url ?? contentUrl(imageId), download: name, text: "Download original" }),
        h("button", { type: "button", class: "button button-danger", text: "Delete…", onclick: () => dialog.open() }),
      )),
    h("div", { class: "image-layout" },
      h("section", { class: "panel original", "aria-labelledby": "original-title" },
        h("h2", { id: "original-title", text: "Original" }),
        h("figure", {}, preview, h("figcaption", {},
          "A 1200 px WebP preview. ",
          h("a", { href: image.url ?? contentUrl(imageId), target: "_blank", rel: "noopener", text: "Open the original" }))),
        metadata(image),
        shareHost),
      h("section", { class: "panel", "aria-labelledby": "variants-title" },
        h("h2", { id: "variants-title", text: "Variants" }),
        variantList,
        resultFigure),
      builderHost),
    dialog.element,
  );

  showPicture(preview, contentUrl(imageId, PREVIEW), { signal });
  renderVariants();
  renderShare(shareHost, { imageId, signal }).catch((error) => {
    if (error?.name !== "AbortError") shareHost.append(h("p", { class: "hint", text: error.message }));
  });
  // Operations that name another image (a watermark) choose among the user's own.
  const ownImages = await api("GET", "/images?limit=100", { signal }).then((page) => page.items, () => []);
  const choicesFor = (field, schema) => (schema.format === "uuid" && /image/.test(field)
    ? ownImages.map((own) => ({ value: own.id, label: `${own.filename || own.id} (${own.width} × ${own.height})` }))
    : null);
  renderBuilder(builderHost, {
    imageId,
    signal,
    choicesFor,
    onRequested(transformation) {
      merge(transformation, true);
      renderVariants();
    },
  }).catch((error) => {
    if (error?.name === "AbortError") return;
    clear(builderHost).append(h("p", { class: "notice notice-error", role: "alert", text: `The builder could not load: ${describeError(error)}` }));
  });

  // Updates for transformations this page has not seen yet wait here until a refresh brings
  // them (then they are applied again: the refresh may have been answered before they happened).
  const early = new Map();
  let refreshing = null;
  let refreshAgain = false;
  const stopListening = onLiveMessage((message) => {
    if (message.type === "reconnected") {
      refresh();
      return;
    }
    const update = transformationUpdate(message);
    if (!update || update.image_id !== imageId) return;
    if (!transformations.has(update.id)) {
      early.set(update.id, { ...early.get(update.id), ...update });
      refresh(); // requested elsewhere (another tab, the API, a thumbnail): fetch it whole
      return;
    }
    apply(update);
  });
  signal.addEventListener("abort", stopListening, { once: true });

  function apply(update) {
    const before = transformations.get(update.id)?.status;
    if (!merge(update)) return;
    renderVariants();
    const after = transformations.get(update.id);
    if (before === after.status) return;
    if (after.status === "succeeded") toast(`Variant ready: ${describeSpec(after.spec)}.`, "success");
    if (after.status === "failed") toast(`Variant failed: ${after.error?.message ?? "unknown reason"}.`, "error");
  }

  function refresh() {
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = api("GET", `/images/${imageId}`, { signal })
      .then((fresh) => {
        image = fresh;
        for (const t of fresh.transformations ?? []) merge(t);
        for (const [id, update] of early) {
          if (transformations.has(id)) {
            early.delete(id);
            merge(update);
          }
        }
        renderVariants();
      })
      .catch(() => {})
      .finally(() => {
        refreshing = null;
        if (refreshAgain) {
          refreshAgain = false;
          refresh();
        }
      });
  }

  /** Apply a status update; statuses never go backwards (events may arrive late or twice),
   * except by the answer to a new request (a failed transformation requested again restarts). */
  function merge(update, restart = false) {
    const known = transformations.get(update.id);
    if (!known) {
      if (update.spec) transformations.set(update.id, update);
      return Boolean(update.spec);
    }
    if (!restart && RANK[update.status] < RANK[known.status]) return false;
    const defined = Object.entries(update).filter(([, value]) => value !== undefined);
    transformations.set(update.id, { ...known, ...Object.fromEntries(defined) });
    return true;
  }

  function renderVariants() {
    const items = [...transformations.values()].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
    clear(variantList);
    if (!items.length) {
      variantList.append(h("li", { class: "hint", text: "No variants yet. Build one below." }));
      return;
    }
    for (const t of items) variantList.append(variantRow(t));
  }

  function variantRow(t) {
    const summary = describeSpec(t.spec);
    const row = h("li", { class: "variant", dataset: { id: t.id, status: t.status } },
      h("div", { class: "variant-main" },
        h("span", { class: `badge badge-${t.status}`, text: STATUS_LABEL[t.status] ?? t.status }),
        h("span", { class: "variant-spec", text: summary })),
      t.result ? h("p", { class: "variant-result", text: `${t.result.format.toUpperCase()} · ${t.result.width} × ${t.result.height} px · ${formatBytes(t.result.bytes)}` }) : null,
      t.status === "failed" ? h("p", { class: "variant-error", text: `Failed: ${t.error?.message ?? t.error?.code ?? "unknown reason"}` }) : null,
    );
    if (t.status === "succeeded") {
      row.append(h("div", { class: "variant-actions" },
        h("button", { type: "button", class: "button button-small", text: "Preview", "aria-label": `Preview the result: ${summary}`, onclick: () => showResult(t) }),
        h("a", { class: "button button-small", href: resultUrl(t), download: `${name.replace(/\.[^.]+$/, "")}-variant.${t.result?.format ?? "img"}`, text: "Download", "aria-label": `Download the result: ${summary}` }),
      ));
    }
    return row;
  }

  function showResult(t) {
    const img = h("img", { class: "result-image", alt: `Result: ${describeSpec(t.spec)}` });
    const caption = h("figcaption", { text: "Loading the result…" });
    clear(resultFigure).append(h("h3", { text: "Result" }), img, caption);
    resultFigure.hidden = false;
    showPicture(img, resultUrl(t), {
      signal,
      onLoaded: () => {
        caption.textContent = `Natural size ${img.naturalWidth} × ${img.naturalHeight} px · ${describeSpec(t.spec)}`;
      },
    });
    resultFigure.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
}

// What the upload showed about itself (absent for images uploaded before insight existed).
function insightRows(insight) {
  if (!insight) return [];
  const rows = [];
  if (insight.camera) rows.push(["Camera", insight.camera]);
  if (insight.lens) rows.push(["Lens", insight.lens]);
  if (insight.taken_at) rows.push(["Taken", insight.taken_at]);
  if (insight.gps) rows.push(["Location (only you see it)", `${insight.gps.latitude}, ${insight.gps.longitude}`]);
  if (insight.frames > 1) rows.push(["Frames", String(insight.frames)]);
  if (insight.icc_description) rows.push(["Colour profile", insight.icc_description]);
  if (insight.palette?.length) rows.push(["Colours", insight.palette.map((colour) => colour.hex).join(" ")]);
  return rows;
}

function metadata(image) {
  const rows = [
    ["Format", image.format?.toUpperCase()],
    ["Dimensions", `${image.width} × ${image.height} px`],
    ["Size", formatBytes(image.size_bytes)],
    ["Uploaded", timeElement(image.created_at)],
    ["Type", image.content_type],
    ["SHA-256", h("code", { class: "wrap", text: image.checksum_sha256 })],
    ["ID", h("code", { class: "wrap", text: image.id })],
    ...insightRows(image.insight),
  ];
  return h("dl", { class: "meta" }, rows.map(([term, value]) => [h("dt", { text: term }), h("dd", {}, value)]));
}

function deleteDialog(name, onConfirm) {
  const titleId = uid("dialog-title");
  const errorBox = h("p", { class: "notice notice-error", role: "alert", hidden: true });
  const confirm = h("button", { type: "button", class: "button button-danger", text: "Delete image" });
  const cancel = h("button", { type: "button", class: "button", text: "Cancel" });
  const element = h("dialog", { class: "dialog", "aria-labelledby": titleId },
    h("h2", { id: titleId, text: `Delete “${name}”?` }),
    h("p", { text: "The original and all its variants are removed for good. This cannot be undone." }),
    errorBox,
    h("div", { class: "actions" }, cancel, confirm));
  cancel.addEventListener("click", () => element.close());
  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    errorBox.hidden = true;
    try {
      await onConfirm();
      element.close();
    } catch (error) {
      errorBox.textContent = describeError(error);
      errorBox.hidden = false;
    } finally {
      confirm.disabled = false;
    }
  });
  return {
    element,
    open() {
      errorBox.hidden = true;
      element.showModal();
      cancel.focus();
    },
  };
}
