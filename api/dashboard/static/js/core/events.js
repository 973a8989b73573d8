// The DAO's live events (GET /api/v1/daos/{slug}/events/stream, Server-Sent Events) read with
// fetch, so that the bearer token goes in a header and never in a URL. After a dropped
// connection it reconnects with Last-Event-ID (the last `id:` seen): the server replays exactly
// what came after it, and an id not above the last one is ignored, so nothing is lost or repeated.
import { API, authHeaders } from "./api.js";
import { signOut } from "./session.js";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Feed `onMessage({id, event, data})` the SSE messages of a byte stream (the WHATWG rules:
 * `field: value` lines, a blank line ends a message, `:` starts a comment). */
export async function readMessages(body, onMessage, onRetry = () => {}) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let message = { id: null, event: "message", data: [] };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const lines = buffer.split(/\r\n|\r|\n/);
    buffer = lines.pop();
    for (const line of lines) {
      if (line === "") {
        if (message.data.length || message.id !== null) onMessage({ ...message, data: message.data.join("\n") });
        message = { id: null, event: "message", data: [] };
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") message.data.push(text);
      else if (field === "event") message.event = text;
      else if (field === "id") message.id = text;
      else if (field === "retry" && /^\d+$/.test(text)) onRetry(Number(text));
    }
  }
}

/** Listen to a DAO's events until `close()`. `onEvent(payload, id)` gets each event payload
 * (SPEC 6) once; `onState(state, error)`: "connecting", "live", "reconnecting", "closed". */
export function openEventStream(slug, { onEvent, onState = () => {} }) {
  let lastId = null;
  let retryMs = 3000;
  let stopped = false;
  let controller = null;

  const deliver = (message) => {
    if (message.id !== null) {
      if (lastId !== null && BigInt(message.id) <= BigInt(lastId)) return; // a repeat
      lastId = message.id;
    }
    if (!message.data) return;
    onEvent(JSON.parse(message.data), message.id);
  };

  async function run() {
    while (!stopped) {
      controller = new AbortController();
      onState(lastId === null ? "connecting" : "reconnecting");
      try {
        const headers = authHeaders({ Accept: "text/event-stream" });
        if (lastId !== null) headers["Last-Event-ID"] = lastId;
        const response = await fetch(`${API}/daos/${encodeURIComponent(slug)}/events/stream`, {
          headers, signal: controller.signal, cache: "no-store",
        });
        if (response.status === 401) {
          signOut("Your sign-in is no longer valid: sign in again.");
          return;
        }
        if (response.status === 403 || response.status === 404) {
          onState("closed", response.status);
          return;
        }
        if (response.ok) {
          onState("live");
          await readMessages(response.body, deliver, (ms) => { retryMs = ms; });
        }
      } catch (error) {
        if (stopped) return;
      }
      if (stopped) return;
      onState("reconnecting");
      await sleep(retryMs);
    }
  }

  run();
  return {
    close() {
      stopped = true;
      if (controller) controller.abort();
    },
  };
}
