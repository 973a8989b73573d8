// The one door to the project's JSON API (/api/v1): bearer header, JSON bodies, problem documents
// turned into ApiError. A 401 ends the session (the page shows the sign-in form).
import { signOut, token } from "./session.js";

export const API = "/api/v1";

export class ApiError extends Error {
  constructor(status, problem = {}, retryAfter = null) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || null;
    this.detail = problem.detail || "";
    this.errors = problem.errors || {};
    this.retryAfter = retryAfter ? Number(retryAfter) : null;
  }
}

/** A key for Idempotency-Key (crypto.getRandomValues works outside secure contexts too). */
export function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function authHeaders(extra = {}, bearer = null) {
  const value = bearer || token();
  return value ? { ...extra, Authorization: `Bearer ${value}` } : { ...extra };
}

/** `?a=1&b=2` from an object, leaving out empty values. */
export function query(params = {}) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** Send a request; resolves {status, data} or rejects with ApiError (status 0: unreachable).
 * `bearer`: a token to try instead of the session's (sign-in checks a pasted token). */
export async function api(path, { method = "GET", body, idempotencyKey, signal, bearer } = {}) {
  const headers = authHeaders({ Accept: "application/json" }, bearer);
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  let response;
  try {
    response = await fetch(API + path, {
      method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, { code: "unreachable", detail: "the service cannot be reached" });
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  // Aborted while the body was read (json() then fails and gives null): the caller dropped this
  // request, so it must not see a half answer as a result.
  if (signal && signal.aborted) throw new DOMException("the request was aborted", "AbortError");
  if (!response.ok) {
    const error = new ApiError(response.status, data || {}, response.headers.get("Retry-After"));
    if (response.status === 401 && !bearer && token()) signOut("Your sign-in is no longer valid: sign in again.");
    throw error;
  }
  return { status: response.status, data };
}
