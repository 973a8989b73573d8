// A tally (SPEC 5.3) as bars: quorum progress, the choices' weights, support against the
// threshold, and the outcome (final, or "if it closed now" while voting runs).
import { html } from "../core/html.js";
import { amount, percent, percentOf } from "../core/format.js";
import { Bar } from "../ui/bars.js";

const OUTCOMES = { passed: "passed", rejected: "rejected", expired: "expired (quorum not reached)" };

export function outcomeWords(outcome) {
  return OUTCOMES[outcome] || outcome;
}

export function TallyView({ tally, final }) {
  const cast = Number(tally.yes) + Number(tally.no) + Number(tally.abstain);
  const quorum = Number(tally.quorum_percent);
  return html`<div class="tally">
    <${Bar} label="Quorum progress" value=${Number(tally.participation)} total=${1} mark=${quorum}
      tone=${tally.quorum_reached ? "ok" : ""}
      text=${`${percentOf(tally.participation)} took part; quorum ${percent(tally.quorum_percent)}${tally.quorum_reached ? " (reached)" : ""}`} />
    <${Bar} label="Yes" value=${Number(tally.yes)} total=${cast} tone="yes" text=${amount(tally.yes)} />
    <${Bar} label="No" value=${Number(tally.no)} total=${cast} tone="no" text=${amount(tally.no)} />
    <${Bar} label="Abstain" value=${Number(tally.abstain)} total=${cast} tone="abstain" text=${amount(tally.abstain)} />
    <${Bar} label="Support" value=${Number(tally.support || 0)} total=${1} mark=${Number(tally.pass_threshold_percent)}
      text=${`${tally.support === null ? "no yes/no votes" : percentOf(tally.support)}; threshold ${percent(tally.pass_threshold_percent)}`} />
    <p class="tally-facts">${tally.voters} voter${tally.voters === 1 ? "" : "s"} counted · total weight ${amount(tally.total_weight)}
      · model ${tally.model}</p>
    <p class=${`outcome ${tally.outcome}`}><strong>${final ? "Outcome" : "If voting closed now"}:</strong> ${outcomeWords(tally.outcome)}</p>
  </div>`;
}
