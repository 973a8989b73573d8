// The ballot of a `ranked_choice` proposal (SPEC 5.6): options put in order of preference (as
// many as the voter wants), or abstain. Every step is a button, so the ranking is made by keyboard
// as well as by pointer: "Rank <option>" appends it, "Move <option> up/down" reorders it, "Remove
// <option>" takes it out; the ranking as it stands is read out (aria-live) after each step.
import { useEffect, useState } from "preact/hooks";
import { html } from "../core/html.js";

export function RankedBallot({ ballot, cast, disabled, options }) {
  const initial = (ballot && ballot.ranking) || [];
  const [ranking, setRanking] = useState(initial);
  useEffect(() => setRanking(initial), [initial.join("\u0000")]); // the counted ballot arrived or changed
  const left = options.filter((o) => !ranking.includes(o));
  const move = (index, by) => {
    const next = [...ranking];
    [next[index], next[index + by]] = [next[index + by], next[index]];
    setRanking(next);
  };
  return html`<fieldset class="ballot ranked" disabled=${disabled}>
    <legend>Rank the options in order of preference</legend>
    <p class="hint">Rank as many as you like; a ballot whose ranked options are all eliminated counts no further.</p>
    <ol class="ranking" aria-label="Your ranking">
      ${ranking.map((option, index) => html`<li key=${option}>
        <span class="rank-label">${option}</span>
        <span class="rank-moves">
          <button type="button" class="plain" disabled=${index === 0} onClick=${() => move(index, -1)}>Move ${option} up</button>
          <button type="button" class="plain" disabled=${index === ranking.length - 1} onClick=${() => move(index, 1)}>Move ${option} down</button>
          <button type="button" class="plain" onClick=${() => setRanking(ranking.filter((o) => o !== option))}>Remove ${option}</button>
        </span>
      </li>`)}
    </ol>
    <p class="status" aria-live="polite">${ranking.length ? `Your ranking: ${ranking.join(" > ")}.` : "Nothing ranked yet."}</p>
    ${left.length > 0 && html`<div class="rank-add">${left.map((option) => html`<button type="button" class="secondary"
      key=${option} onClick=${() => setRanking([...ranking, option])}>Rank ${option}</button>`)}</div>`}
    <div class="ballot-actions">
      <button type="button" disabled=${ranking.length === 0} onClick=${() => cast({ ranking })}>Cast this ranking</button>
      <button type="button" class="vote abstain" onClick=${() => cast({ choice: "abstain" })}>Abstain</button>
    </div>
  </fieldset>`;
}

export function describeBallot(ballot) {
  return ballot.ranking ? ballot.ranking.join(" > ") : ballot.choice;
}
