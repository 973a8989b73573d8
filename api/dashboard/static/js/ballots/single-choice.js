// The ballot of a `single_choice` proposal (SPEC 5.6): one option, or abstain.
import { html } from "../core/html.js";

/** `ballot`: the caller's counted ballot (or null); `cast(body)` sends the ballot. */
export function SingleChoiceBallot({ ballot, cast, disabled, options }) {
  const current = ballot && ballot.choice;
  return html`<div class="ballot" role="group" aria-label="Your vote">
    ${[...options, "abstain"].map((option) => html`<button type="button" key=${option}
      class=${`vote${option === "abstain" ? " abstain" : ""}`} aria-pressed=${current === option}
      disabled=${disabled} onClick=${() => cast({ choice: option })}>${option === "abstain" ? "Abstain" : option}</button>`)}
  </div>`;
}

export function describeBallot(ballot) {
  return ballot.choice;
}
