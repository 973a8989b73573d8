// The ballot of an `approval` proposal (SPEC 5.6): every option the voter approves (checkboxes),
// or abstain.
import { useEffect, useState } from "preact/hooks";
import { html } from "../core/html.js";

export function ApprovalBallot({ ballot, cast, disabled, options }) {
  const initial = (ballot && ballot.choices) || [];
  const [approved, setApproved] = useState(new Set(initial));
  useEffect(() => setApproved(new Set(initial)), [initial.join("\u0000")]); // the counted ballot arrived
  const toggle = (option) => {
    const next = new Set(approved);
    if (next.has(option)) next.delete(option); else next.add(option);
    setApproved(next);
  };
  return html`<fieldset class="ballot approval" disabled=${disabled}>
    <legend>Approve one or more options</legend>
    ${options.map((option, i) => html`<div class="field check" key=${option}>
      <input id=${`approve-${i}`} type="checkbox" checked=${approved.has(option)} onChange=${() => toggle(option)} />
      <label for=${`approve-${i}`}>${option}</label></div>`)}
    <div class="ballot-actions">
      <button type="button" disabled=${approved.size === 0}
        onClick=${() => cast({ choices: options.filter((o) => approved.has(o)) })}>Cast approval</button>
      <button type="button" class="vote abstain" onClick=${() => cast({ choice: "abstain" })}>Abstain</button>
    </div>
  </fieldset>`;
}

export function describeBallot(ballot) {
  return ballot.choices ? ballot.choices.join(", ") : ballot.choice;
}
