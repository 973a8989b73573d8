// The ballot of an `approval` proposal (SPEC 5.6): every option the voter approves, or abstain.
import { useState } from "preact/hooks";
import { html } from "../core/html.js";

export function ApprovalBallot({ ballot, cast, disabled, options }) {
  const [approved, setApproved] = useState(new Set((ballot && ballot.choices) || []));
  const toggle = (option) => {
    const next = new Set(approved);
    if (next.has(option)) next.delete(option); else next.add(option);
    setApproved(next);
  };
  return html`<fieldset class="ballot" disabled=${disabled}>
    <legend>Approve one or more options</legend>
    ${options.map((option) => html`<label key=${option}><input type="checkbox" checked=${approved.has(option)}
      onChange=${() => toggle(option)} /> ${option}</label>`)}
    <button type="button" disabled=${approved.size === 0}
      onClick=${() => cast({ choices: options.filter((o) => approved.has(o)) })}>Approve</button>
    <button type="button" class="vote abstain" onClick=${() => cast({ choice: "abstain" })}>Abstain</button>
  </fieldset>`;
}

export function describeBallot(ballot) {
  return ballot.choices ? ballot.choices.join(", ") : ballot.choice;
}
