// The caller's time-credit balance and latest ledger rows, shown on every page.
import { useEffect, useState } from "preact/hooks";
import { html } from "../core/html.js";
import { on } from "../core/bus.js";
import { amount, when } from "../core/format.js";
import { useResource } from "../core/resource.js";

const REFRESH_MS = 15000; // rewards arrive later, from the consumer

export function TimeCredits() {
  const [open, setOpen] = useState(false);
  const balance = useResource("/timebank/balance");
  const rows = useResource(open ? "/timebank/transactions?limit=5" : null);
  const refresh = () => { balance.reload(); if (open) rows.reload(); };
  useEffect(() => {
    const timer = setInterval(refresh, REFRESH_MS);
    const off = on("ledger", refresh);
    return () => { clearInterval(timer); off(); };
  }, [open]);
  return html`<div class="credits">
    <button type="button" class="plain" aria-expanded=${open} aria-controls="credits-panel"
      onClick=${() => setOpen(!open)}>
      Time credits: <strong>${balance.data ? amount(balance.data.balance) : "…"}</strong>
    </button>
    <div id="credits-panel" class="credits-panel" hidden=${!open}>
      <h2>Recent time-credit movements</h2>
      ${rows.data && rows.data.items.length === 0 && html`<p>No movements yet.</p>`}
      <ul>
        ${rows.data && rows.data.items.map((row) => html`<li key=${row.id}>
          <span class=${Number(row.amount) < 0 ? "minus" : "plus"}>${amount(row.amount)}</span>
          ${" "}${row.tx_type.replace(/_/g, " ")} · ${when(row.created_at)}
        </li>`)}
      </ul>
    </div>
  </div>`;
}
