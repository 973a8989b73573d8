// Errors in words: what went wrong and what the caller can do about it.
import { ApiError } from "./api.js";

const ENTITLEMENTS = {
  can_read: "read this DAO",
  can_vote: "vote",
  can_create_proposals: "create proposals",
  can_manage_proposals: "manage proposals",
  can_manage_members: "manage members",
  can_manage_roles: "manage roles",
  can_manage_treasury: "manage the treasury",
  can_manage_dao: "manage the DAO's settings",
  can_moderate: "moderate",
  can_audit: "audit",
};

/** "requires can_manage_members" -> "You may not manage members here (can_manage_members)." */
function forbidden(detail) {
  const named = Object.keys(ENTITLEMENTS).find((code) => detail.includes(code));
  if (named) return `You may not ${ENTITLEMENTS[named]} here: that needs the ${named} entitlement.`;
  if (detail.includes("private")) return "This DAO is private to its members, and you are not one of them.";
  return `You are not allowed to do this: ${detail}.`;
}

const CONFLICTS = {
  voting_closed: () => "Voting is not open for this proposal.",
  already_voted: () => "You have already voted, and this DAO does not allow changing a vote.",
  insufficient_funds: (detail) => `Not enough funds: ${detail}.`,
  invalid_state: (detail) => `This cannot be done now: ${detail}.`,
};

/** Flatten the per-field messages of a 422 into "field: message" lines. */
export function fieldMessages(errors, prefix = "") {
  const lines = [];
  for (const [key, value] of Object.entries(errors || {})) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value)) lines.push(`${name === "_schema" ? "the request" : name}: ${value.join(" ")}`);
    else if (value && typeof value === "object") lines.push(...fieldMessages(value, name));
    else lines.push(`${name}: ${value}`);
  }
  return lines;
}

/** The words for a failed request. */
export function describe(error) {
  if (!(error instanceof ApiError)) return `Something went wrong in the page: ${error.message || error}.`;
  const detail = error.detail;
  switch (error.status) {
    case 0: return "The service cannot be reached. Check the connection and try again.";
    case 401: return "You are not signed in, or your sign-in expired. Sign in again.";
    case 403: return forbidden(detail);
    case 404: return `Not found: ${detail}.`;
    case 409: return (CONFLICTS[error.code] || ((d) => `This conflicts with the current state: ${d}.`))(detail);
    case 413: return "The request is too large.";
    case 422: {
      const lines = fieldMessages(error.errors);
      return `Some values are not valid${lines.length ? `: ${lines.join("; ")}` : `: ${detail}`}.`;
    }
    case 429: return `Too many requests. Retry in ${error.retryAfter || 60} seconds.`;
    case 503: return `The service is degraded (${detail}). Retry in ${error.retryAfter || "a few"} seconds.`;
    default: return `The service failed (${error.status}): ${detail}.`;
  }
}

/** The words for a job that failed ({code, message}); `known` maps codes to better words. */
export function describeJobError(jobError, known = {}) {
  if (!jobError) return "The job failed.";
  if (known[jobError.code]) return known[jobError.code];
  const conflict = CONFLICTS[jobError.code];
  return conflict ? conflict(jobError.message) : `The job failed: ${jobError.message || jobError.code}.`;
}
