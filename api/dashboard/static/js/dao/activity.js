// The Activity tab: the audit trail, newest first, updated live. The list is read once the DAO's
// event stream is connected, so an event is either in it or arrives on the stream (an event in
// both is shown once, by its id); after a dropped connection the stream resumes where it was.
import { useEffect, useState } from "preact/hooks";
import { html } from "../core/html.js";
import { when } from "../core/format.js";
import { usePages } from "../core/resource.js";
import { LoadError, Loading } from "../ui/status.js";
import { useEvents } from "./live.js";

// The data fields an event's line shows, when present (SPEC 6, 5.6: the ballot of each voting
// type, a deadline moved by late quorum, a per-type delegation, a project link, an extra role).
const KEYS = ["proposal_slug", "subject_id", "voter", "choice", "choices", "ranking", "from_status", "to_status",
  "token_symbol", "delta", "delegate_id", "proposal_type", "role", "code", "project_id", "previous_end_at", "end_at"];

function summary(event) {
  const d = event.data || {};
  const parts = [];
  for (const key of KEYS) {
    const value = d[key];
    if (value === undefined || value === null) continue;
    const text = Array.isArray(value) ? value.join(key === "ranking" ? " > " : ", ") : value;
    parts.push(`${key.replace(/_/g, " ")} ${key.endsWith("_at") ? when(text) : text}`);
  }
  return parts.join(", ");
}

export function ActivityTab({ dao }) {
  const [live, setLive] = useState([]);
  const [connected, setConnected] = useState(dao.live.state === "live");
  if (!connected && dao.live.state === "live") setConnected(true);
  useEffect(() => { // a stream that cannot connect must not hide the trail
    const timer = setTimeout(() => setConnected(true), 4000);
    return () => clearTimeout(timer);
  }, []);
  const list = usePages(connected ? `${dao.path}/activity` : null, {}, 50);
  useEvents(dao.live, (payload) => {
    const event = { id: payload.id, type: payload.type, actor: payload.actor, created_at: payload.ts, data: payload.data };
    setLive((current) => (current.some((e) => e.id === event.id) ? current : [event, ...current]));
  });
  const known = new Set(live.map((e) => e.id));
  const events = [...live, ...list.items.filter((e) => !known.has(e.id))];
  return html`<h2>Activity</h2>
    <p class="hint">Newest first; new events appear here as they happen.</p>
    ${list.error && html`<${LoadError} error=${list.error} retry=${list.reload} />`}
    <ol class="activity" aria-live="polite" aria-label="Events">
      ${events.map((event) => html`<li key=${event.id} class="event">
        <span class="event-type">${event.type.replace(/_/g, " ")}</span>
        <span class="meta">${when(event.created_at)}${event.actor ? ` · by ${event.actor}` : ""}</span>
        ${summary(event) && html`<span class="event-data">${summary(event)}</span>`}
      </li>`)}
    </ol>
    ${(list.loading || !connected) && html`<${Loading} what="Loading the activity" />`}
    ${list.hasMore && !list.loading && html`<button type="button" onClick=${list.loadMore}>Load older events</button>`}`;
}
