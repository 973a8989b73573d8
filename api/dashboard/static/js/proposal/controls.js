// The lifecycle of a proposal (SPEC 5.1): activate, close, cancel, execute, and editing a draft,
// offered only where the caller's entitlements allow it (the API decides again).
import { useState } from "preact/hooks";
import { html } from "../core/html.js";
import { emit } from "../core/bus.js";
import { useAction } from "../core/actions.js";
import { ActionStatus } from "../ui/status.js";
import { ProposalForm } from "./proposal-form.js";

// transition -> [button, the statuses it starts from, who besides can_manage_proposals may]
const TRANSITIONS = {
  activate: ["Activate voting", ["draft"], "author"],
  close: ["Close voting now", ["active"], null],
  cancel: ["Cancel proposal", ["draft", "active"], "author"],
  execute: ["Execute proposal", ["passed"], null],
};

function allowed(dao, proposal, transition) {
  const [, from, others] = TRANSITIONS[transition];
  if (!from.includes(proposal.status) || !dao.dao.is_active) return false;
  const author = proposal.created_by === dao.me && dao.can("can_create_proposals");
  return dao.can("can_manage_proposals") || (others === "author" && author);
}

function TransitionButton({ path, transition, onDone }) {
  const [state, run] = useAction();
  const [label] = TRANSITIONS[transition];
  const busy = state.phase === "sending" || state.phase === "pending";
  return html`<div class="transition">
    <button type="button" disabled=${busy}
      onClick=${() => run(`${path}/${transition}`, { onSuccess: () => { emit("ledger"); onDone(); } })}>${label}</button>
    <${ActionStatus} state=${state} pending=${label} done=${() => `${label}: done.`} />
  </div>`;
}

export function ProposalControls({ dao, proposal, path, onChanged }) {
  const [editing, setEditing] = useState(false);
  const transitions = Object.keys(TRANSITIONS).filter((t) => allowed(dao, proposal, t));
  const mayEdit = proposal.status === "draft" && proposal.created_by === dao.me && dao.dao.is_active;
  if (!transitions.length && !mayEdit) return null;
  return html`<section class="card controls" aria-labelledby="controls-title">
    <h3 id="controls-title">Manage this proposal</h3>
    <div class="transitions">
      ${mayEdit && html`<button type="button" class="secondary" aria-expanded=${editing}
        onClick=${() => setEditing(!editing)}>${editing ? "Stop editing" : "Edit draft"}</button>`}
      ${transitions.map((t) => html`<${TransitionButton} key=${t} path=${path} transition=${t} onDone=${onChanged} />`)}
    </div>
    ${editing && html`<${ProposalForm} dao=${dao} proposal=${proposal}
      onDone=${() => { setEditing(false); onChanged(); }} />`}
  </section>`;
}
