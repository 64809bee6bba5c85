// The gallery: upload by drag-and-drop or file picker (a progress bar per file), and the
// user's images newest first as small on-the-fly thumbnails, a page at a time.

import { api, describeError } from "../api.js";
import { clear, formatBytes, h, sleep, timeElement, uid } from "../dom.js";
import { THUMBNAIL, contentUrl, showPicture } from "../pictures.js";
import { toast } from "../toast.js";
import { uploadFile } from "../upload.js";

const PAGE_SIZE = 24;
const PARALLEL_UPLOADS = 3;
const PHASES = { preparing: "Preparing…", uploading: "Uploading", checking: "Checking the image…" };

export async function renderGallery(main, { query, signal, settings }) {
  const page = Math.max(1, Number.parseInt(query.get("page") ?? "1", 10) || 1);
  const inputId = uid("files");
  const input = h("input", { type: "file", id: inputId, multiple: true, accept: "image/*", class: "visually-hidden" });
  const dropzone = h("section", { class: "dropzone", "aria-labelledby": `${inputId}-title` },
    h("h2", { id: `${inputId}-title`, class: "visually-hidden", text: "Upload" }),
    h("p", { class: "dropzone-text" }, h("strong", { text: "Drop images here" }), " or "),
    input,
    h("label", { for: inputId, class: "button button-primary", text: "Choose files" }),
    h("p", { class: "hint", text: `JPEG, PNG, WebP, AVIF, GIF, TIFF or HEIF. Files from ${formatBytes(settings.directUploadMinBytes)} go straight to storage.` }),
  );
  const uploads = h("ul", { class: "uploads", "aria-label": "Uploads" });
  const grid = h("ul", { class: "grid", "aria-label": "Your images" });
  const pager = h("nav", { class: "pager", "aria-label": "Pages" });
  const summary = h("p", { class: "hint", role: "status" });

  main.append(
    h("div", { class: "page-head" }, h("h1", { tabindex: -1, text: "Gallery" }), summary),
    dropzone, uploads,
    h("h2", { class: "visually-hidden", text: "Your images" }),
    grid, pager,
  );

  input.addEventListener("change", () => {
    enqueue([...input.files]);
    input.value = "";
  });
  for (const type of ["dragenter", "dragover"]) {
    dropzone.addEventListener(type, (event) => {
      if (!event.dataTransfer?.types?.includes("Files")) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
      dropzone.classList.add("dragging");
    });
  }
  dropzone.addEventListener("dragleave", (event) => {
    if (!dropzone.contains(event.relatedTarget)) dropzone.classList.remove("dragging");
  });
  dropzone.addEventListener("drop", (event) => {
    event.preventDefault();
    dropzone.classList.remove("dragging");
    enqueue([...(event.dataTransfer?.files ?? [])]);
  });

  // Files may be chosen before the first page of images has arrived.
  const queue = [];
  let active = 0;
  await loadPage();

  async function loadPage() {
    const result = await api("GET", `/images?page=${page}&limit=${PAGE_SIZE}`, { signal });
    clear(grid);
    if (!result.items.length) {
      grid.append(h("li", { class: "empty" },
        page > 1 ? "This page is empty. " : "No images yet. Upload your first one above.",
        page > 1 ? h("a", { href: "#/", text: "Back to the first page" }) : null));
    }
    for (const image of result.items) grid.append(tile(image));
    summary.textContent = result.total === 1 ? "1 image" : `${result.total} images`;
    renderPager(result);
  }

  function tile(image) {
    const name = image.filename || "Untitled image";
    const img = h("img", { alt: "", width: THUMBNAIL.w, height: THUMBNAIL.h, class: "thumb", decoding: "async" });
    const element = h("li", { class: "tile", dataset: { id: image.id } },
      h("a", { href: `#/images/${image.id}`, class: "tile-link" },
        h("span", { class: "thumb-frame" }, img),
        h("span", { class: "tile-name", text: name, title: name }),
        h("span", { class: "tile-meta" },
          `${formatBytes(image.size_bytes)} · ${image.width} × ${image.height}`, h("br"), timeElement(image.created_at))));
    showPicture(img, contentUrl(image.id, THUMBNAIL), { signal });
    return element;
  }

  function renderPager(result) {
    clear(pager);
    if (result.pages <= 1) return;
    const link = (target, text, rel) => (target >= 1 && target <= result.pages
      ? h("a", { class: "button", href: `#/?page=${target}`, rel, text })
      : h("span", { class: "button", "aria-disabled": "true", text }));
    pager.append(link(page - 1, "← Newer", "prev"), h("span", { class: "pager-label", text: `Page ${page} of ${result.pages}` }), link(page + 1, "Older →", "next"));
  }

  // Uploads ----------------------------------------------------------------------------------

  function enqueue(files) {
    for (const file of files) {
      const item = uploadItem(file);
      uploads.prepend(item.element);
      queue.push(item);
    }
    pump();
  }

  function pump() {
    while (active < PARALLEL_UPLOADS && queue.length) {
      const item = queue.shift();
      active += 1;
      run(item).finally(() => {
        active -= 1;
        pump();
      });
    }
  }

  async function run(item) {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const image = await uploadFile(item.file, { directMinBytes: settings.directUploadMinBytes, report: item.report });
        item.done(image);
        if (page === 1 && !signal.aborted) {
          grid.querySelector(".empty")?.remove();
          grid.prepend(tile(image));
          const count = Number.parseInt(summary.textContent, 10) + 1 || 1;
          summary.textContent = count === 1 ? "1 image" : `${count} images`;
        }
        return;
      } catch (error) {
        if (error?.status === 429 && attempt < 2) {
          const wait = error.retryAfter ?? 5;
          item.waiting(wait);
          await sleep(wait * 1000);
          continue;
        }
        item.failed(describeError(error));
        return;
      }
    }
  }

  function uploadItem(file) {
    const progress = h("progress", { max: 100, value: 0, "aria-label": `Upload of ${file.name}` });
    const state = h("span", { class: "upload-state", text: "Waiting…" });
    const element = h("li", { class: "upload", dataset: { state: "waiting" } },
      h("div", { class: "upload-head" },
        h("span", { class: "upload-name", text: file.name, title: file.name }),
        h("span", { class: "upload-size", text: formatBytes(file.size) })),
      progress, state);
    return {
      file,
      element,
      report(phase, fraction) {
        element.dataset.state = phase;
        progress.value = Math.round(fraction * 100);
        state.textContent = phase === "uploading" ? `${PHASES.uploading} ${progress.value}%` : PHASES[phase];
      },
      waiting(seconds) {
        element.dataset.state = "waiting";
        state.textContent = `Too many uploads at once; retrying in ${seconds} s…`;
      },
      done(image) {
        element.dataset.state = "done";
        progress.value = 100;
        state.textContent = "Uploaded. ";
        state.append(h("a", { href: `#/images/${image.id}`, text: "Open" }));
        setTimeout(() => element.remove(), 8000);
      },
      failed(message) {
        element.dataset.state = "failed";
        progress.remove();
        state.textContent = `Refused: ${message}`;
        state.setAttribute("role", "alert");
        toast(`${file.name} was not uploaded.`, "error");
      },
    };
  }
}
