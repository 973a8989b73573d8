// The caller's own delegation in a DAO: set a delegate or clear it.
import { html } from "../core/html.js";
import { useAction } from "../core/actions.js";
import { useResource } from "../core/resource.js";
import { ApiForm } from "../ui/api-form.js";
import { ActionStatus } from "../ui/status.js";

export function Delegation({ dao }) {
  const mine = useResource(`${dao.path}/delegations?delegator_id=${encodeURIComponent(dao.me)}&limit=1`);
  const [clearing, clear] = useAction();
  const current = mine.data && mine.data.items[0];
  return html`<section class="card" aria-labelledby="delegation-title">
    <h3 id="delegation-title">Your delegation</h3>
    <p>${current ? html`You delegate your vote to <strong>${current.delegate_id}</strong>.` : "You vote for yourself: no delegate."}</p>
    <${ApiForm} schema="DelegationSet" idPrefix="delegate" path=${`${dao.path}/delegations/me`} method="PUT"
      labels=${{ delegate_id: "Delegate (subject id)" }} submit="Set delegate" onDone=${mine.reload}
      done=${(d) => `You now delegate to ${d.delegate_id}.`} />
    ${current && html`<button type="button" class="secondary"
      onClick=${() => clear(`${dao.path}/delegations/me`, { method: "DELETE", onSuccess: mine.reload })}>Clear delegation</button>
      <${ActionStatus} state=${clearing} done=${() => "Delegation cleared."} />`}
  </section>`;
}
