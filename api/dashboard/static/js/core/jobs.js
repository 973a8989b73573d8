// Jobs (SPEC 8.2): an asynchronous action answers 202 with a job; the page follows it until it
// succeeded or failed, polling GET /api/v1/jobs/<id> with a growing delay.
import { api } from "./api.js";

const FINISHED = new Set(["succeeded", "failed"]);
const DELAYS_MS = [150, 250, 400, 600, 900, 1300, 2000];

export function isJob(data) {
  return Boolean(data && data.id && data.kind && data.status && "submitted_at" in data);
}

export function finished(job) {
  return FINISHED.has(job.status);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolve the job once finished; `onUpdate(job)` sees each state on the way. */
export async function followJob(job, { onUpdate = () => {}, signal } = {}) {
  let current = job;
  for (let attempt = 0; !finished(current); attempt += 1) {
    await sleep(DELAYS_MS[Math.min(attempt, DELAYS_MS.length - 1)]);
    if (signal && signal.aborted) return current;
    current = (await api(`/jobs/${current.id}`, { signal })).data;
    onUpdate(current);
  }
  return current;
}
