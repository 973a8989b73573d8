// What became of an action, in words: sending, pending (its job queued or running), done, failed.
import { html } from "../core/html.js";
import { describe, describeJobError } from "../core/errors.js";

const JOB_STATES = { queued: "queued", running: "running" };

/** `pending`: words while the job is unfinished ("Counting your vote"); `done(data)`: words on
 * success; `failed(jobError, body)`: words for a failed job (else the generic ones). */
export function ActionStatus({ state, pending = "Working", done, failed }) {
  if (state.phase === "idle") return html`<p class="status" role="status"></p>`;
  if (state.phase === "sending") return html`<p class="status" role="status">Sending…</p>`;
  if (state.phase === "pending") {
    return html`<p class="status pending" role="status">${pending}… (pending: job ${JOB_STATES[state.job.status] || state.job.status})</p>`;
  }
  if (state.phase === "done") return html`<p class="status ok" role="status">${done ? done(state.data) : "Done."}</p>`;
  const words = state.job ? (failed && failed(state.job.error, state.body)) || describeJobError(state.job.error) : describe(state.error);
  return html`<p class="status error" role="alert">${words}</p>`;
}

/** A failed read (a list, a page) in words, with a way to try again. */
export function LoadError({ error, retry }) {
  return html`<div class="notice error" role="alert">
    <p>${describe(error)}</p>
    ${retry && html`<button type="button" onClick=${retry}>Try again</button>`}
  </div>`;
}

export function Loading({ what = "Loading" }) {
  return html`<p class="loading" role="status">${what}…</p>`;
}
