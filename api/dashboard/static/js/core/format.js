// How figures and times read on the page. Decimals arrive as strings (SPEC 8.4) and stay strings:
// only trailing zeros are dropped, so no precision is lost on the way to the screen.

/** "12.50000000" -> "12.5"; "3.00000000" -> "3". */
export function amount(text) {
  if (text === null || text === undefined) return "–";
  const value = String(text);
  if (!value.includes(".")) return value;
  return value.replace(/0+$/, "").replace(/\.$/, "");
}

/** A fraction in [0, 1] as text ("0.25" -> "25 %"), one decimal at most. */
export function percentOf(fraction) {
  if (fraction === null || fraction === undefined) return "–";
  return `${Math.round(Number(fraction) * 1000) / 10} %`;
}

/** A percent figure as sent ("20.00000000") -> "20 %". */
export function percent(text) {
  return text === null || text === undefined ? "–" : `${amount(text)} %`;
}

export function when(iso) {
  if (!iso) return "–";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** "3 d 4 h", "5 min 2 s": the time left until `iso` from `now` (ms), or null when past. */
export function timeLeft(iso, now = Date.now()) {
  let seconds = Math.floor((new Date(iso).getTime() - now) / 1000);
  if (seconds <= 0) return null;
  const units = [["d", 86400], ["h", 3600], ["min", 60], ["s", 1]];
  const parts = [];
  for (const [unit, size] of units) {
    if (seconds >= size || (unit === "s" && parts.length === 0)) {
      parts.push(`${Math.floor(seconds / size)} ${unit}`);
      seconds %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}

/** "voting_period_seconds" -> "Voting period seconds". */
export function humanize(name) {
  const text = name.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function duration(seconds) {
  const days = seconds / 86400;
  if (Number.isInteger(days)) return `${days} day${days === 1 ? "" : "s"}`;
  const hours = seconds / 3600;
  if (Number.isInteger(hours)) return `${hours} h`;
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}
