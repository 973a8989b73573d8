// The caller's own delegations in a DAO (SPEC 5.6): one general delegate and one per proposal type
// at most; for a proposal of a type its delegation for that type counts, else the general one.
// Set either with the form, clear each one (DELETE .../delegations/me[?proposal_type=]).
import { html } from "../core/html.js";
import { query } from "../core/api.js";
import { useAction } from "../core/actions.js";
import { usePages } from "../core/resource.js";
import { ApiForm } from "../ui/api-form.js";
import { SelectField } from "../ui/fields.js";
import { choicesOf } from "../core/contract.js";
import { ActionStatus } from "../ui/status.js";

const MAX_SHOWN = 50; // the proposal types are fewer

/** "general: user:a; treasury: user:b" for a member's delegations (the members table). */
export function delegationWords(items) {
  if (!items.length) return "–";
  return items.map((d) => `${d.proposal_type || "all types"}: ${d.delegate_id}`).join("; ");
}

export function useDelegationsOf(dao, subject) {
  return usePages(`${dao.path}/delegations`, { delegator_id: subject }, MAX_SHOWN);
}

function DelegationItem({ dao, delegation, onChanged }) {
  const [state, run] = useAction();
  const type = delegation.proposal_type;
  const path = `${dao.path}/delegations/me${query({ proposal_type: type })}`;
  return html`<li>
    ${type ? html`For <strong>${type}</strong> proposals` : html`For <strong>every type</strong> without its own`}
    ${" "}you delegate to <strong>${delegation.delegate_id}</strong>.
    <button type="button" class="plain" onClick=${() => run(path, { method: "DELETE", onSuccess: onChanged })}>
      Clear ${type ? `the ${type} delegation` : "the general delegation"}</button>
    <${ActionStatus} state=${state} done=${() => "Cleared."} />
  </li>`;
}

const typePicker = (props) => html`<${SelectField} ...${props} options=${props.choices} blank="All types (general)" />`;

export function Delegation({ dao, types }) {
  const mine = useDelegationsOf(dao, dao.me);
  return html`<section class="card" aria-labelledby="delegation-title">
    <h3 id="delegation-title">Your delegation</h3>
    ${mine.items.length === 0 ? html`<p>You vote for yourself: no delegate.</p>` : html`<ul class="plain-list"
      aria-label="Your delegations">${mine.items.map((d) => html`<${DelegationItem} key=${d.proposal_type || ""}
        dao=${dao} delegation=${d} onChanged=${mine.reload} />`)}</ul>`}
    <${ApiForm} schema="DelegationSet" idPrefix="delegate" path=${`${dao.path}/delegations/me`} method="PUT"
      labels=${{ delegate_id: "Delegate (subject id)", proposal_type: "For proposals of type" }}
      hints=${{ proposal_type: "A delegation for one type wins over the general one for proposals of that type." }}
      custom=${{ proposal_type: (props) => typePicker({ ...props, choices: types }) }}
      submit="Set delegate" onDone=${mine.reload}
      done=${(d) => `You now delegate ${d.proposal_type ? `${d.proposal_type} proposals` : "every type"} to ${d.delegate_id}.`} />
  </section>`;
}

/** The proposal types the API knows (from the delegation body's document). */
export function proposalTypes(schema) {
  return schema ? choicesOf(schema.properties.proposal_type) : [];
}
