// Live status of the user's transformations over the gateway's WebSocket `/ws` (cookie auth).
// Reconnects with backoff; after a reconnect the gateway first sends every unfinished
// transformation's status, and listeners are told to catch up on what finished meanwhile.

const listeners = new Set();
const stateListeners = new Set();
let socket = null;
let wanted = false;
let attempt = 0;
let timer = null;
export let liveState = "offline";

function setState(state) {
  liveState = state;
  for (const listener of stateListeners) listener(state);
}

export function onLiveMessage(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function onLiveState(listener) {
  stateListeners.add(listener);
  listener(liveState);
  return () => stateListeners.delete(listener);
}

function open() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  setState(attempt === 0 ? "connecting" : "reconnecting");
  socket = new WebSocket(`${scheme}//${location.host}/ws`);
  socket.addEventListener("open", () => {
    const reconnected = attempt > 0;
    attempt = 0;
    setState("live");
    if (reconnected) dispatch({ type: "reconnected" });
  });
  socket.addEventListener("message", (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message.type !== "ping") dispatch(message);
  });
  socket.addEventListener("close", () => {
    socket = null;
    if (!wanted) {
      setState("offline");
      return;
    }
    attempt += 1;
    setState("reconnecting");
    const delay = Math.min(15000, 500 * 2 ** Math.min(attempt, 5));
    timer = setTimeout(open, delay);
  });
}

function dispatch(message) {
  for (const listener of listeners) listener(message);
}

export function startLive() {
  if (wanted) return;
  wanted = true;
  attempt = 0;
  open();
}

export function stopLive() {
  wanted = false;
  clearTimeout(timer);
  socket?.close(1000, "signed out");
  socket = null;
  setState("offline");
}

const LIVE_TYPES = new Set([
  "TransformationStatus",
  "TransformStarted",
  "TransformSucceeded",
  "TransformFailed",
]);

/** A live message as a transformation update: every live message carries the transformation
 * as the REST API shows it ({id, image_id, status, result, error, updated_at, links}). */
export function transformationUpdate(message) {
  return LIVE_TYPES.has(message.type) && message.data?.id ? { ...message.data } : null;
}
