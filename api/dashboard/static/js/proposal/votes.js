// The votes of a proposal, by voter, paginated by cursor; voter and time only while secret.
import { html } from "../core/html.js";
import { describeVote } from "../ballots/index.js";
import { amount, when } from "../core/format.js";
import { usePages } from "../core/resource.js";
import { LoadError } from "../ui/status.js";

export function VotesList({ path, votingType }) {
  const votes = usePages(`${path}/votes`, {}, 50);
  const secret = votes.items.length > 0 && !("ballot" in votes.items[0]); // the API leaves the choices out
  if (votes.error) return html`<${LoadError} error=${votes.error} retry=${votes.reload} />`;
  return html`<section aria-labelledby="votes-title">
    <h3 id="votes-title">Votes</h3>
    ${!votes.loading && votes.items.length === 0 && html`<p>No votes yet.</p>`}
    ${votes.items.length > 0 && (secret ? html`<p class="hint">The ballots are secret until the proposal is finalized:
      only who voted and when is shown.</p>
      <div class="table-wrap" role="region" aria-label="Votes" tabindex="0"><table>
        <thead><tr><th scope="col">Voter</th><th scope="col">Submitted</th></tr></thead>
        <tbody>${votes.items.map((v) => html`<tr key=${v.voter_id}>
          <td>${v.voter_id}</td><td data-label="Submitted">${when(v.submitted_at)}</td></tr>`)}</tbody>
      </table></div>` : html`<div class="table-wrap" role="region" aria-label="Votes" tabindex="0">
      <table>
        <thead><tr><th scope="col">Voter</th><th scope="col">Choice</th><th scope="col">Weight</th><th scope="col">Submitted</th></tr></thead>
        <tbody>${votes.items.map((v) => html`<tr key=${v.voter_id}>
          <td>${v.voter_id}</td><td data-label="Choice">${describeVote(votingType, v)}</td>
          <td data-label="Weight">${amount(v.weight)}</td><td data-label="Submitted">${when(v.submitted_at)}</td></tr>`)}
        </tbody>
      </table></div>`)}
    ${votes.hasMore && html`<button type="button" onClick=${votes.loadMore}>Load more votes</button>`}
  </section>`;
}
