// The ballot of a `basic` proposal: Yes, No or Abstain, the caller's current choice pressed.
import { html } from "../core/html.js";

const CHOICES = [["yes", "Yes"], ["no", "No"], ["abstain", "Abstain"]];

/** `ballot`: the caller's counted ballot (or null); `cast(body)` sends the ballot. */
export function BasicBallot({ ballot, cast, disabled }) {
  const current = ballot && ballot.choice;
  return html`<div class="ballot" role="group" aria-label="Your vote">
    ${CHOICES.map(([choice, label]) => html`<button type="button" key=${choice} class=${`vote ${choice}`}
      aria-pressed=${current === choice} disabled=${disabled} onClick=${() => cast({ choice })}>${label}</button>`)}
  </div>`;
}

export function describeBallot(ballot) {
  return ballot.choice;
}
