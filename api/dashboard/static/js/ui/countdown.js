// A live countdown to a deadline, updated every second.
import { useEffect, useState } from "preact/hooks";
import { html } from "../core/html.js";
import { timeLeft } from "../core/format.js";

export function useNow(everyMs = 1000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

export function Countdown({ until, ended = "voting ended" }) {
  const left = timeLeft(until, useNow());
  return html`<span class="countdown">${left ? `${left} left` : ended}</span>`;
}
