// The caller's bearer token, kept for this tab only (sessionStorage), and who it names.
import { emit } from "./bus.js";

const KEY = "governance.dashboard.token";
let farewell = null; // why the last session ended, shown on the sign-in page

export function token() {
  return sessionStorage.getItem(KEY);
}

export function signIn(value) {
  sessionStorage.setItem(KEY, value);
  farewell = null;
  emit("session", true);
}

export function signOut(reason = null) {
  sessionStorage.removeItem(KEY);
  farewell = reason;
  emit("session", false);
}

export function lastSignOutReason() {
  return farewell;
}

/** The token's claims ({sub, subject_type, exp, roles}) as the browser can read them, or null.
 * Only for display: the API verifies the token on every request. */
export function claims() {
  const value = token();
  if (!value) return null;
  try {
    const part = value.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(part + "=".repeat((4 - (part.length % 4)) % 4)));
  } catch {
    return null;
  }
}
