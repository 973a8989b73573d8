// An action the caller takes (a form, a button): send it, follow its job when the API answers
// 202, and keep its state for the page (idle, sending, pending, done, failed). The same
// Idempotency-Key is sent again when the caller retries after the request may not have arrived
// (unreachable, 429, 503), so a retry never enqueues the work twice.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, newKey } from "./api.js";
import { finished, followJob, isJob } from "./jobs.js";

const RETRYABLE = new Set([0, 429, 503]);

export function useAction() {
  const [state, setState] = useState({ phase: "idle" });
  const key = useRef(null);
  const alive = useRef(true);
  useEffect(() => () => { alive.current = false; }, []);
  const set = (next) => { if (alive.current) setState(next); };

  /** Resolves the answer (or the finished job's result holder) on success, null on failure. */
  async function run(path, { method = "POST", body, onSuccess } = {}) {
    key.current = key.current || newKey();
    set({ phase: "sending" });
    try {
      const { data } = await api(path, { method, body, idempotencyKey: key.current });
      key.current = null;
      let outcome = data;
      if (isJob(data)) {
        if (!finished(data)) set({ phase: "pending", job: data, body });
        outcome = await followJob(data, { onUpdate: (job) => set({ phase: "pending", job, body }) });
        if (outcome.status === "failed") {
          set({ phase: "failed", job: outcome, body });
          return null;
        }
      }
      set({ phase: "done", data: outcome });
      if (onSuccess) await onSuccess(outcome);
      return outcome;
    } catch (error) {
      if (!RETRYABLE.has(error.status)) key.current = null;
      set({ phase: "failed", error, body });
      return null;
    }
  }

  return [state, run, () => set({ phase: "idle" })];
}

/** The per-field messages of a 422 answer, or {} (forms show them beside their fields). */
export function fieldErrors(state) {
  return state.phase === "failed" && state.error && state.error.status === 422 ? state.error.errors : {};
}
