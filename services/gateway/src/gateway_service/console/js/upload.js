// Uploading one file with progress: through the gateway (multipart) or, for large files,
// straight to S3 with the presigned flow (POST /images/uploads, PUT, POST .../complete).

import { ApiError, api, errorFrom } from "./api.js";

// What the images service accepts by media type for a presigned upload (it sniffs the bytes
// again on completion, whatever was announced).
const DIRECT_TYPES = new Set([
  "image/jpeg", "image/png", "image/webp", "image/gif", "image/avif", "image/tiff", "image/heif",
]);
// Headers the browser sets itself and refuses to take from a script.
const BROWSER_SET = new Set(["content-length", "host", "connection"]);

function send(method, url, body, { headers = {}, onProgress, withCredentials = false, signal }) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.withCredentials = withCredentials;
    for (const [name, value] of Object.entries(headers)) {
      if (!BROWSER_SET.has(name.toLowerCase())) xhr.setRequestHeader(name, value);
    }
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress?.(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => {
      const responseHeaders = {};
      for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
        const at = line.indexOf(":");
        if (at > 0) responseHeaders[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
      }
      resolve({ status: xhr.status, text: xhr.responseText, headers: responseHeaders });
    });
    xhr.addEventListener("error", () => resolve({ status: 0, text: "", headers: {} }));
    xhr.addEventListener("abort", () => reject(new DOMException("Upload cancelled", "AbortError")));
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

async function throughGateway(file, report, signal) {
  const form = new FormData();
  form.append("file", file, file.name);
  report("uploading", 0);
  const response = await send("POST", "/images", form, {
    headers: { Accept: "application/json" },
    withCredentials: true,
    signal,
    onProgress: (fraction) => report(fraction < 1 ? "uploading" : "checking", fraction),
  });
  if (response.status !== 201) throw errorFrom(response.status, response.text, response.headers);
  return JSON.parse(response.text);
}

async function direct(file, report, signal) {
  report("preparing", 0);
  const ticket = await api("POST", "/images/uploads", {
    json: { filename: file.name, content_type: file.type, size_bytes: file.size },
    signal,
  });
  const put = await send(ticket.method || "PUT", ticket.upload_url, file, {
    headers: ticket.headers,
    signal,
    onProgress: (fraction) => report("uploading", fraction),
  });
  if (put.status === 0) return null; // storage unreachable from this browser
  if (put.status < 200 || put.status >= 300) {
    throw new ApiError(put.status, "storage_refused", `The storage refused the upload (HTTP ${put.status}); try again.`);
  }
  report("checking", 1);
  return api("POST", ticket.complete_url, { signal });
}

/**
 * Upload `file`; `report(phase, fraction)` follows it (phases: preparing, uploading, checking).
 * Resolves with the new image; rejects with an ApiError whose message says why it was refused.
 */
export async function uploadFile(file, { directMinBytes, report = () => {}, signal } = {}) {
  if (file.size >= directMinBytes && DIRECT_TYPES.has(file.type)) {
    const image = await direct(file, report, signal);
    if (image) return image;
    // The browser could not reach S3 (not published to it, or blocked): the gateway takes it.
  }
  return throughGateway(file, report, signal);
}
