// The same votes under each governance model, side by side (the tally route's ?model=); the
// options' scores for the voting types of SPEC 5.6; nothing per choice while the ballots are secret.
import { html } from "../core/html.js";
import { amount, percentOf } from "../core/format.js";
import { useResource } from "../core/resource.js";
import { useQueryChoices } from "../ui/api-form.js";
import { outcomeWords } from "./tally.js";

/** One model's tally; remounted (so fetched again) when `version` changes. */
function ModelCard({ path, model, current }) {
  const tally = useResource(`${path}/tally?model=${model}`);
  const t = tally.data;
  return html`<li class=${`card model${model === current ? " current" : ""}`}>
    <h4>${model}${model === current ? " (this proposal's)" : ""}</h4>
    ${tally.error && html`<p>${tally.error.detail}</p>`}
    ${t && !("outcome" in t) && html`<p>Secret until the close; participation ${percentOf(t.participation)}.</p>`}
    ${t && "outcome" in t && html`<dl class="facts">
      ${t.options ? Object.entries(t.options).map(([option, score]) => html`<div key=${option}><dt>${option}</dt>
        <dd>${amount(score)}</dd></div>`) : html`
        <div><dt>Yes</dt><dd>${amount(t.yes)}</dd></div>
        <div><dt>No</dt><dd>${amount(t.no)}</dd></div>`}
      <div><dt>Abstain</dt><dd>${amount(t.abstain)}</dd></div>
      <div><dt>Participation</dt><dd>${percentOf(t.participation)}</dd></div>
      ${t.options ? html`<div><dt>Winner</dt><dd>${t.winner || "none"}</dd></div>`
        : html`<div><dt>Support</dt><dd>${t.support === null ? "–" : percentOf(t.support)}</dd></div>`}
      <div><dt>Outcome</dt><dd class=${`outcome ${t.outcome}`}>${outcomeWords(t.outcome)}</dd></div>
    </dl>`}
  </li>`;
}

export function ModelComparison({ path, current, version }) {
  const models = useQueryChoices("/api/v1/daos/{slug}/proposals/{pslug}/tally", "model");
  return html`<section aria-labelledby="compare-title">
    <h3 id="compare-title">The same votes under each model</h3>
    <ul class="cards compare">
      ${models.map((model) => html`<${ModelCard} key=${`${model}-${version}`} path=${path} model=${model}
        current=${current} />`)}
    </ul>
  </section>`;
}
