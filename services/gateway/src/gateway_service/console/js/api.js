// The platform's HTTP API from the browser: same origin, the HttpOnly cookie, one error shape.

export class ApiError extends Error {
  constructor(status, code, message, { details = null, requestId = null, retryAfter = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
  }
}

const listeners = new Set();
/** Called when the server says the session is over (a 401 that a refresh could not fix). */
export function onSignedOut(listener) {
  listeners.add(listener);
}

let refreshing = null;
let refreshSupported = true;

export async function refreshSession() {
  // Servers with refresh tokens renew the access cookie here; others do not have the route.
  if (!refreshSupported) return false;
  refreshing ??= fetch("/auth/refresh", { method: "POST", credentials: "same-origin" })
    .then((response) => {
      if (response.status === 404 || response.status === 405) refreshSupported = false;
      return response.ok;
    })
    .catch(() => false)
    .finally(() => { refreshing = null; });
  return refreshing;
}

/** The platform's error shape from a response body, whatever produced it. */
export function errorFrom(status, bodyText, headers = {}) {
  let body = null;
  try {
    body = bodyText ? JSON.parse(bodyText) : null;
  } catch {
    body = null;
  }
  const error = body?.error ?? {};
  const retryAfter = Number.parseInt(headers["retry-after"] ?? "", 10);
  let message = error.message || (typeof body?.detail === "string" ? body.detail : null);
  if (!message) message = status === 0 ? "The server could not be reached." : `The server answered ${status}.`;
  return new ApiError(status, error.code || `http_${status}`, message, {
    details: error.details ?? null,
    requestId: error.request_id ?? headers["x-request-id"] ?? null,
    retryAfter: Number.isFinite(retryAfter) ? retryAfter : null,
  });
}

const AUTH_PATHS = ["/auth/login", "/auth/register", "/auth/logout", "/auth/refresh"];

export async function api(method, path, { json, body, signal, retried = false } = {}) {
  const init = { method, credentials: "same-origin", signal, headers: { Accept: "application/json" } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers["Content-Type"] = "application/json";
  } else if (body !== undefined) {
    init.body = body;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (exc) {
    if (exc?.name === "AbortError") throw exc;
    throw new ApiError(0, "network_error", "The server could not be reached; check your connection and try again.");
  }
  if (response.status === 401 && !retried && !AUTH_PATHS.includes(path)) {
    if (await refreshSession()) return api(method, path, { json, body, signal, retried: true });
    for (const listener of listeners) listener();
  }
  const text = response.status === 204 ? "" : await response.text();
  if (!response.ok) {
    throw errorFrom(response.status, text, Object.fromEntries(response.headers));
  }
  return text ? JSON.parse(text) : null;
}

/** A message a person can act on, for any error the console meets. */
export function describeError(error) {
  if (error instanceof ApiError) {
    if (error.status === 429 && !/try again/i.test(error.message)) {
      const wait = error.retryAfter ? `in ${error.retryAfter} s` : "shortly";
      return `${error.message} Try again ${wait}.`;
    }
    return error.message;
  }
  return error?.message || String(error);
}
