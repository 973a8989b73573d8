// Horizontal bars for shares of a whole (a tally's choices, quorum progress), with the figures
// written out, so that nothing depends on seeing the colours.
import { html } from "../core/html.js";

/** `value` of `total` as a bar named `label`; `mark` (0-100) draws a line, e.g. the quorum. */
export function Bar({ label, value, total, text, mark, tone = "" }) {
  const share = total > 0 ? Math.min(100, (value / total) * 100) : 0;
  return html`<div class="bar-row">
    <div class="bar-label"><span>${label}</span><span>${text}</span></div>
    <div class=${`bar ${tone}`} role="img" aria-label=${`${label}: ${text}`}>
      <span class="fill" style=${`width:${share}%`}></span>
      ${mark !== undefined && html`<span class="mark" style=${`left:${Math.min(100, mark)}%`}></span>`}
    </div>
  </div>`;
}
