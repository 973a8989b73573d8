// A tally (SPEC 5.3, 5.6) as bars: quorum progress, the choices' weights (or the options' scores,
// and the runoff's rounds), support against the threshold, and the outcome (final, or "if it
// closed now" while voting runs). While the ballots are secret only participation is shown.
import { html } from "../core/html.js";
import { amount, percent, percentOf } from "../core/format.js";
import { Bar } from "../ui/bars.js";

const OUTCOMES = { passed: "passed", rejected: "rejected", expired: "expired (quorum not reached)" };

export function outcomeWords(outcome) {
  return OUTCOMES[outcome] || outcome;
}

function Quorum({ tally }) {
  const quorum = Number(tally.quorum_percent);
  return html`<${Bar} label="Quorum progress" value=${Number(tally.participation)} total=${1} mark=${quorum}
    tone=${tally.quorum_reached ? "ok" : ""}
    text=${`${percentOf(tally.participation)} took part; quorum ${percent(tally.quorum_percent)}${tally.quorum_reached ? " (reached)" : ""}`} />`;
}

function Choices({ tally }) {
  const cast = Number(tally.yes) + Number(tally.no) + Number(tally.abstain);
  return html`
    <${Bar} label="Yes" value=${Number(tally.yes)} total=${cast} tone="yes" text=${amount(tally.yes)} />
    <${Bar} label="No" value=${Number(tally.no)} total=${cast} tone="no" text=${amount(tally.no)} />
    <${Bar} label="Abstain" value=${Number(tally.abstain)} total=${cast} tone="abstain" text=${amount(tally.abstain)} />
    <${Bar} label="Support" value=${Number(tally.support || 0)} total=${1} mark=${Number(tally.pass_threshold_percent)}
      text=${`${tally.support === null ? "no yes/no votes" : percentOf(tally.support)}; threshold ${percent(tally.pass_threshold_percent)}`} />`;
}

function Options({ tally }) {
  const scores = Object.entries(tally.options);
  const total = scores.reduce((sum, [, score]) => sum + Number(score), 0);
  const rounds = tally.rounds || [];
  return html`
    ${rounds.length > 0 && html`<p class="hint">The bars show the first round; the runoff decides the winner.</p>`}
    ${scores.map(([option, score]) => html`<${Bar} key=${option} label=${option} value=${Number(score)} total=${total}
      tone=${option === tally.winner ? "ok" : ""} text=${amount(score)} />`)}
    <${Bar} label="Abstain" value=${Number(tally.abstain)} total=${total + Number(tally.abstain)} tone="abstain"
      text=${amount(tally.abstain)} />
    <p>${tally.winner ? html`Winner: <strong>${tally.winner}</strong>` : "No winner (a tie, or no ballots)"};
      threshold ${percent(tally.pass_threshold_percent)} of the non-abstaining weight</p>
    ${rounds.length > 0 && html`<${Rounds} rounds=${rounds} />`}`;
}

/** The instant runoff round by round (SPEC 5.6): each option's score, the exhausted weight and
 * the option eliminated after the round. */
function Rounds({ rounds }) {
  return html`<section class="rounds" aria-labelledby="rounds-title">
    <h4 id="rounds-title">Runoff rounds</h4>
    <ol aria-label="Runoff rounds">${rounds.map((round, i) => html`<li key=${i}>
      <strong>Round ${i + 1}:</strong>${" "}
      ${Object.entries(round.scores).map(([option, score]) => `${option} ${amount(score)}`).join(", ")}
      ${Number(round.exhausted) > 0 ? ` · exhausted ${amount(round.exhausted)}` : ""}
      ${round.eliminated ? ` · ${round.eliminated} eliminated` : ""}</li>`)}</ol>
  </section>`;
}

export function TallyView({ tally, final }) {
  if (!("outcome" in tally)) {
    return html`<div class="tally">
      <${Bar} label="Participation" value=${Number(tally.participation)} total=${1}
        tone=${tally.quorum_reached ? "ok" : ""}
        text=${`${percentOf(tally.participation)} took part${tally.quorum_reached ? "; quorum reached" : ""}`} />
      <p class="tally-facts">${tally.voters} voter${tally.voters === 1 ? "" : "s"} so far. The ballots are secret until
        the proposal is finalized: no choice or figure per choice is shown to anyone until then.</p>
    </div>`;
  }
  return html`<div class="tally">
    <${Quorum} tally=${tally} />
    ${tally.options ? html`<${Options} tally=${tally} />` : html`<${Choices} tally=${tally} />`}
    <p class="tally-facts">${tally.voters} voter${tally.voters === 1 ? "" : "s"} counted · total weight ${amount(tally.total_weight)}
      · model ${tally.model}${tally.early ? " · decided early" : ""}</p>
    <p class=${`outcome ${tally.outcome}`}><strong>${final ? "Outcome" : "If voting closed now"}:</strong> ${outcomeWords(tally.outcome)}</p>
  </div>`;
}
