// The ballot of a `ranked_choice` proposal (SPEC 5.6): options picked in order of preference (as
// many as the voter wants), or abstain.
import { useState } from "preact/hooks";
import { html } from "../core/html.js";

export function RankedBallot({ ballot, cast, disabled, options }) {
  const [ranking, setRanking] = useState((ballot && ballot.ranking) || []);
  const left = options.filter((o) => !ranking.includes(o));
  return html`<fieldset class="ballot" disabled=${disabled}>
    <legend>Pick options in order of preference</legend>
    <ol class="ranking">${ranking.map((option) => html`<li key=${option}>${option}</li>`)}</ol>
    ${left.map((option) => html`<button type="button" key=${option}
      onClick=${() => setRanking([...ranking, option])}>${ranking.length + 1}. ${option}</button>`)}
    <button type="button" disabled=${ranking.length === 0} onClick=${() => setRanking([])}>Start again</button>
    <button type="button" disabled=${ranking.length === 0} onClick=${() => cast({ ranking })}>Cast this ranking</button>
    <button type="button" class="vote abstain" onClick=${() => cast({ choice: "abstain" })}>Abstain</button>
  </fieldset>`;
}

export function describeBallot(ballot) {
  return ballot.ranking ? ballot.ranking.join(" > ") : ballot.choice;
}
