// Pictures fetched with the cookie and shown from object URLs: on-the-fly variants may answer
// 202 (still being made, see Retry-After) before their bytes exist, which an <img src> cannot wait for.

import { errorFrom } from "./api.js";
import { sleep } from "./dom.js";

export const THUMBNAIL = { w: 320, h: 320, fit: "cover", format: "webp" };
export const PREVIEW = { w: 1200, format: "webp" };
const MAX_WAITS = 30;

export function contentUrl(imageId, variant = null) {
  const query = variant ? `?${new URLSearchParams(variant)}` : "";
  return `/images/${encodeURIComponent(imageId)}/content${query}`;
}

export function resultUrl(transformation) {
  return transformation.links?.content
    ?? `/images/${transformation.image_id}/transformations/${transformation.id}/content`;
}

// At most a few downloads at once, so a page of thumbnails does not queue every render at once.
const CONCURRENCY = 4;
let running = 0;
const waiting = [];
async function slot() {
  if (running < CONCURRENCY) {
    running += 1;
    return;
  }
  await new Promise((resolve) => waiting.push(resolve));
  running += 1;
}
function release() {
  running -= 1;
  waiting.shift()?.();
}

/** An object URL for the image at `url` (the caller revokes it), waiting out 202 answers. */
export async function fetchPicture(url, signal) {
  await slot();
  try {
    for (let attempt = 0; attempt < MAX_WAITS; attempt += 1) {
      const response = await fetch(url, { credentials: "same-origin", signal });
      if (response.status === 202) {
        const seconds = Number.parseFloat(response.headers.get("retry-after") ?? "1") || 1;
        await response.body?.cancel();
        await sleep(Math.min(seconds, 5) * 1000, signal);
        continue;
      }
      if (!response.ok) {
        throw errorFrom(response.status, await response.text(), Object.fromEntries(response.headers));
      }
      return URL.createObjectURL(await response.blob());
    }
    throw new Error("The picture is taking too long to make; reload to try again.");
  } finally {
    release();
  }
}

/** Fill `img` with the picture at `url`; a failure leaves it with `data-state="failed"`. */
export function showPicture(img, url, { signal, onLoaded } = {}) {
  img.dataset.state = "loading";
  fetchPicture(url, signal).then(
    (objectUrl) => {
      img.addEventListener("load", () => {
        img.dataset.state = "loaded";
        onLoaded?.(img);
      }, { once: true });
      img.src = objectUrl;
      signal?.addEventListener("abort", () => URL.revokeObjectURL(objectUrl), { once: true });
    },
    (error) => {
      if (error?.name === "AbortError") return;
      img.dataset.state = "failed";
      img.title = error.message;
    },
  );
}
