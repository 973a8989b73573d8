// The Treasury tab: balances per token, each balance over time (from the ledger rows loaded), the
// ledger paginated, the delta form (can_manage_treasury) and a time-credit deposit by the caller.
import { html } from "../core/html.js";
import { emit } from "../core/bus.js";
import { amount, when } from "../core/format.js";
import { usePages, useResource } from "../core/resource.js";
import { ApiForm } from "../ui/api-form.js";
import { LineChart } from "../ui/chart.js";
import { LoadError } from "../ui/status.js";
import { useEvents } from "./live.js";

const LEDGER_PAGE = 100;

/** [[unix seconds, balance after], ...] per token, oldest first, from ledger rows (newest first). */
function seriesByToken(rows) {
  const series = new Map();
  for (const row of [...rows].reverse()) {
    if (!series.has(row.token_symbol)) series.set(row.token_symbol, []);
    series.get(row.token_symbol).push([new Date(row.created_at).getTime() / 1000, Number(row.balance_after)]);
  }
  return series;
}

function Ledger({ ledger }) {
  if (ledger.error) return html`<${LoadError} error=${ledger.error} retry=${ledger.reload} />`;
  if (!ledger.items.length) return html`<p>No movements yet.</p>`;
  return html`<div class="table-wrap" role="region" aria-label="Treasury ledger" tabindex="0"><table>
      <thead><tr><th scope="col">When</th><th scope="col">Token</th><th scope="col">Change</th>
        <th scope="col">Balance after</th><th scope="col">Reason</th><th scope="col">By</th></tr></thead>
      <tbody>${ledger.items.map((row) => html`<tr key=${row.id}>
        <td data-label="When">${when(row.created_at)}</td><td data-label="Token">${row.token_symbol}</td>
        <td data-label="Change" class=${Number(row.delta) < 0 ? "minus" : "plus"}>${amount(row.delta)}</td>
        <td data-label="Balance after">${amount(row.balance_after)}</td><td data-label="Reason">${row.reason}</td>
        <td data-label="By">${row.actor}</td></tr>`)}</tbody>
    </table></div>
    ${ledger.hasMore && html`<button type="button" onClick=${ledger.loadMore}>Load older movements</button>`}`;
}

export function TreasuryTab({ dao }) {
  const balances = useResource(`${dao.path}/treasury`);
  const ledger = usePages(`${dao.path}/treasury/transactions`, {}, LEDGER_PAGE);
  const refresh = () => { balances.reload(); ledger.reload(); };
  useEvents(dao.live, (event) => { if (event.type === "treasury_updated") refresh(); });
  const items = balances.data ? balances.data.items : [];
  const holds = (token) => {
    const item = items.find((i) => i.token_symbol === token);
    return item ? amount(item.balance) : "0";
  };
  const series = seriesByToken(ledger.items);
  return html`<h2>Treasury</h2>
    ${balances.error && html`<${LoadError} error=${balances.error} retry=${balances.reload} />`}
    <section aria-labelledby="balances-title">
      <h3 id="balances-title">Balances</h3>
      ${items.length === 0 ? html`<p>The treasury holds no tokens yet.</p>` : html`<dl class="facts balances">
        ${items.map((item) => html`<div key=${item.token_symbol}><dt>${item.token_symbol}</dt>
          <dd>${amount(item.balance)}</dd></div>`)}</dl>`}
    </section>
    <div class="grid charts">${[...series.entries()].map(([token, points]) => html`<${LineChart}
      key=${token} label=${`${token} balance`} points=${points} />`)}</div>
    <div class="grid">
      ${dao.can("can_manage_treasury") && dao.dao.is_active && html`<section class="card" aria-labelledby="delta-title">
        <h3 id="delta-title">Apply a treasury delta</h3>
        <${ApiForm} schema="TreasuryDelta" idPrefix="delta" path=${`${dao.path}/treasury/deltas`}
          labels=${{ token_symbol: "Token", delta: "Delta (negative to withdraw)", reason: "Reason" }}
          order=${["token_symbol", "delta", "reason"]}
          submit="Apply delta" pending="Applying the delta" onDone=${refresh}
          done=${(job) => `Applied: the balance is now ${amount(job.result && job.result.balance)}.`}
          failed=${(error, body) => (error && error.code === "insufficient_funds"
            ? `The treasury holds only ${holds(body.token_symbol)} ${body.token_symbol}.` : null)} />
      </section>`}
      ${dao.member && dao.member.status === "active" && dao.dao.is_active && html`<section class="card" aria-labelledby="deposit-title">
        <h3 id="deposit-title">Deposit your time credits</h3>
        <p class="hint">Moves credits from your account into this DAO's TIME token.</p>
        <${ApiForm} schema="TimeDeposit" idPrefix="deposit" path=${`${dao.path}/treasury/time-deposits`}
          labels=${{ amount: "Credits to deposit" }} submit="Deposit credits" pending="Depositing"
          onDone=${() => { emit("ledger"); refresh(); }} done=${() => "Deposited."}
          failed=${(error) => (error && error.code === "insufficient_funds"
            ? "Your time-credit balance is too low for this deposit." : null)} />
      </section>`}
    </div>
    <section aria-labelledby="ledger-title">
      <h3 id="ledger-title">Ledger</h3>
      <${Ledger} ledger=${ledger} />
    </section>`;
}
