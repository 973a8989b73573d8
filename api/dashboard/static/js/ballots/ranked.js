// The ballot of a `ranked_choice` proposal (SPEC 5.6): options put in order of preference (as
// many as the voter wants), or abstain. Every step is a button, so the ranking is made by keyboard
// as well as by pointer: "Rank <option>" appends it, "Move <option> up/down" reorders it, "Remove
// <option>" takes it out; the ranking as it stands is read out (aria-live) after each step, and
// the focus goes where the next step is (the next option to rank, the moved option's buttons).
import { useEffect, useRef, useState } from "preact/hooks";
import { html } from "../core/html.js";

export function RankedBallot({ ballot, cast, disabled, options }) {
  const initial = (ballot && ballot.ranking) || [];
  const [ranking, setRanking] = useState(initial);
  const [focus, setFocus] = useState(null); // the id of the button to focus after a step
  const box = useRef(null);
  useEffect(() => setRanking(initial), [initial.join("\u0000")]); // the counted ballot arrived or changed
  useEffect(() => {
    const target = focus && box.current && box.current.querySelector(`#${focus}`);
    if (target) target.focus();
    if (focus) setFocus(null);
  }, [focus, ranking]);
  const id = (what, option) => `rank-${what}-${options.indexOf(option)}`;
  const left = options.filter((o) => !ranking.includes(o));

  const add = (option) => {
    const next = [...ranking, option];
    const after = left.filter((o) => o !== option);
    setRanking(next);
    setFocus(after.length ? id("add", after[0]) : "rank-cast");
  };
  const move = (index, by) => {
    const next = [...ranking];
    [next[index], next[index + by]] = [next[index + by], next[index]];
    setRanking(next);
    const to = index + by;
    const stillMovable = by < 0 ? to > 0 : to < next.length - 1;
    setFocus(id(stillMovable === (by < 0) ? "up" : "down", next[to]));
  };
  const remove = (option) => {
    setRanking(ranking.filter((o) => o !== option));
    setFocus(id("add", option));
  };

  return html`<fieldset class="ballot ranked" disabled=${disabled} ref=${box}>
    <legend>Rank the options in order of preference</legend>
    <p class="hint">Rank as many as you like; a ballot whose ranked options are all eliminated counts no further.</p>
    <ol class="ranking" aria-label="Your ranking">
      ${ranking.map((option, index) => html`<li key=${option}>
        <span class="rank-label">${option}</span>
        <span class="rank-moves">
          <button type="button" class="plain" id=${id("up", option)} disabled=${index === 0}
            onClick=${() => move(index, -1)}>Move ${option} up</button>
          <button type="button" class="plain" id=${id("down", option)} disabled=${index === ranking.length - 1}
            onClick=${() => move(index, 1)}>Move ${option} down</button>
          <button type="button" class="plain" onClick=${() => remove(option)}>Remove ${option}</button>
        </span>
      </li>`)}
    </ol>
    <p class="status" aria-live="polite">${ranking.length ? `Your ranking: ${ranking.join(" > ")}.` : "Nothing ranked yet."}</p>
    ${left.length > 0 && html`<div class="rank-add">${left.map((option) => html`<button type="button" class="secondary"
      key=${option} id=${id("add", option)} onClick=${() => add(option)}>Rank ${option}</button>`)}</div>`}
    <div class="ballot-actions">
      <button type="button" id="rank-cast" disabled=${ranking.length === 0} onClick=${() => cast({ ranking })}>Cast this ranking</button>
      <button type="button" class="vote abstain" onClick=${() => cast({ choice: "abstain" })}>Abstain</button>
    </div>
  </fieldset>`;
}

export function describeBallot(ballot) {
  return ballot.ranking ? ballot.ranking.join(" > ") : ballot.choice;
}
