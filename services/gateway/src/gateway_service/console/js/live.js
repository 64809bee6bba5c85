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

/** A live message as a transformation update: {id, image_id, status, result?, error?}. */
export function transformationUpdate(message) {
  const data = message.data ?? {};
  switch (message.type) {
    case "TransformationStatus":
      return { ...data, id: data.id };
    case "TransformStarted":
      return { id: data.transformation_id, image_id: data.image_id, status: "processing" };
    case "TransformSucceeded":
      return {
        id: data.transformation_id,
        image_id: data.image_id,
        status: "succeeded",
        result: { format: data.format, width: data.width, height: data.height, bytes: data.bytes },
      };
    case "TransformFailed":
      return {
        id: data.transformation_id,
        image_id: data.image_id,
        status: "failed",
        error: { code: data.error_code, message: data.message },
      };
    default:
      return null;
  }
}
